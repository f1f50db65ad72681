// The closing table of saddle-bench: each workload's figure, the peer figure of issue 5
// (median, 2 threads, torch 1.13 + Opacus 1.4 on this kind of machine), the ratio, the fraction
// of the machine limit measured in the same run, and the target.
#include "bench_common.hpp"
#include <cstdio>
#include <string>

namespace saddle::bench {

namespace {

struct Row {
  char const* name;
  char const* label;
  double peer;
  double limit_per_sample; ///< bytes (GLM: two passes over a row) or flops per sample; 0: none
  bool flops;
  char const* target;
};

} // namespace

void printSummary(BenchContext const& ctx) {
  if (ctx.world.rank() != 0)
    return;
  double const mlp_flops = 2.0 * (3.0 * (256 * 512 + 512 * 512 + 512 * 10) - 256 * 512);
  Row const rows[] = {
      {"w1_logistic_dp", "1 DP-SGD logistic", 90600, 2.0 * 256 * 4, false, ">= 5.0e6, >= 40% bw"},
      {"w2_logistic_nodp", "2 logistic, no DP", 735000, 2.0 * 256 * 4, false, ""},
      {"w3_mlp_dp", "3 DP-SGD MLP", 462, mlp_flops, true, ">= 15000"},
      {"w4_mlp_nodp", "4 MLP, no DP", 41000, mlp_flops, true, ""},
      {"w5_constrained_dp", "5 constrained DP logistic", 0, 0, false, ""},
  };
  std::printf("\nsaddle-bench summary: %d rank(s), Kokkos %s\n", ctx.world.size(),
              ExecSpace::name());
  std::printf("  machine: triad %.1f GB/s (peer STREAM ~24), sgemm %.1f GFLOP/s (peer OpenBLAS "
              "~135, saddle's own kernel here)\n",
              ctx.bandwidth / 1e9, ctx.gemm_rate / 1e9);
  std::printf("  %-27s %14s %10s %9s %14s  %s\n", "workload", "samples/s", "peer", "x peer",
              "frac of limit", "target");
  for (auto const& r : rows) {
    double const v = ctx.figure(r.name);
    if (v <= 0.0)
      continue;
    double const limit = r.limit_per_sample <= 0.0
                             ? 0.0
                             : (r.flops ? ctx.gemm_rate : ctx.bandwidth) / r.limit_per_sample;
    auto const cell = [](double value, char const* format) {
      char buf[32] = "-";
      if (value > 0.0)
        std::snprintf(buf, sizeof buf, format, value);
      return std::string(buf);
    };
    std::printf("  %-27s %14.0f %10s %9s %14s  %s\n", r.label, v, cell(r.peer, "%.0f").c_str(),
                cell(r.peer > 0 ? v / r.peer : 0.0, "%.1f").c_str(),
                cell(limit > 0 ? 100.0 * v / limit : 0.0, "%.1f%%").c_str(), r.target);
  }
  auto const ratio = [&](char const* a, char const* b) {
    return ctx.figure(a) > 0 && ctx.figure(b) > 0 ? ctx.figure(a) / ctx.figure(b) : 0.0;
  };
  std::printf("  DP cost: logistic %.2fx (target <= 1.3x), MLP %.2fx (target <= 1.5x)\n",
              ratio("w2_logistic_nodp", "w1_logistic_dp"), ratio("w4_mlp_nodp", "w3_mlp_dp"));
  if (ctx.figure("w1_logistic_dp/efficiency") > 0)
    std::printf("  1 -> %d rank efficiency, workload 1: %.1f%% (target >= 90%%)\n",
                ctx.world.size(), 100.0 * ctx.figure("w1_logistic_dp/efficiency"));
  double const round = ctx.figure("w5_round_s");
  for (char const* n : {"w6_dual_4_s", "w6_dual_100000_s"})
    if (round > 0 && ctx.figure(n) > 0)
      std::printf("  %s: %.3g us per update = %.4f%% of a workload-5 round (target < 1%%)\n", n,
                  1e6 * ctx.figure(n), 100.0 * ctx.figure(n) / round);
}

} // namespace saddle::bench
