// What a run prints and writes: the start-up lines, progress lines, per-round history
// (history.h5 with a history.csv mirror), evaluations (evaluation.csv) and the final summary
// (summary.txt, summary.csv). All files are written by rank 0; on a restart they are cut back
// to the checkpoint's round and appended, so no round is missing or duplicated.
#include "saddle/core/log.hpp"
#include "saddle/io/history.hpp"
#include "saddle/run/trainer.hpp"
#include "saddle/version.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace saddle {

namespace {
double maxOf(std::vector<double> const& v) {
  double m = 0.0;
  for (double x : v)
    m = std::max(m, x);
  return m;
}

std::string yesNo(bool b) {
  return b ? "yes" : "NO";
}

/// Keep the header and the rows whose first field (a round) is <= `round`.
void truncateCsvAfter(std::filesystem::path const& path, std::int64_t round) {
  std::ifstream in(path);
  std::string line, kept;
  bool header = true;
  while (std::getline(in, line)) {
    if (header || std::stoll(line.substr(0, line.find(','))) <= round)
      kept += line + '\n';
    header = false;
  }
  in.close();
  std::ofstream(path, std::ios::trunc) << kept;
}

/// One line on what is optimized, for the start-up log.
std::string problemText(ProblemConfig const& p, std::int64_t multipliers) {
  auto const m = static_cast<long long>(multipliers);
  if (p.constraint == "demographic_parity")
    return log::format("cross-entropy s.t. demographic parity, |P(yhat=1|g) - P(yhat=1)| <= %g, "
                       "%lld multipliers",
                       p.tolerance, m);
  if (p.constraint == "equalized_odds")
    return log::format("cross-entropy s.t. equalized odds, |P(yhat=1|g,y) - P(yhat=1|y)| <= %g, "
                       "%lld multipliers",
                       p.tolerance, m);
  if (p.constraint == "group_accuracy")
    return log::format("cross-entropy s.t. per-group error increase <= overall increase + %g "
                       "(reference: %s), %lld multipliers",
                       p.tolerance, p.reference_model.empty() ? "none" : p.reference_model.c_str(),
                       m);
  if (p.constraint == "fermi_dp" || p.constraint == "fermi_eo")
    return log::format("FERMI: cross-entropy + %g ERMI (%s), W by %s", p.fermi_lambda,
                       p.constraint == "fermi_dp" ? "demographic parity" : "equalized odds",
                       p.fermi_w.c_str());
  return "unconstrained cross-entropy";
}

char const* stopText(StopReason r) {
  switch (r) {
  case StopReason::Budget:
    return "stopped at the privacy budget";
  case StopReason::Signal:
    return "stopped by a signal";
  default:
    return "completed";
  }
}
} // namespace

void Trainer::logStartup() const {
  auto const& c = _x.comm;
  log::info(c, log::format("saddle %s (git %s): %d MPI rank(s), Kokkos %d, execution space %s",
                           kVersion, kGitHash, c.size(), KOKKOS_VERSION, ExecSpace::name()));
  log::info(c, "deck: " + _x.deck.source());
  log::info(c, "data: " + _x.data.info.description);
  log::info(c, log::format("silos: %lld (%s partition), %lld training rows, %lld test rows; "
                           "this rank holds silos [%lld, %lld)",
                           static_cast<long long>(_x.deck.silos.count),
                           _x.deck.silos.partition.c_str(),
                           static_cast<long long>(_x.data.info.n_train),
                           static_cast<long long>(_x.data.info.n_test),
                           static_cast<long long>(_x.data.silos.begin),
                           static_cast<long long>(_x.data.silos.end)));
  log::info(c, "sampling: " + _x.sampler->describe());
  log::info(c, _x.privatizer.describe(_x.layout));
  if (_x.ledgers->active())
    log::info(
        c, log::format("accounting: %s, delta = %g, worst silo; planned epsilon after %lld "
                       "rounds: %.4g%s",
                       _x.deck.privacy.accountant.c_str(), _x.ledgers->delta(),
                       static_cast<long long>(_x.deck.run.rounds),
                       _x.ledgers->plannedEpsilon(_x.deck.run.rounds),
                       _x.deck.privacy.target_epsilon > 0 ? " (sigma calibrated to target)" : ""));
  log::info(c, "problem: " + problemText(_x.deck.problem, _x.dual->size()));
  log::info(c, log::format("federated: %s; %lld of %lld silos per round; %s aggregation",
                           _x.algorithm->describe().c_str(),
                           static_cast<long long>(_x.participation.perRound()),
                           static_cast<long long>(_x.participation.silos()),
                           _x.deck.federated.aggregation.c_str()));
  log::info(c, log::format("%8s %10s %9s %9s %10s %12s %10s", "round", "loss", "accuracy", "dp_gap",
                           "epsilon", "records/s", "max_viol") +
                   multiplierColumns(true));
}

std::string Trainer::multiplierColumns(bool header) const {
  // each multiplier for up to 4 constraints, else min / max / mean of them
  std::vector<double> const lambda = header ? std::vector<double>() : _x.dual->lambdaHost();
  std::int64_t const m = _x.dual->size();
  std::string out;
  if (m <= 4) {
    for (std::int64_t j = 0; j < m; ++j)
      out += header ? log::format(" %10s", ("lambda" + std::to_string(j)).c_str())
                    : log::format(" %10.4g", lambda[j]);
    return out;
  }
  if (header)
    return log::format(" %10s %10s %10s", "lambda_min", "lambda_max", "lambda_mean");
  double lo = lambda[0], hi = lambda[0], sum = 0.0;
  for (double l : lambda) {
    lo = std::min(lo, l);
    hi = std::max(hi, l);
    sum += l;
  }
  return log::format(" %10.4g %10.4g %10.4g", lo, hi, sum / static_cast<double>(m));
}

void Trainer::progress() {
  Evaluation const e = evaluate(_x.space, _x.model, _x.data.train, _x.data.info.n_groups, _x.comm);
  if (!std::isfinite(e.loss)) // the same on every rank (an allreduced sum)
    throw DivergenceError(log::format(
        "saddle::Trainer: diverged at round %lld: the training loss is %g (lower optim.lr?); "
        "no checkpoint written after the last good one (%s)",
        static_cast<long long>(_round), e.loss,
        _last_checkpoint.empty() ? "none" : _last_checkpoint.c_str()));
  std::int64_t records = _local_records;
  _x.comm.allreduceSum(&records, 1);
  double const slowest = _x.comm.allreduceMax(_wall);
  double const rate = slowest > 0 ? static_cast<double>(records) / slowest : 0.0;
  double const max_lambda = maxOf(_x.dual->lambdaHost());
  double const epsilon = _x.ledgers->plannedEpsilon(_round);
  double const max_violation = _violation.empty() ? 0.0 : maxOf(_violation);
  if (_opt.verbose)
    log::info(_x.comm, log::format("%8lld %10.5f %9.4f %9.4f %10.4g %12.4g %10.4g",
                                   static_cast<long long>(_round), e.loss, e.accuracy, e.dp_gap,
                                   epsilon, rate, max_violation) +
                           multiplierColumns(false));
  if (_round % _x.deck.run.log_every != 0)
    return; // the final round's line is printed, but history keeps the log_every grid
  _pending = {{"train_loss", e.loss},
              {"train_accuracy", e.accuracy},
              {"train_dp_gap", e.dp_gap},
              {"epsilon", epsilon},
              {"records_per_s", rate},
              {"train_eo_gap", e.eo_gap},
              {"train_min_group_accuracy", e.min_group_accuracy},
              {"train_ermi", e.ermi},
              {"train_ermi_soft", e.ermi_soft}};
  if (_opt.write_outputs && _x.comm.rank() == 0)
    _evaluation << _round << ','
                << log::format("%.10g,%.10g,%.10g,%.10g,%.10g,%.6g", e.loss, e.accuracy, e.dp_gap,
                               max_lambda, epsilon, rate)
                << log::format(",%.10g,%.10g,%.10g,%.10g\n", e.eo_gap, e.min_group_accuracy, e.ermi,
                               e.ermi_soft)
                << std::flush;
}

void Trainer::openOutputs() {
  namespace fs = std::filesystem;
  fs::path const dir = _x.deck.run.output_dir;
  bool const resuming = _resumed_from >= 0;
  std::string failure;
  if (_x.comm.rank() == 0) {
    try {
      fs::create_directories(dir);
      _history_h5 = std::make_unique<io::HistoryWriter>(dir.string(), _resumed_from);
      for (auto const* name : {"history.csv", "evaluation.csv"})
        if (resuming && fs::exists(dir / name))
          truncateCsvAfter(dir / name, _resumed_from);
      bool const fresh_csv = !resuming || !fs::exists(dir / "history.csv");
      _history.open(dir / "history.csv", resuming ? std::ios::app : std::ios::trunc);
      _evaluation.open(dir / "evaluation.csv", resuming ? std::ios::app : std::ios::trunc);
      std::ofstream(dir / "deck.toml") << _x.deck.toToml();
      if (!_history || !_evaluation)
        throw IoError("cannot open history.csv or evaluation.csv");
      if (fresh_csv) {
        _history << "round";
        for (std::int64_t j = 0; j < _x.problem->numConstraints(); ++j)
          _history << ",violation_" << _x.problem->constraintName(j);
        for (std::int64_t j = 0; j < _x.problem->numConstraints(); ++j)
          _history << ",lambda_" << _x.problem->constraintName(j);
        _history << ",epsilon_rdp,clip_norm";
        for (auto const& m : _x.problem->roundMetrics())
          _history << ',' << m.first;
        _history << '\n';
        _evaluation << "round,train_loss,train_accuracy,train_dp_gap,max_lambda,epsilon,"
                       "records_per_s,train_eo_gap,train_min_group_accuracy,train_ermi,"
                       "train_ermi_soft\n";
      }
    } catch (std::exception const& e) {
      failure = e.what();
    }
  }
  _x.comm.broadcast(failure);
  if (!failure.empty())
    throw IoError("saddle::Trainer: cannot write outputs in run.output_dir = '" + dir.string() +
                  "': " + failure);
}

void Trainer::recordRound() {
  std::vector<double> const lambda = _x.dual->lambdaHost();
  if (_x.comm.rank() != 0) {
    _pending.clear();
    return;
  }
  std::vector<std::pair<std::string, double>> metrics;
  _history << _round;
  for (std::size_t j = 0; j < _violation.size(); ++j) {
    auto const name = _x.problem->constraintName(static_cast<std::int64_t>(j));
    metrics.emplace_back("violation_" + name, _violation[j]);
    _history << ',' << log::format("%.10g", _violation[j]);
  }
  for (std::size_t j = 0; j < lambda.size(); ++j) {
    metrics.emplace_back("lambda_" + _x.problem->constraintName(static_cast<std::int64_t>(j)),
                         lambda[j]);
    _history << ',' << log::format("%.10g", lambda[j]);
  }
  double const eps = _x.ledgers->plannedEpsilonRdp(_round);
  metrics.emplace_back("epsilon_rdp", eps);
  metrics.emplace_back("clip_norm", _x.privatizer.clipNorm());
  _history << ',' << log::format("%.10g,%.10g", eps, _x.privatizer.clipNorm());
  // the problem's own per-round values (FERMI: ERMI estimate, psi, ||W||)
  for (auto const& m : _x.problem->roundMetrics()) {
    metrics.push_back(m);
    _history << ',' << log::format("%.10g", m.second);
  }
  _history << '\n';
  for (auto const& m : _pending)
    metrics.push_back(m);
  _pending.clear();
  bool const flush = _round % _x.deck.run.log_every == 0;
  _history_h5->append(_round, metrics, flush);
  if (flush)
    _history << std::flush;
}

void Trainer::writeSummary(RunSummary const& s) const {
  std::string text;
  auto add = [&text](std::string const& line) { text += line + '\n'; };
  add(log::format("%s after round %lld; wall %.3f s, %lld records, %.4g records/s",
                  stopText(s.stop), static_cast<long long>(s.rounds), s.wall_seconds,
                  static_cast<long long>(s.records), s.records_per_second));
  add(log::format("privacy: epsilon %.4g at delta %g (worst silo, %s accountant)", s.epsilon,
                  s.delta, _x.deck.privacy.accountant.c_str()));
  add(log::format("train: loss %.5f accuracy %.4f dp_gap %.4f (%lld rows)", s.train.loss,
                  s.train.accuracy, s.train.dp_gap, static_cast<long long>(s.train.n)));
  add(log::format("test:  loss %.5f accuracy %.4f dp_gap %.4f (%lld rows)", s.test.loss,
                  s.test.accuracy, s.test.dp_gap, static_cast<long long>(s.test.n)));
  add(log::format("fairness: eo_gap train %.4f test %.4f; min group accuracy train %.4f test "
                  "%.4f; ERMI (hard yhat) train %.4g test %.4g; ERMI (soft) train %.4g test %.4g; "
                  "ERMI given y (hard) train %.4g test %.4g",
                  s.train.eo_gap, s.test.eo_gap, s.train.min_group_accuracy,
                  s.test.min_group_accuracy, s.train.ermi, s.test.ermi, s.train.ermi_soft,
                  s.test.ermi_soft, s.train.ermi_eo, s.test.ermi_eo));
  for (std::size_t g = 0; g < s.train.group_rate.size(); ++g)
    add(log::format("group %zu: P(yhat=1) train %.4f (%lld rows) test %.4f; overall train %.4f "
                    "test %.4f; accuracy train %.4f test %.4f",
                    g, s.train.group_rate[g], static_cast<long long>(s.train.group_count[g]),
                    s.test.group_rate[g], s.train.positive_rate, s.test.positive_rate,
                    s.train.group_accuracy[g], s.test.group_accuracy[g]));
  auto holds = [](std::vector<bool> const& flags, std::size_t j) {
    return j < flags.size() ? yesNo(flags[j]) : std::string("n/a");
  };
  for (std::size_t j = 0; j < s.lambda.size(); ++j)
    add(log::format("constraint %-18s lambda %.5g  holds on train: %s  on test: %s",
                    _x.problem->constraintName(static_cast<std::int64_t>(j)).c_str(), s.lambda[j],
                    holds(s.train_satisfied, j).c_str(), holds(s.test_satisfied, j).c_str()));
  if (!s.lambda.empty())
    add(log::format("KKT certificate (training split): feasibility %.3g, complementarity %.3g, "
                    "stationarity %.3g (%s)",
                    s.kkt_feasibility, s.kkt_complementarity, s.kkt_stationarity,
                    s.kkt_note.c_str()));
  if (s.ridge_available)
    add(log::format("ridge reference (least squares, l2 = %g): ||theta - theta_ridge|| %.4g, "
                    "relative objective gap %.3g, F* %.6g, ridge test accuracy %.4f (%s)",
                    _x.deck.optim.l2, s.ridge_distance, s.ridge_relative_gap, s.ridge_objective,
                    s.ridge_test_accuracy, s.ridge_solver.c_str()));
  if (!s.last_checkpoint.empty())
    add("checkpoint: " + s.last_checkpoint +
        (s.stop == StopReason::Signal ? " (continue with --restart latest)" : ""));
  if (_opt.verbose)
    log::info(_x.comm, "summary:\n" + text);
  if (!_opt.write_outputs || _x.comm.rank() != 0)
    return;
  auto const dir = std::filesystem::path(_x.deck.run.output_dir);
  std::ofstream out(dir / "summary.txt");
  out << text;
  std::ofstream csv(dir / "summary.csv");
  csv << "key,value\n"
      << log::format("rounds,%lld\nrecords,%lld\n", static_cast<long long>(s.rounds),
                     static_cast<long long>(s.records))
      << log::format("train_loss,%.10g\ntrain_accuracy,%.10g\ntrain_dp_gap,%.10g\n", s.train.loss,
                     s.train.accuracy, s.train.dp_gap)
      << log::format("test_loss,%.10g\ntest_accuracy,%.10g\ntest_dp_gap,%.10g\n", s.test.loss,
                     s.test.accuracy, s.test.dp_gap)
      << log::format("max_lambda,%.10g\nepsilon,%.10g\ndelta,%.10g\n", maxOf(s.lambda), s.epsilon,
                     s.delta)
      << log::format("stopped_by_budget,%d\nstopped_by_signal,%d\n",
                     s.stop == StopReason::Budget ? 1 : 0, s.stop == StopReason::Signal ? 1 : 0)
      << log::format("kkt_feasibility,%.10g\nkkt_complementarity,%.10g\n"
                     "kkt_stationarity,%.10g\n",
                     s.kkt_feasibility, s.kkt_complementarity, s.kkt_stationarity)
      << log::format("wall_seconds,%.6g\nrecords_per_second,%.6g\n", s.wall_seconds,
                     s.records_per_second);
  // fairness metrics of issue 6 (rows added after the older keys, which scripts read)
  for (auto const* e : {&s.train, &s.test}) {
    char const* split = e == &s.train ? "train" : "test";
    csv << log::format("%s_eo_gap,%.10g\n%s_min_group_accuracy,%.10g\n", split, e->eo_gap, split,
                       e->min_group_accuracy)
        << log::format("%s_ermi,%.10g\n%s_ermi_soft,%.10g\n%s_ermi_eo,%.10g\n", split, e->ermi,
                       split, e->ermi_soft, split, e->ermi_eo);
  }
  auto count = [](std::vector<bool> const& flags) {
    return static_cast<long long>(std::count(flags.begin(), flags.end(), true));
  };
  csv << log::format("constraints,%lld\ntrain_satisfied,%lld\ntest_satisfied,%lld\n",
                     static_cast<long long>(s.lambda.size()), count(s.train_satisfied),
                     count(s.test_satisfied));
  if (s.ridge_available)
    csv << log::format("ridge_distance,%.10g\nridge_relative_gap,%.10g\nridge_objective,%.10g\n"
                       "ridge_test_accuracy,%.10g\n",
                       s.ridge_distance, s.ridge_relative_gap, s.ridge_objective,
                       s.ridge_test_accuracy);
  if (!out || !csv)
    log::warnAll(_x.comm, "could not write summary files in " + dir.string());
}

} // namespace saddle
