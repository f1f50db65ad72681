// Workload 6b: the accountant update alone, what a round adds to a silo's privacy ledger and
// the epsilon the round reports (saddle-train logs the worst silo's RDP epsilon every round).
#include "saddle/privacy/ledger.hpp"

#include "bench_common.hpp"

namespace saddle::bench {

namespace {

/// One round's accounting after `steps` earlier rounds: compose one release of the subsampled
/// Gaussian (q 0.01, sigma 1) and convert the ledger to epsilon at delta 1e-5 (RDP).
void accountantUpdate(benchmark::State& state) {
  auto& ctx = context();
  std::int64_t const steps = state.range(0);
  PrivacyLedger ledger;
  ledger.compose(0.01, 1.0, steps);
  double seconds = 0.0, epsilon = 0.0;
  for (auto _ : state) {
    auto const start = std::chrono::steady_clock::now();
    ledger.compose(0.01, 1.0, 1);
    epsilon = ledger.epsilon(1e-5).epsilon;
    double const s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(s);
    seconds += s;
  }
  double const per_update = seconds / static_cast<double>(state.iterations());
  state.counters["us_per_update"] = 1e6 * per_update;
  state.counters["epsilon"] = epsilon;
  ctx.figures["w6_accountant_s"] = per_update;
  if (ctx.figure("w5_round_s") > 0.0)
    state.counters["frac_of_round"] = per_update / ctx.figure("w5_round_s");
}

} // namespace

void registerAccountantBenchmarks() {
  benchmark::RegisterBenchmark("w6_accountant_update_rdp", accountantUpdate)
      ->Arg(10000)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

} // namespace saddle::bench
