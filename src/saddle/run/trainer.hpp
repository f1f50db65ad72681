#pragma once
/// Trainer: the training loop of DESIGN.md over an Experiment, with progress lines, per-round
/// history (HDF5 + CSV mirror), checkpoints, restart, stop signals, the privacy budget, the
/// divergence guard and a final summary. Its whole evolving state goes through one
/// save/load interface (State), which checkpoints write.
#include "saddle/core/state.hpp"
#include "saddle/models/logistic.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/metrics.hpp"

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace saddle {

namespace io {
class HistoryWriter;
}

/// Why a run ended.
enum class StopReason { Completed, Budget, Signal };

/// The training diverged (non-finite aggregate, parameters or multipliers). Thrown on every
/// rank at the same round (the aggregate is identical everywhere).
class DivergenceError : public Error {
public:
  using Error::Error;
};

/// What a finished (or stopped) run reports.
struct RunSummary {
  std::int64_t rounds = 0;
  Evaluation train, test;
  std::vector<double> lambda;        ///< final multipliers
  std::vector<bool> train_satisfied; ///< per constraint, on the training split
  std::vector<bool> test_satisfied;  ///< per constraint, on the test split
  double wall_seconds = 0.0;         ///< training rounds only (evaluation excluded)
  std::int64_t records = 0;          ///< records processed by all silos (this run segment)
  double records_per_second = 0.0;
  double epsilon = 0.0; ///< worst silo, deck's accountant (inf: not private)
  double delta = 0.0;
  StopReason stop = StopReason::Completed;
  std::string last_checkpoint; ///< "" if none was written
  /// KKT certificate of the final point on the training split (run/certificate.hpp).
  double kkt_feasibility = 0.0, kkt_complementarity = 0.0, kkt_stationarity = 0.0;
  std::string kkt_note; ///< why there is none, or the fit's TAO reason
  /// Least squares only (run/ridge_reference.hpp): the exact ridge solution over all silos.
  bool ridge_available = false;
  std::string ridge_note;           ///< why there is none ("" when available)
  double ridge_distance = 0.0;      ///< ||theta - theta_ridge||_2
  double ridge_relative_gap = 0.0;  ///< (F(theta) - F*) / F* on the training split
  double ridge_objective = 0.0;     ///< F*, the ridge optimum
  double ridge_test_accuracy = 0.0; ///< test accuracy of theta_ridge
  std::string ridge_solver;         ///< KSP's converged reason (or host Cholesky)
};

class Trainer : public Stateful {
public:
  struct Options {
    bool write_outputs = true; ///< history, evaluation, summary, checkpoints in the output dir
    bool verbose = true;       ///< start-up lines, progress lines and the summary on rank 0
  };

  Trainer(Experiment& experiment, Options options);
  ~Trainer() override;

  /// One round: every participating local silo samples, computes, clips and noises its
  /// message (the deck's federated algorithm); one aggregation; the server's primal step and
  /// one dual step; the ledgers of the participating silos compose. Collective.
  /// Throws DivergenceError (on every rank) if the aggregate is not finite.
  void runRound();
  /// Rounds until run.rounds, the privacy budget or a stop signal, with progress every
  /// run.log_every and checkpoints every checkpoint.every; then a final checkpoint and the
  /// summary. Collective.
  RunSummary run();
  /// Evaluate train and test splits and build the summary (no output). Collective.
  RunSummary summarize();

  /// Continue from checkpoint `path` ("latest": the newest in the checkpoint folder). The
  /// deck must equal the checkpoint's except the keys a restart may change (restartableKeys);
  /// otherwise InputError naming the differing keys. Collective.
  void restore(std::string const& path);
  /// Write a checkpoint of the current state, keep the last checkpoint.keep. Returns its
  /// path. Throws DivergenceError rather than write a non-finite state. Collective.
  std::string checkpoint();
  /// Deck keys that may differ between a checkpoint and the deck that restarts it.
  static std::vector<std::string> const& restartableKeys();

  std::int64_t round() const { return _round; }
  /// The last round's true violations (from aggregated, privatized statistics).
  std::vector<double> const& lastViolation() const { return _violation; }

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;
  /// The whole state of the run (model, multipliers, clip norm, ledgers, round) in one State.
  State state() const;

private:
  void logStartup() const;
  void progress();
  /// Progress-line columns of the multipliers (each, or min/max/mean beyond 4).
  std::string multiplierColumns(bool header) const;
  void openOutputs();
  void recordRound();
  void writeSummary(RunSummary const& s) const;
  std::string checkpointDir() const;
  std::int64_t plannedRounds();
  void checkFinite(std::string const& what, std::vector<double> const& values) const;
  /// Dual step of the constraints `seen` only (Problem::observedConstraints); the others keep
  /// their multipliers and optimizer states.
  void dualStepIndexed(std::vector<std::int64_t> const& seen);
  /// DivergenceError (every rank: the aggregate is the same) if a message entry is not finite.
  void checkAggregate(Federation::HostBuffer const& agg) const;
  /// After aggregation: true violations, the problem's own players, the multipliers, the
  /// penalty and the clip norm move on the aggregated, privatized statistics.
  void dualStep(Federation::HostBuffer const& agg, double expected_batch);

  Experiment& _x;
  Options _opt;
  std::int64_t _round = 0;
  std::int64_t _resumed_from = -1; ///< round of the checkpoint this run restarted from
  std::int64_t _local_records = 0;
  double _wall = 0.0;
  bool _stop = false; ///< a stop signal reached some rank (agreed through the aggregate)
  std::vector<double> _violation; ///< host, this round's true violations (schedule-shifted)
  Vector<double> _violation_dev;  ///< [n_constraints] device copy (last round's until updated)
  Vector<double>::HostMirror _violation_mirror; ///< its host staging, allocated once
  Vector<double> _weights;   ///< [n_constraints] primal weights of the formulation
  Vector<double> _dual_grad; ///< [n_constraints] what the dual optimizer ascends
  /// Indexed dual step (dualStepIndexed): the observed constraints, their violations and
  /// gradients in the first entries, with the host staging of the first two.
  Kokkos::View<std::int64_t*, MemSpace> _seen_idx;
  Vector<double> _seen_violation, _seen_grad;
  Kokkos::View<std::int64_t*, MemSpace>::HostMirror _seen_idx_host;
  Vector<double>::HostMirror _seen_violation_host;
  std::vector<std::pair<std::string, double>> _pending; ///< metrics of the current round
  std::string _last_checkpoint;
  std::unique_ptr<io::HistoryWriter> _history_h5; ///< rank 0 only
  std::ofstream _history, _evaluation;            ///< CSV mirrors, rank 0 only
};

} // namespace saddle
