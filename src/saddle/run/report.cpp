// What a run prints and writes: the start-up lines, progress lines, per-round history
// (history.csv), evaluations (evaluation.csv) and the final summary (summary.txt).
#include "saddle/core/log.hpp"
#include "saddle/run/trainer.hpp"
#include "saddle/version.hpp"

#include <cmath>
#include <filesystem>

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
} // namespace

void Trainer::logStartup() const {
  auto const& c = _x.comm;
  log::info(c, log::format("saddle %s (git %s): %d MPI rank(s), Kokkos %d, execution space %s",
                           kVersion, kGitHash, c.size(), KOKKOS_VERSION, ExecSpace::name()));
  log::info(c, "deck: " + _x.deck.source());
  log::info(c, "data: " + _x.data.info.description);
  log::info(c, log::format("silos: %lld (iid), %lld training rows, %lld test rows; this rank "
                           "holds silos [%lld, %lld)",
                           static_cast<long long>(_x.deck.silos.count),
                           static_cast<long long>(_x.data.info.n_train),
                           static_cast<long long>(_x.data.info.n_test),
                           static_cast<long long>(_x.data.silos.begin),
                           static_cast<long long>(_x.data.silos.end)));
  log::info(c, _x.sampler->describe());
  log::info(c, _x.privatizer.describe(_x.layout));
  log::info(c, "problem: " + (_x.problem->numConstraints() == 0
                                  ? std::string("unconstrained cross-entropy")
                                  : log::format("cross-entropy s.t. demographic parity, "
                                                "|P(yhat=1|g) - P(yhat=1)| <= %g, %lld multipliers",
                                                _x.deck.problem.tolerance,
                                                static_cast<long long>(_x.dual.size()))));
  log::info(c, log::format("%8s %10s %9s %9s %11s %12s", "round", "loss", "accuracy", "dp_gap",
                           "max_lambda", "records/s"));
}

void Trainer::progress(double wall) {
  Evaluation const e = evaluate(_x.space, _x.model, _x.data.train, _x.data.info.n_groups, _x.comm);
  std::int64_t records = _local_records;
  _x.comm.allreduceSum(&records, 1);
  double const slowest = _x.comm.allreduceMax(wall);
  double const rate = slowest > 0 ? static_cast<double>(records) / slowest : 0.0;
  double const max_lambda = maxOf(_x.dual.lambdaHost());
  if (_opt.verbose)
    log::info(_x.comm,
              log::format("%8lld %10.5f %9.4f %9.4f %11.4g %12.4g", static_cast<long long>(_round),
                          e.loss, e.accuracy, e.dp_gap, max_lambda, rate));
  if (_opt.write_outputs && _x.comm.rank() == 0)
    _evaluation << _round << ','
                << log::format("%.10g,%.10g,%.10g,%.10g,%.6g\n", e.loss, e.accuracy, e.dp_gap,
                               max_lambda, rate)
                << std::flush;
}

void Trainer::openOutputs() {
  namespace fs = std::filesystem;
  fs::path const dir = _x.deck.run.output_dir;
  bool failed = false;
  if (_x.comm.rank() == 0) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    _history.open(dir / "history.csv");
    _evaluation.open(dir / "evaluation.csv");
    std::ofstream deck_out(dir / "deck.toml");
    deck_out << _x.deck.toToml();
    failed = ec || !_history || !_evaluation || !deck_out;
  }
  if (_x.comm.anyFailed(failed))
    throw IoError("saddle::Trainer: cannot write outputs in run.output_dir = '" + dir.string() +
                  "' (check that the folder can be created and written)");
  if (_x.comm.rank() != 0)
    return;
  _history << "round";
  for (std::int64_t j = 0; j < _x.problem->numConstraints(); ++j)
    _history << ",violation_" << _x.problem->constraintName(j);
  for (std::int64_t j = 0; j < _x.problem->numConstraints(); ++j)
    _history << ",lambda_" << _x.problem->constraintName(j);
  _history << '\n';
  _evaluation << "round,train_loss,train_accuracy,train_dp_gap,max_lambda,records_per_s\n";
}

void Trainer::recordRound() {
  std::vector<double> const lambda = _x.dual.lambdaHost();
  if (_x.comm.rank() != 0)
    return;
  _history << _round;
  for (double v : _violation)
    _history << ',' << log::format("%.10g", v);
  for (double l : lambda)
    _history << ',' << log::format("%.10g", l);
  _history << '\n';
}

void Trainer::writeSummary(RunSummary const& s) const {
  std::string text;
  auto add = [&text](std::string const& line) { text += line + '\n'; };
  add(log::format("rounds %lld, wall %.3f s, %lld records, %.4g records/s",
                  static_cast<long long>(s.rounds), s.wall_seconds,
                  static_cast<long long>(s.records), s.records_per_second));
  add(log::format("train: loss %.5f accuracy %.4f dp_gap %.4f (%lld rows)", s.train.loss,
                  s.train.accuracy, s.train.dp_gap, static_cast<long long>(s.train.n)));
  add(log::format("test:  loss %.5f accuracy %.4f dp_gap %.4f (%lld rows)", s.test.loss,
                  s.test.accuracy, s.test.dp_gap, static_cast<long long>(s.test.n)));
  for (std::size_t g = 0; g < s.train.group_rate.size(); ++g)
    add(log::format("group %zu: P(yhat=1) train %.4f (%lld rows) test %.4f; overall train %.4f "
                    "test %.4f",
                    g, s.train.group_rate[g], static_cast<long long>(s.train.group_count[g]),
                    s.test.group_rate[g], s.train.positive_rate, s.test.positive_rate));
  for (std::size_t j = 0; j < s.lambda.size(); ++j)
    add(log::format("constraint %-18s lambda %.5g  holds on train: %s  on test: %s",
                    _x.problem->constraintName(static_cast<std::int64_t>(j)).c_str(), s.lambda[j],
                    yesNo(s.train_satisfied[j]).c_str(), yesNo(s.test_satisfied[j]).c_str()));
  if (_opt.verbose)
    log::info(_x.comm, "summary:\n" + text);
  if (_opt.write_outputs && _x.comm.rank() == 0) {
    std::ofstream out(std::filesystem::path(_x.deck.run.output_dir) / "summary.txt");
    out << text;
    std::ofstream csv(std::filesystem::path(_x.deck.run.output_dir) / "summary.csv");
    csv << "key,value\n"
        << log::format("rounds,%lld\nrecords,%lld\n", static_cast<long long>(s.rounds),
                       static_cast<long long>(s.records))
        << log::format("train_loss,%.10g\ntrain_accuracy,%.10g\ntrain_dp_gap,%.10g\n", s.train.loss,
                       s.train.accuracy, s.train.dp_gap)
        << log::format("test_loss,%.10g\ntest_accuracy,%.10g\ntest_dp_gap,%.10g\n", s.test.loss,
                       s.test.accuracy, s.test.dp_gap)
        << log::format("max_lambda,%.10g\nwall_seconds,%.6g\nrecords_per_second,%.6g\n",
                       maxOf(s.lambda), s.wall_seconds, s.records_per_second);
    if (!out || !csv)
      log::warnAll(_x.comm, "could not write summary files in " + _x.deck.run.output_dir);
  }
}

} // namespace saddle
