#include "saddle/run/trainer.hpp"

#include "kernels/compat.hpp"
#include "saddle/core/log.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/history.hpp"
#include "saddle/run/certificate.hpp"
#include "saddle/run/signals.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace saddle {

namespace {
std::int64_t largestSilo(data::SiloData const& d) {
  std::int64_t most = 0;
  for (std::size_t k = 0; k + 1 < d.silo_offset.size(); ++k)
    most = std::max(most, d.silo_offset[k + 1] - d.silo_offset[k]);
  return most;
}
} // namespace

Trainer::Trainer(Experiment& experiment, Options options)
    : _x(experiment), _opt(options), _batch(largestSilo(experiment.data.train)),
      _violation(experiment.problem->numConstraints(), 0.0),
      _violation_dev("saddle::Trainer::violation", experiment.problem->numConstraints()),
      _violation_mirror(Kokkos::create_mirror_view(_violation_dev)),
      _weights("saddle::Trainer::weights", experiment.problem->numConstraints()),
      _dual_grad("saddle::Trainer::dual_grad", experiment.problem->numConstraints()) {}

Trainer::~Trainer() = default;

// One round of DESIGN.md's data path. Every line below is one kernel launch or one collective.
void Trainer::runRound() {
  compat::ScopedRegion region("saddle::Trainer::round");
  auto const& space = _x.space;
  auto const& train = _x.data.train;
  auto const& msg = _x.federation.buffer();
  auto const& layout = _x.layout;
  _x.federation.clear(space);
  // w_j = dL/dg_j: lambda_j (Lagrangian), relu(lambda_j + c g_j) (augmented), c g_j+ (penalty)
  // with g from the last aggregation (the round's own is known only after it)
  _x.formulation->primalWeights(space, _x.dual->lambda(), _violation_dev, _weights);
  for (std::size_t k = 0; k < train.silo_ids.size(); ++k) {
    std::int64_t const silo = train.silo_ids[k];
    // batch_s = the sampler's batch of silo s at this round (a pure function of seed, s, round)
    _x.sampler->draw(space, train, k, _round, _batch);
    // z_i = theta . [x_i, 1] ;  coef_i = d loss_i / d z_i
    _x.model.perSample(space, train, _batch);
    // coef_i += d/dz_i sum_j w_j proxy_j(i)   (per-record Lagrangian)
    if (_x.deck.problem.enters_primal)
      _x.problem->addProxyDerivative(space, train, _batch, _weights);
    // w_i = coef_i min(1, C / (|coef_i| ||[x_i, 1]||))   (per-record clipping)
    auto const w = _x.privatizer.clip(space, train, _batch, msg, layout);
    // msg_s = [sum_i w_i [x_i, 1] | constraint statistics of the batch | privacy statistics]
    _x.model.accumulateGradient(space, train, _batch, w, msg, layout.grad_offset);
    _x.problem->accumulateStats(space, train, _batch, msg, layout.stats_offset);
    // msg_s += N(0, sigma^2 C^2 I) | N(0, sigma_s^2 Delta_s^2 I) | N(0, adaptive_noise^2)
    _x.privatizer.addNoise(space, msg, layout, silo, _round);
    _local_records += _batch.size;
  }
  if (stopRequested()) // a signal on this rank: every rank learns it from the aggregate
    Kokkos::deep_copy(space, Kokkos::subview(msg, layout.control_offset), 1.0);
  // agg = sum over all silos of msg_s   (one MPI_Allreduce of the packed buffer)
  auto const& agg = _x.federation.aggregate(space);
  for (std::int64_t j = 0; j < layout.control_offset; ++j)
    if (!std::isfinite(agg(j)))
      throw DivergenceError(log::format("saddle::Trainer: diverged at round %lld: entry %lld of "
                                        "the aggregated message is %g (lower optim.lr?)",
                                        static_cast<long long>(_round + 1),
                                        static_cast<long long>(j), agg(j)));
  _stop = agg(layout.control_offset) > 0.0;
  // theta <- theta - eta * agg.grad / E[batch]
  double const expected_batch = _x.sampler->expectedRecords(_x.data.info);
  _x.primal.step(space, _x.model.theta(), msg, layout.grad_offset, 1.0 / expected_batch);
  // g = true (thresholded) violations from the aggregated, privatized statistics
  std::vector<double> stats(layout.n_stats);
  for (std::size_t j = 0; j < stats.size(); ++j)
    stats[j] = agg(layout.stats_offset + static_cast<std::int64_t>(j));
  _violation = _x.problem->violation(stats);
  // the problem's own players (FERMI's W) move on the same privatized statistics
  _x.problem->update(space, stats, _round);
  _x.schedule.shift(_violation, _round); // g_j - tol(round) <= 0
  for (std::size_t j = 0; j < _violation.size(); ++j)
    _violation_mirror(j) = _violation[j];
  Kokkos::deep_copy(space, _violation_dev, _violation_mirror);
  // lambda <- dual optimizer step on dL/dlambda (projected onto lambda >= 0); restarts; c update
  if (_x.formulation->hasMultipliers() && _x.deck.problem.enters_dual) {
    _x.formulation->dualGradients(space, _x.dual->lambda(), _violation_dev, _dual_grad);
    _x.dual->step(space, _dual_grad);
    if (_x.deck.dual.restarts)
      _x.dual->restartFeasible(space, _violation_dev, _x.deck.dual.restart_margin);
  }
  _x.formulation->updatePenalty(space, _violation_dev);
  // C <- C exp(-eta_C (unclipped share - quantile))   (adaptive clipping only)
  _x.privatizer.update(agg, layout, expected_batch);
  // every silo's ledger composes this round's release
  _x.ledgers->composeRound(_round);
  ++_round;
}

std::int64_t Trainer::plannedRounds() {
  std::int64_t const rounds = _x.deck.run.rounds;
  double const budget = _x.deck.privacy.epsilon_budget;
  if (budget <= 0 || !_x.ledgers->active())
    return rounds;
  std::int64_t const fit = _x.ledgers->roundsWithin(budget, rounds);
  if (fit < rounds)
    log::info(_x.comm, log::format("privacy budget: epsilon <= %g (delta %g) allows %lld of %lld "
                                   "rounds; round %lld would spend %.6g",
                                   budget, _x.ledgers->delta(), static_cast<long long>(fit),
                                   static_cast<long long>(rounds), static_cast<long long>(fit + 1),
                                   _x.ledgers->plannedEpsilon(fit + 1)));
  return fit;
}

RunSummary Trainer::run() {
  if (_opt.verbose)
    logStartup();
  if (_opt.write_outputs)
    openOutputs();
  installStopHandlers();
  std::int64_t const rounds = plannedRounds();
  std::int64_t const every = _x.deck.checkpoint.every;
  while (_round < rounds && !_stop) {
    auto const start = std::chrono::steady_clock::now();
    testHookSignalAtRound(_round + 1);
    runRound();
    compat::fence(_x.space, "saddle::Trainer::run: round timing");
    _wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (_round % _x.deck.run.log_every == 0 || _round == rounds)
      progress();
    if (_opt.write_outputs)
      recordRound();
    if (_opt.write_outputs && !_stop && every > 0 && _round % every == 0 && _round < rounds)
      checkpoint();
  }
  if (_opt.write_outputs)
    checkpoint(); // the final state, also after a stop signal
  RunSummary s = summarize();
  s.stop = _stop ? StopReason::Signal
                 : (_round < _x.deck.run.rounds ? StopReason::Budget : StopReason::Completed);
  if (_opt.write_outputs || _opt.verbose)
    writeSummary(s);
  return s;
}

RunSummary Trainer::summarize() {
  RunSummary s;
  std::int64_t const k = _x.data.info.n_groups;
  s.rounds = _round;
  s.train = evaluate(_x.space, _x.model, _x.data.train, k, _x.comm);
  s.test = evaluate(_x.space, _x.model, _x.data.test, k, _x.comm);
  s.lambda = _x.dual->lambdaHost();
  std::int64_t records = _local_records;
  _x.comm.allreduceSum(&records, 1);
  s.records = records;
  s.wall_seconds = _x.comm.allreduceMax(_wall);
  s.records_per_second = s.wall_seconds > 0 ? static_cast<double>(records) / s.wall_seconds : 0;
  s.epsilon = _x.ledgers->plannedEpsilon(_round);
  s.delta = _x.ledgers->delta();
  s.last_checkpoint = _last_checkpoint;
  auto const kkt = certifyRun(_x, s.train, s.lambda);
  s.kkt_feasibility = kkt.feasibility;
  s.kkt_complementarity = kkt.complementarity;
  s.kkt_stationarity = kkt.stationarity;
  s.kkt_note = kkt.fit_reason;
  if (_x.deck.problem.constraint == "demographic_parity") {
    double const tol = _x.deck.problem.tolerance;
    for (std::int64_t g = 0; g < k; ++g) {
      for (Evaluation const* e : {&s.train, &s.test}) {
        double const diff = e->group_rate[g] - e->positive_rate;
        auto& out = e == &s.train ? s.train_satisfied : s.test_satisfied;
        out.push_back(diff <= tol);
        out.push_back(-diff <= tol);
      }
    }
  }
  return s;
}

void Trainer::saveState(State& state, std::string const& prefix) const {
  state.putInt(prefix + "round", _round);
  _x.model.saveState(state, "model/");
  _x.dual->saveState(state, "dual/");
  _x.formulation->saveState(state, "formulation/");
  _x.problem->saveState(state, "problem/");
  _x.privatizer.saveState(state, "privacy/");
  _x.ledgers->saveState(state, "privacy/");
}

void Trainer::loadState(State const& state, std::string const& prefix) {
  _round = state.integer(prefix + "round");
  _x.model.loadState(state, "model/");
  _x.dual->loadState(state, "dual/");
  _x.formulation->loadState(state, "formulation/");
  _x.problem->loadState(state, "problem/");
  _x.privatizer.loadState(state, "privacy/");
  _x.ledgers->loadState(state, "privacy/");
}

State Trainer::state() const {
  State s;
  saveState(s, "run/");
  return s;
}

} // namespace saddle
