#pragma once
/// Demographic parity as constraints: for every group g,
///   P(yhat = 1 | s = g) - P(yhat = 1) - tol <= 0   (constraint 2g)
///   P(yhat = 1) - P(yhat = 1 | s = g) - tol <= 0   (constraint 2g + 1)
/// The dual player sees the thresholded rates (yhat = 1[z > 0]) of the aggregated batch
/// statistics; the primal player a sigmoid proxy of the rates over the training set,
/// decomposed per record (kernels/rate_proxy.hpp).
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

class DemographicParity final : public Problem {
public:
  /// group_counts: training rows per group (all silos); tolerance >= 0.
  DemographicParity(std::vector<std::int64_t> const& group_counts, double tolerance);

  std::int64_t numConstraints() const override { return 2 * _n_groups; }
  std::string constraintName(std::int64_t j) const override;
  /// Statistics: [count_0 .. count_{k-1}, positives_0 .. positives_{k-1}].
  std::int64_t statsSize() const override { return 2 * _n_groups; }
  /// A record moves its group's count by 1 and its positive count by at most 1: sqrt(2).
  double statsSensitivity() const override;

  void addProxyDerivative(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch,
                          Vector<double> const& lambda) override;
  void accumulateStats(ExecSpace const& space, data::SiloData const& data,
                       BatchScratch const& batch, Vector<double> const& stats,
                       std::int64_t offset) const override;
  std::vector<double> violation(std::vector<double> const& stats) const override;

  /// Positive rate of each group and overall from [counts, positives] (noisy counts are
  /// clamped: a count below 1 gives no information and the group's rate is the overall one).
  static std::vector<double> groupRates(std::vector<double> const& stats, std::int64_t n_groups,
                                        double& overall);
  /// max_g |rate_g - rate| over groups with data: the demographic-parity gap.
  static double gap(std::vector<double> const& stats, std::int64_t n_groups);

  double tolerance() const { return _tolerance; }

private:
  std::int64_t _n_groups;
  double _tolerance;
  Vector<double> _inv_share; ///< [k] n / n_g
  Vector<double> _weights;   ///< [k] a_g of the proxy term, recomputed each round
};

} // namespace saddle
