#include "saddle/run/trainer.hpp"

#include "kernels/compat.hpp"
#include "saddle/core/log.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/history.hpp"
#include "saddle/run/certificate.hpp"
#include "saddle/run/ridge_reference.hpp"
#include "saddle/run/signals.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

namespace saddle {

Trainer::Trainer(Experiment& experiment, Options options)
    : _x(experiment), _opt(options), _violation(experiment.problem->numConstraints(), 0.0),
      _violation_dev("saddle::Trainer::violation", experiment.problem->numConstraints()),
      _violation_mirror(Kokkos::create_mirror_view(_violation_dev)),
      _weights("saddle::Trainer::weights", experiment.problem->numConstraints()),
      _dual_grad("saddle::Trainer::dual_grad", experiment.problem->numConstraints()),
      _seen_idx("saddle::Trainer::seen", experiment.problem->numConstraints()),
      _seen_violation("saddle::Trainer::seen_violation", experiment.problem->numConstraints()),
      _seen_grad("saddle::Trainer::seen_grad", experiment.problem->numConstraints()),
      _seen_idx_host(Kokkos::create_mirror_view(_seen_idx)),
      _seen_violation_host(Kokkos::create_mirror_view(_seen_violation)) {}

Trainer::~Trainer() = default;

// One round of DESIGN.md's data path. Every line below is one kernel launch, one collective or
// one step of the deck's federated algorithm (src/saddle/federated/algorithm.hpp).
void Trainer::runRound() {
  compat::ScopedRegion region("saddle::Trainer::round");
  auto const& space = _x.space;
  auto const& layout = _x.layout;
  _x.federation.clear(space);
  // w_j = dL/dg_j: lambda_j (Lagrangian), relu(lambda_j + c g_j) (augmented), c g_j+ (penalty)
  // with g from the last aggregation (the round's own is known only after it)
  _x.formulation->primalWeights(space, _x.dual->lambda(), _violation_dev, _weights);
  // the round's silos: M_avail of M, a pure function of (seed, round); the others send nothing
  federated::RoundInput const in{_round, _x.participation.chosen(_round),
                                 _x.participation.mask(_round), _weights};
  // msg_s of each participating silo here: batch, coef_i (+ proxies), clip, sum, noise, as
  // a minibatch gradient | K local steps' model delta | SPIDER large batch or difference
  _local_records += _x.algorithm->siloMessages(in);
  if (stopRequested()) // a signal on this rank: every rank learns it from the aggregate
    Kokkos::deep_copy(space, Kokkos::subview(_x.federation.buffer(), layout.control_offset), 1.0);
  // agg = sum over the participating silos of msg_s (one MPI_Allreduce; or exact fixed point)
  auto const& agg = _x.federation.aggregate(space);
  checkAggregate(agg);
  _stop = agg(layout.control_offset) > 0.0;
  // theta <- the server step on agg.grad (theta - eta g / E[batch] | theta + mean delta |
  // theta - eta v_t)
  _x.algorithm->serverStep(in);
  // g, the problem's players, lambda, the penalty and C move on agg.stats
  dualStep(agg, _x.algorithm->expectedBatch(in));
  // the ledger of every participating silo composes this round's releases
  _x.ledgers->composeRound(_round);
  ++_round;
}

void Trainer::checkAggregate(Federation::HostBuffer const& agg) const {
  for (std::int64_t j = 0; j < _x.layout.control_offset; ++j)
    if (!std::isfinite(agg(j)))
      throw DivergenceError(log::format("saddle::Trainer: diverged at round %lld: entry %lld of "
                                        "the aggregated message is %g (lower optim.lr?)",
                                        static_cast<long long>(_round + 1),
                                        static_cast<long long>(j), agg(j)));
}

void Trainer::dualStep(Federation::HostBuffer const& agg, double expected_batch) {
  auto const& space = _x.space;
  auto const& layout = _x.layout;
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
    auto const seen = _x.problem->observedConstraints(stats);
    if (static_cast<std::int64_t>(seen.size()) == _x.dual->size()) {
      _x.formulation->dualGradients(space, _x.dual->lambda(), _violation_dev, _dual_grad);
      _x.dual->step(space, _dual_grad);
      if (_x.deck.dual.restarts)
        _x.dual->restartFeasible(space, _violation_dev, _x.deck.dual.restart_margin);
    } else if (!seen.empty()) {
      // constraints without data this round (groups absent from every batch) keep their
      // multipliers and optimizer states: an indexed step over the observed ones only
      dualStepIndexed(seen);
    }
  }
  _x.formulation->updatePenalty(space, _violation_dev);
  // C <- C exp(-eta_C (unclipped share - quantile))   (adaptive clipping only)
  _x.privatizer.update(agg, layout, expected_batch);
}

void Trainer::dualStepIndexed(std::vector<std::int64_t> const& seen) {
  auto const& space = _x.space;
  auto const n = static_cast<std::int64_t>(seen.size());
  // the first n entries of buffers allocated once (no allocation per round)
  std::pair<std::int64_t, std::int64_t> const first(0, n);
  auto const idx = Kokkos::subview(_seen_idx, first);
  auto const violation = Kokkos::subview(_seen_violation, first);
  auto const grad = Kokkos::subview(_seen_grad, first);
  auto const idx_host = Kokkos::subview(_seen_idx_host, first);
  auto const violation_host = Kokkos::subview(_seen_violation_host, first);
  for (std::int64_t k = 0; k < n; ++k) {
    idx_host(k) = seen[k];
    violation_host(k) = _violation[seen[k]];
  }
  Kokkos::deep_copy(space, idx, idx_host);
  Kokkos::deep_copy(space, violation, violation_host);
  _x.formulation->dualGradientsIndexed(space, idx, _x.dual->lambda(), violation, grad);
  _x.dual->stepIndexed(space, idx, grad);
  // the host staging buffers are rewritten next round: the copies must be done by then
  compat::fence(space, "saddle::Trainer::dualStepIndexed: host staging");
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
      recordRound(); // with the problem's own metrics (e.g. FERMI's ERMI)
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
  // g_j <= tol on each whole split, for every problem (the problem's own violation())
  double const tol = _x.deck.problem.tolerance;
  s.train_satisfied =
      constraintsSatisfied(_x.space, _x.model, *_x.problem, _x.data.train, tol, _x.comm);
  s.test_satisfied =
      constraintsSatisfied(_x.space, _x.model, *_x.problem, _x.data.test, tol, _x.comm);
  // least squares: distance to the exact ridge solution (KSP over all silos)
  auto const ridge = ridgeReference(_x.space, _x.model, _x.data, _x.deck, _x.comm);
  s.ridge_available = ridge.available;
  s.ridge_note = ridge.note;
  s.ridge_distance = ridge.distance;
  s.ridge_relative_gap = ridge.relative_gap;
  s.ridge_objective = ridge.ridge_objective;
  s.ridge_test_accuracy = ridge.ridge_test_accuracy;
  s.ridge_solver = ridge.solver;
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
  _x.algorithm->saveState(state, "federated/"); // spider: theta_{t-1}, v, weights_{t-1}
}

void Trainer::loadState(State const& state, std::string const& prefix) {
  _round = state.integer(prefix + "round");
  _x.model.loadState(state, "model/");
  _x.dual->loadState(state, "dual/");
  _x.formulation->loadState(state, "formulation/");
  _x.problem->loadState(state, "problem/");
  _x.privatizer.loadState(state, "privacy/");
  _x.ledgers->loadState(state, "privacy/");
  _x.algorithm->loadState(state, "federated/");
}

State Trainer::state() const {
  State s;
  saveState(s, "run/");
  return s;
}

} // namespace saddle
