#pragma once
/// Parity of positive rates as constraints, over cells: the groups (demographic parity) or the
/// (label, group) pairs (equalized odds, Hardt et al. 2016). For every cell c in stratum r
/// (r = 0 for demographic parity, r = y for equalized odds):
///   P(yhat = 1 | c) - P(yhat = 1 | r) - tol <= 0   (constraint 2c)
///   P(yhat = 1 | r) - P(yhat = 1 | c) - tol <= 0   (constraint 2c + 1)
/// The dual player sees the thresholded rates (yhat = 1[z > 0]) of the aggregated (privatized)
/// batch statistics; the primal player a sigmoid proxy of the rates over the training set,
/// decomposed per record (kernels/rate_proxy.hpp). Cells are c = y * n_groups + g when
/// conditioned on the label, else c = g.
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

class RateParity : public Problem {
public:
  /// n_groups >= 1; conditioned: rates given the label (equalized odds); tolerance >= 0;
  /// cell_counts: training rows per cell [n_cells] (all silos), or empty: the cell shares of
  /// the proxy are then estimated from the running sums of the privatized cell counts (update()),
  /// which costs no privacy (post-processing). Before the first update the proxy weights are 0.
  RateParity(std::int64_t n_groups, bool conditioned, double tolerance,
             std::vector<std::int64_t> const& cell_counts);

  std::int64_t numCells() const { return _n_cells; }
  std::int64_t numConstraints() const override { return 2 * _n_cells; }
  /// "dp_rate<g>_above|below" or "eo_y<y>_rate<g>_above|below".
  std::string constraintName(std::int64_t j) const override;
  /// Statistics: [count_0 .. count_{C-1}, positives_0 .. positives_{C-1}], C = numCells().
  std::int64_t statsSize() const override { return 2 * _n_cells; }
  /// A record moves its cell's count by 1 and its positive count by at most 1: sqrt(2).
  double statsSensitivity() const override;

  void addProxyDerivative(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch,
                          Vector<double> const& lambda) override;
  void accumulateStats(ExecSpace const& space, data::SiloData const& data,
                       BatchScratch const& batch, Vector<double> const& stats,
                       std::int64_t offset) const override;
  std::vector<double> violation(std::vector<double> const& stats) const override;
  /// Constraints 2c and 2c + 1 of the cells with a noisy count >= 1 in `stats`.
  std::vector<std::int64_t> observedConstraints(std::vector<double> const& stats) const override;
  /// Estimated shares only: adds the round's clamped cell counts to the running sums.
  void update(ExecSpace const& space, std::vector<double> const& stats,
              std::int64_t round) override;
  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

  /// Positive rate of each cell [C] and of each stratum (`stratum_rates` [C / n_groups]) from
  /// [counts, positives] (noisy counts are clamped: a cell with a count below 1 gives no
  /// information and its rate is its stratum's).
  static std::vector<double> cellRates(std::vector<double> const& stats, std::int64_t n_groups,
                                       bool conditioned, std::vector<double>& stratum_rates);
  /// max_c |rate_c - rate_{r(c)}| over cells with data: the demographic-parity gap (not
  /// conditioned) or the equalized-odds gap (conditioned).
  static double maxGap(std::vector<double> const& stats, std::int64_t n_groups, bool conditioned);

  double tolerance() const { return _tolerance; }

private:
  void setShares(std::vector<double> const& cell_counts);

  std::int64_t _n_groups, _n_cells;
  bool _conditioned;
  double _tolerance;
  bool _estimate_shares;
  std::vector<double> _count_sums; ///< [C] running sums of clamped privatized counts
  Vector<double> _inv_share;       ///< [C] n / n_c
  Vector<double> _inv_stratum;     ///< [strata] n / n_r
  Vector<double> _totals;          ///< [strata] scratch of the proxy weights
  Vector<double> _weights;         ///< [C] a_c of the proxy term, recomputed each round
};

/// Equalized odds (4 n_groups constraints): parity of P(yhat = 1 | s = g, y) for y in {0, 1}.
class EqualizedOdds final : public RateParity {
public:
  /// cell_counts: [2 n_groups] training rows per (label, group), or empty (estimated).
  EqualizedOdds(std::int64_t n_groups, double tolerance,
                std::vector<std::int64_t> const& cell_counts = {})
      : RateParity(n_groups, true, tolerance, cell_counts) {}
};

} // namespace saddle
