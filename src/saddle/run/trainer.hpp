#pragma once
/// Trainer: the training loop of DESIGN.md over an Experiment, with progress lines, per-round
/// history, a final summary, and its whole evolving state behind one save/load interface.
#include "saddle/core/state.hpp"
#include "saddle/models/logistic.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/metrics.hpp"

#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace saddle {

/// What a finished (or stopped) run reports.
struct RunSummary {
  std::int64_t rounds = 0;
  Evaluation train, test;
  std::vector<double> lambda;        ///< final multipliers
  std::vector<bool> train_satisfied; ///< per constraint, on the training split
  std::vector<bool> test_satisfied;  ///< per constraint, on the test split
  double wall_seconds = 0.0;         ///< training rounds only (evaluation excluded)
  std::int64_t records = 0;          ///< records processed by all silos
  double records_per_second = 0.0;
};

class Trainer : public Stateful {
public:
  struct Options {
    bool write_outputs = true; ///< history.csv, evaluation.csv, summary.txt in run.output_dir
    bool verbose = true;       ///< start-up lines, progress lines and the summary on rank 0
  };

  Trainer(Experiment& experiment, Options options);

  /// One round: every local silo samples, computes, clips and noises its message; one
  /// aggregation; one primal and one dual step. Collective.
  void runRound();
  /// Rounds until run.rounds, with progress every run.log_every; then the summary. Collective.
  RunSummary run();
  /// Evaluate train and test splits and build the summary (no output). Collective.
  RunSummary summarize();

  std::int64_t round() const { return _round; }
  /// The last round's true violations (from aggregated, privatized statistics).
  std::vector<double> const& lastViolation() const { return _violation; }

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;
  /// The whole state of the run (model, multipliers, round) in one State.
  State state() const;

private:
  void logStartup() const;
  void progress(double wall);
  void openOutputs();
  void recordRound();
  void writeSummary(RunSummary const& s) const;

  Experiment& _x;
  Options _opt;
  BatchScratch _batch;
  std::int64_t _round = 0;
  std::int64_t _local_records = 0;
  double _wall = 0.0;
  std::vector<double> _violation;
  std::ofstream _history, _evaluation;
};

} // namespace saddle
