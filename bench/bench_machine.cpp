// Machine limits measured in the same run as the workloads: the memory bandwidth of a STREAM
// triad and the float GEMM rate of saddle's own tiled kernel, on this build's ExecSpace and on
// every rank at once (the aggregate is what the ranks of a workload share).
#include "kernels/models_bench_stream.hpp"
#include "kernels/models_gemm.hpp"

#include "bench_common.hpp"
#include <algorithm>

namespace saddle::bench {

namespace {

// a(i) = b(i) + 3 c(i) over 2^24 doubles per rank (3 x 128 MiB, far beyond the caches):
// 24 bytes per entry as STREAM counts them.
void triad(benchmark::State& state) {
  auto& ctx = context();
  ExecSpace space;
  std::int64_t const n = ctx.scaled(std::int64_t(1) << 24);
  Vector<double> a("saddle::bench::triad::a", n), b("saddle::bench::triad::b", n),
      c("saddle::bench::triad::c", n);
  Kokkos::deep_copy(space, b, 1.0);
  Kokkos::deep_copy(space, c, 2.0);
  kernels::streamTriad(space, a, b, c, 3.0); // first touch
  IterationTimer timer(space, ctx.world);
  double best = 0.0;
  for (auto _ : state) {
    timer.start();
    kernels::streamTriad(space, a, b, c, 3.0);
    double const s = timer.stop(state);
    best = std::max(best, 24.0 * static_cast<double>(n) * ctx.world.size() / s);
  }
  ctx.bandwidth = std::max(ctx.bandwidth, best);
  state.counters["GB/s_best"] = best / 1e9;
  state.counters["ranks"] = ctx.world.size();
  state.counters["vs_peer_STREAM"] = best / 24e9; // peer: STREAM triad ~24 GB/s, 2 threads
}

// C = A B, float, 1024^3 per rank, saddle's tiled team kernel (models_gemm.hpp).
void gemmRate(benchmark::State& state) {
  auto& ctx = context();
  ExecSpace space;
  std::int64_t const n = std::max<std::int64_t>(64, ctx.scaled(1024));
  Matrix<float> a("saddle::bench::gemm::a", n, n), b("saddle::bench::gemm::b", n, n),
      c("saddle::bench::gemm::c", n, n);
  Kokkos::deep_copy(space, a, 0.5f);
  Kokkos::deep_copy(space, b, 0.25f);
  Vector<float> const none("saddle::bench::none", 0);
  kernels::gemm(space, kernels::GemmOp::N, kernels::GemmOp::N, 1.0, a, b, 0.0, c, none);
  IterationTimer timer(space, ctx.world);
  double const flops = 2.0 * static_cast<double>(n) * n * n * ctx.world.size();
  double best = 0.0;
  for (auto _ : state) {
    timer.start();
    kernels::gemm(space, kernels::GemmOp::N, kernels::GemmOp::N, 1.0, a, b, 0.0, c, none);
    best = std::max(best, flops / timer.stop(state));
  }
  ctx.gemm_rate = std::max(ctx.gemm_rate, best);
  state.counters["GFLOP/s_best"] = best / 1e9;
  state.counters["ranks"] = ctx.world.size();
  state.counters["vs_peer_sgemm"] = best / 135e9; // peer: OpenBLAS sgemm ~135 GFLOP/s
}

} // namespace

void registerMachineBenchmarks() {
  benchmark::RegisterBenchmark("machine/triad_bandwidth", triad)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->MinTime(0.5);
  benchmark::RegisterBenchmark("machine/sgemm_rate", gemmRate)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
}

} // namespace saddle::bench
