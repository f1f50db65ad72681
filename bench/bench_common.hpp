#pragma once
/// Shared state of saddle-bench: the command-line settings, the communicator, the machine
/// limits measured in this run (triad bandwidth, GEMM rate), the figures each workload reached
/// (for the ratios and the closing table), and the manual-time helper that keeps every MPI rank
/// in step with Google Benchmark's iteration decisions.
#include "kernels/compat.hpp"
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace saddle::bench {

/// Settings from saddle-bench's own flags (parsed before Google Benchmark's).
struct Settings {
  double scale = 1.0;  ///< --saddle_scale: multiplies every problem size (0.01 for a smoke run)
  bool phases = false; ///< --saddle_phases: also print a per-phase breakdown of DP steps
};

/// Everything the workloads share. One per process, built in main.
struct BenchContext {
  explicit BenchContext(mpi::Comm comm) : world(std::move(comm)) {}
  Settings settings;
  mpi::Comm world;
  /// Best (STREAM convention) aggregate triad bandwidth of all ranks, bytes/s; 0 = not yet.
  double bandwidth = 0.0;
  /// Best aggregate GEMM rate (float, saddle's tiled kernel) of all ranks, flop/s; 0 = not yet.
  double gemm_rate = 0.0;
  /// samples/s (or seconds, for the *_s entries) of each finished workload, by name.
  std::map<std::string, double> figures;
  /// Run by releaseContext(), before Kokkos and MPI finalize: workloads free what they cache
  /// (Views, communicators) here.
  std::vector<std::function<void()>> at_release;

  std::int64_t scaled(std::int64_t n) const;
  double figure(std::string const& name) const;
};

/// The process-wide context (set up by main before registration).
BenchContext& context();
/// Frees the context (its communicator) before MPI is finalized.
void releaseContext();

/// Times one benchmark iteration by wall clock between two fences of `space` (the ranks of
/// `comm` start together, after a barrier), and reports the maximum over the ranks as the
/// iteration's manual time, so that every rank takes the same iteration decisions (and meets the
/// same collectives). Collective on `comm`.
class IterationTimer {
public:
  IterationTimer(ExecSpace const& space, mpi::Comm const& comm) : _space(space), _comm(comm) {}
  void start();
  /// Fences, stops, reports to `state`; returns the (max over ranks) seconds.
  double stop(benchmark::State& state);

private:
  ExecSpace _space;
  mpi::Comm const& _comm;
  std::chrono::steady_clock::time_point _t0;
};

/// Sums a device or host View of doubles over the ranks of `comm` in place (staged through a
/// host mirror where MPI cannot read the memory). Fences `space` first. Collective on `comm`.
void allreduceSum(ExecSpace const& space, mpi::Comm const& comm, Vector<double> const& v);

/// A reporter that prints nothing (ranks other than 0).
class SilentReporter : public benchmark::BenchmarkReporter {
public:
  bool ReportContext(Context const&) override { return true; }
  void ReportRuns(std::vector<Run> const&) override {}
};

/// Per-phase wall times of a step (only with --saddle_phases: fences between phases).
class PhaseClock {
public:
  PhaseClock(ExecSpace const& space, bool on) : _space(space), _on(on) {}
  /// Ends the current phase and charges its time to `name`.
  void mark(char const* name);
  void reset();
  std::map<std::string, double> const& totals() const { return _totals; }

private:
  ExecSpace _space;
  bool _on;
  std::chrono::steady_clock::time_point _t = std::chrono::steady_clock::now();
  std::map<std::string, double> _totals;
};

/// Registration of each group of workloads (bench_*.cpp).
void registerMachineBenchmarks();
void registerDpSgdBenchmarks();
void registerFederatedBenchmarks();
/// LEAD: the accountant update alone (workload 6b) goes here once the accountant lands; see
/// bench_accountant.cpp.
void registerAccountantBenchmarks();

/// With --saddle_phases: one fenced epoch of each DP workload, time per phase (rank 0 prints).
void printPhaseBreakdown();

/// The closing table of figures (ours, peers', fraction of limit), rank 0 prints it.
void printSummary(BenchContext const& ctx);

} // namespace saddle::bench
