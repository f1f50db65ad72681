// saddle-cmp: solve a small constrained problem of the deck ([cmp] problem) with the min-max
// loop and compare it with PETSc/TAO's solution and the KKT conditions.
//   saddle-cmp DECK [--set section.key=value]... [--output DIR]
// Exit codes: 0 success, 2 bad input (deck, data file, command line), 1 runtime failure.
#include "saddle/core/comm.hpp"
#include "saddle/linalg/petsc_session.hpp"
#include "saddle/run/app.hpp"
#include "saddle/run/cmp_app.hpp"

#include <Kokkos_Core.hpp>

#include <CLI/CLI.hpp>

#include "driver_cli.hpp"
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  saddle::mpi::Environment mpi(argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv); // removes --kokkos-* arguments
  saddle::petsc::Session petsc;          // one per process, after Kokkos; finalized first
  saddle::mpi::Comm world(MPI_COMM_WORLD);

  saddle::CmpOptions options;
  std::string output;
  CLI::App app{"saddle-cmp: a small constrained problem (cmp.problem: svm_iris, "
               "feasible_learning, alm_toy) solved by gradient descent-ascent with the deck's "
               "primal and dual optimizers, formulation and update order, compared with "
               "PETSc/TAO's solution.\nOutputs (in run.output_dir): history.csv, summary.txt, "
               "summary.csv, deck.toml."};
  saddle::driver::addDeckOptions(app, options.deck_path, options.overrides, output);
  if (auto const stop = saddle::driver::parse(
          app, argc, argv, world, "saddle-cmp DECK [--set section.key=value]... [--output DIR]"))
    return *stop;
  if (!output.empty())
    options.overrides.push_back(saddle::outputOverride(output));

  try {
    return saddle::runCmpApp(options, world);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "[rank %d] saddle-cmp: runtime failure: %s\n", world.rank(), e.what());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, saddle::kExitRuntime);
  }
  return saddle::kExitRuntime;
}
