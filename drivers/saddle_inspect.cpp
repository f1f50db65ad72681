// saddle-inspect: a human summary of a checkpoint, and --verify to read all of it.
//   saddle-inspect FILE [--verify]
// Exit codes: 0 the file is a sound checkpoint, 2 it is not (missing, corrupt, wrong version)
// or the command line is bad. Serial: under mpiexec only rank 0 reads and prints.
#include "saddle/core/comm.hpp"
#include "saddle/io/inspect.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  saddle::mpi::Environment mpi(argc, argv);
  saddle::mpi::Comm world(MPI_COMM_WORLD);

  std::string path;
  bool verify = false;
  CLI::App app{"saddle-inspect: summary of a saddle checkpoint (format version, round, ranks, "
               "silos, deck hash, every dataset's shape and values or min/max/mean)."};
  app.add_option("file", path, "checkpoint file (ckpt_<round>.h5)")->required();
  app.add_flag("--verify", verify,
               "read every dataset in full and check every checksum (exit 2 if any fails)");
  try {
    app.parse(argc, argv);
  } catch (CLI::CallForHelp const& e) {
    if (world.rank() == 0)
      app.exit(e);
    return 0;
  } catch (CLI::ParseError const& e) {
    if (world.rank() == 0)
      std::fprintf(stderr, "saddle-inspect: error: %s\nusage: saddle-inspect FILE [--verify]\n",
                   e.what());
    return 2;
  }

  std::int64_t code = 0;
  try {
    if (world.rank() == 0)
      code = saddle::io::runInspect(path, verify, std::cout, std::cerr);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "saddle-inspect: runtime failure: %s\n", e.what());
    code = 1;
  }
  return static_cast<int>(world.allreduceMax(code));
}
