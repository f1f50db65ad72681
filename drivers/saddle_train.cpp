// saddle-train: train a model on the deck's data held by silos over MPI ranks.
//   saddle-train DECK [--set section.key=value]... [--output DIR]
//   saddle-train DECK --restart FILE|latest
// Exit codes: 0 success, 2 bad input (deck, data, checkpoint, command line), 1 runtime failure
// (divergence included), 3 stopped by SIGUSR1/SIGTERM after writing a checkpoint.
#include "saddle/core/comm.hpp"
#include "saddle/linalg/petsc_session.hpp"
#include "saddle/run/app.hpp"
#include "saddle/version.hpp"

#include <Kokkos_Core.hpp>

#include <CLI/CLI.hpp>

#include "driver_cli.hpp"
#include <cstdio>
#include <exception>
#include <sstream>

int main(int argc, char** argv) {
  saddle::mpi::Environment mpi(argc, argv);
  Kokkos::ScopeGuard kokkos(argc, argv); // removes --kokkos-* arguments
  saddle::petsc::Session petsc;          // after Kokkos; finalized first
  saddle::mpi::Comm world(MPI_COMM_WORLD);

  saddle::TrainOptions options;
  std::string output;
  CLI::App app{"saddle-train: constrained, differentially private training on data held by "
               "silos spread over MPI ranks.\nOutputs (in run.output_dir): history.csv, "
               "evaluation.csv, summary.txt, deck.toml."};
  saddle::driver::addDeckOptions(app, options.deck_path, options.overrides, output);
  app.set_version_flag(
      "--version",
      [] {
        std::ostringstream text;
        text << "saddle-train " << saddle::kVersion << " (git " << saddle::kGitHash << ")\n";
        Kokkos::print_configuration(text, true);
        return text.str();
      },
      "print the version, git hash and Kokkos configuration, then exit");
  app.add_option("--restart", options.restart,
                 "continue from a checkpoint file, or 'latest' in the checkpoint folder");
  if (auto const stop = saddle::driver::parse(
          app, argc, argv, world,
          "saddle-train DECK [--set section.key=value]... [--output DIR] [--restart FILE|latest]"))
    return *stop;
  if (!output.empty())
    options.overrides.push_back(saddle::outputOverride(output));

  try {
    return saddle::runTraining(options, world);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "[rank %d] saddle-train: runtime failure: %s\n", world.rank(), e.what());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, saddle::kExitRuntime);
  }
  return saddle::kExitRuntime;
}
