#pragma once
/// A Problem: the objective (the model's loss, averaged over records) plus constraints
/// g_j <= 0. Each constraint has a differentiable proxy, which enters the per-record
/// Lagrangian that the primal player differentiates, and a true violation, computed from
/// aggregated (privatized) statistics, which the dual player sees.
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace saddle {

class Problem : public Stateful {
public:
  ~Problem() override = default;

  /// Number of constraints (inequalities g_j <= 0): the length of lambda and of violation().
  virtual std::int64_t numConstraints() const = 0;
  /// Human name of constraint j, for logs and history columns.
  virtual std::string constraintName(std::int64_t j) const = 0;
  /// Length of the statistics a silo releases each round for the dual player.
  virtual std::int64_t statsSize() const = 0;

  /// L2 norm by which one record (added or removed) can change the statistics at most.
  virtual double statsSensitivity() const = 0;

  /// batch.coef += d/dz_i of sum_j lambda_j * proxy_j's share of record i. Async.
  virtual void addProxyDerivative(ExecSpace const& space, data::SiloData const& data,
                                  BatchScratch& batch, Vector<double> const& lambda) = 0;
  /// stats[offset, offset + statsSize()) += this batch's statistics. Async.
  virtual void accumulateStats(ExecSpace const& space, data::SiloData const& data,
                               BatchScratch const& batch, Vector<double> const& stats,
                               std::int64_t offset) const = 0;
  /// True violations g_j from aggregated statistics (host, length statsSize()).
  virtual std::vector<double> violation(std::vector<double> const& stats) const = 0;

  /// Constraints whose data appeared in the aggregated statistics `stats` of a round (e.g. the
  /// groups with a noisy count >= 1), ascending. The others got violation 0 from violation()
  /// and should keep their multipliers (an indexed dual step over these indices only).
  /// Default: every constraint.
  virtual std::vector<std::int64_t>
  observedConstraints(std::vector<double> const& /*stats*/) const {
    std::vector<std::int64_t> all(static_cast<std::size_t>(numConstraints()));
    for (std::size_t j = 0; j < all.size(); ++j)
      all[j] = static_cast<std::int64_t>(j);
    return all;
  }

  /// After each aggregation (every rank, same input): update the problem's own players, e.g.
  /// FERMI's W, from the aggregated (privatized) statistics of round `round` (0-based). Host.
  virtual void update(ExecSpace const& /*space*/, std::vector<double> const& /*stats*/,
                      std::int64_t /*round*/) {}
  /// Problem-specific values of the last round for the history (name, value); e.g. ERMI.
  virtual std::vector<std::pair<std::string, double>> roundMetrics() const { return {}; }
  /// The problem's own evolving state (none by default), checkpointed with the run.
  void saveState(State& /*state*/, std::string const& /*prefix*/) const override {}
  void loadState(State const& /*state*/, std::string const& /*prefix*/) override {}
};

/// No constraints: plain empirical risk minimization. Releases no statistics.
class Unconstrained final : public Problem {
public:
  std::int64_t numConstraints() const override { return 0; }
  std::string constraintName(std::int64_t) const override { return {}; }
  std::int64_t statsSize() const override { return 0; }
  double statsSensitivity() const override { return 0.0; }
  void addProxyDerivative(ExecSpace const&, data::SiloData const&, BatchScratch&,
                          Vector<double> const&) override {}
  void accumulateStats(ExecSpace const&, data::SiloData const&, BatchScratch const&,
                       Vector<double> const&, std::int64_t) const override {}
  std::vector<double> violation(std::vector<double> const&) const override { return {}; }
};

} // namespace saddle
