// saddle-bench: Google Benchmark program of saddle's workloads (issue 5). Init order MPI ->
// Kokkos -> Google Benchmark; every rank runs every benchmark (the DP-SGD workloads share their
// samples over the ranks), rank 0 reports. Own flags, before Google Benchmark's:
//   --saddle_scale=F   multiply every problem size by F (0.01: a smoke run)
//   --saddle_phases    after the benchmarks, time the phases of one DP epoch of workloads 1, 3
#include "saddle/core/comm.hpp"

#include <Kokkos_Core.hpp>

#include "bench_common.hpp"
#include <cstring>
#include <string>

namespace {

// Removes saddle-bench's own flags from argv; false on a malformed value.
bool parseOwnFlags(int& argc, char** argv, saddle::bench::Settings& s, bool& file_output) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string const a = argv[i];
    if (a.rfind("--saddle_scale=", 0) == 0) {
      try {
        s.scale = std::stod(a.substr(15));
      } catch (std::exception const&) {
        return false;
      }
      if (!(s.scale > 0.0))
        return false;
    } else if (a == "--saddle_phases") {
      s.phases = true;
    } else {
      file_output = file_output || a.rfind("--benchmark_out=", 0) == 0;
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return true;
}

} // namespace

int main(int argc, char** argv) {
  saddle::mpi::Environment mpi_env(argc, argv);
  int rc = 0;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    auto& ctx = saddle::bench::context();
    bool file_output = false;
    if (!parseOwnFlags(argc, argv, ctx.settings, file_output)) {
      if (ctx.world.rank() == 0)
        std::fprintf(stderr, "saddle-bench: --saddle_scale must be a number > 0\n");
      saddle::bench::releaseContext();
      return 2;
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
      rc = 2;
    } else {
      saddle::bench::registerMachineBenchmarks();
      saddle::bench::registerDpSgdBenchmarks();
      saddle::bench::registerFederatedBenchmarks();
      saddle::bench::registerAccountantBenchmarks();
      saddle::bench::SilentReporter silent, silent_file;
      if (ctx.world.rank() == 0)
        benchmark::RunSpecifiedBenchmarks();
      else
        benchmark::RunSpecifiedBenchmarks(&silent, file_output ? &silent_file : nullptr);
      if (ctx.settings.phases)
        saddle::bench::printPhaseBreakdown();
      saddle::bench::printSummary(ctx);
    }
    benchmark::Shutdown();
    saddle::bench::releaseContext();
  }
  return rc;
}
