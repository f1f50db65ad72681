// Workload 5: constrained logistic regression with one demographic-parity constraint through
// the federated path of saddle-train (Experiment + Trainer::runRound: Poisson batches, clipping,
// noise per silo message, one allreduce, SGD primal step, gradient-ascent dual step).
// Workload 6: the dual update alone (projected gradient ascent), for 4 and 10^5 multipliers,
// and its share of a workload-5 round.
#include "saddle/optim/dual_optimizer.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include "bench_common.hpp"
#include <memory>

namespace saddle::bench {

namespace {

/// A synthetic, private, constrained deck: 200,000 rows x 32 features, 2 groups, 4 silos,
/// Poisson rate 0.05, C = 1, sigma = 1, demographic parity within 0.05, the default dual
/// optimizer (gradient ascent).
Deck constrainedDeck() {
  auto const& ctx = context();
  Deck d;
  d.run.seed = 11;
  d.run.rounds = 1000000;
  d.run.log_every = 1000000;
  d.data.n_samples = std::max<std::int64_t>(400, ctx.scaled(200000));
  d.data.n_features = 32;
  d.data.n_groups = 2;
  d.data.bias = 1.0;
  d.silos.count = 4;
  d.privacy.sampling_rate = 0.05;
  d.privacy.clip_norm = 1.0;
  d.privacy.noise_multiplier = 1.0;
  d.problem.constraint = "demographic_parity";
  d.problem.tolerance = 0.05;
  return d; // the default dual optimizer: projected gradient ascent
}

void constrainedRounds(benchmark::State& state) {
  auto& ctx = context();
  static std::unique_ptr<Experiment> experiment; // built once (collective), reused per call
  if (!experiment) {
    experiment = std::make_unique<Experiment>(constrainedDeck(), ctx.world);
    ctx.at_release.push_back([] { experiment.reset(); });
  }
  Trainer trainer(*experiment, Trainer::Options{false, false});
  int const rounds_per_iteration = 20;
  IterationTimer timer(experiment->space, ctx.world);
  double seconds = 0.0;
  std::int64_t rounds = 0;
  for (auto _ : state) {
    timer.start();
    for (int r = 0; r < rounds_per_iteration; ++r)
      trainer.runRound();
    seconds += timer.stop(state);
    rounds += rounds_per_iteration;
  }
  double const per_round = seconds / static_cast<double>(rounds);
  double const records = experiment->sampler->expectedRecords(experiment->data.info);
  ctx.figures["w5_round_s"] = per_round;
  ctx.figures["w5_constrained_dp"] = records / per_round;
  state.counters["samples/s"] = records / per_round;
  state.counters["us_per_round"] = 1e6 * per_round;
  state.counters["records_per_round"] = records;
}

void dualUpdate(benchmark::State& state) {
  auto& ctx = context();
  std::int64_t const n = state.range(0);
  ExecSpace space;
  // the Trainer's dual player: nuPI (K_P 1, K_I 1, nu 0.5) on n inequality multipliers
  optim::DualConfig cfg;
  cfg.optimizer = "nupi";
  cfg.lr = {0.5};
  cfg.kp = {1.0};
  cfg.nu = {0.5};
  auto dual = optim::makeDualOptimizer(cfg, std::vector<bool>(static_cast<std::size_t>(n), true));
  Vector<double> violation("saddle::bench::violation", n);
  Kokkos::deep_copy(space, violation, 0.01);
  int const updates_per_iteration = 1000;
  IterationTimer timer(space, ctx.world);
  double seconds = 0.0;
  for (auto _ : state) {
    timer.start();
    for (int u = 0; u < updates_per_iteration; ++u) // lambda <- proj(lambda + eta u_t)
      dual->step(space, violation);
    seconds += timer.stop(state);
  }
  double const per_update =
      seconds / (static_cast<double>(state.iterations()) * updates_per_iteration);
  state.counters["us_per_update"] = 1e6 * per_update;
  ctx.figures["w6_dual_" + std::to_string(n) + "_s"] = per_update;
  if (ctx.figure("w5_round_s") > 0.0)
    state.counters["frac_of_round"] = per_update / ctx.figure("w5_round_s");
}

} // namespace

void registerFederatedBenchmarks() {
  benchmark::RegisterBenchmark("w5_constrained_logistic_dp_rounds", constrainedRounds)
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("w6_dual_update_nupi", dualUpdate)
      ->Arg(4)
      ->Arg(100000)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

} // namespace saddle::bench
