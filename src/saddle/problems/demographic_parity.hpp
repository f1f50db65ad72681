#pragma once
/// Demographic parity as constraints: for every group g,
///   P(yhat = 1 | s = g) - P(yhat = 1) - tol <= 0   (constraint 2g)
///   P(yhat = 1) - P(yhat = 1 | s = g) - tol <= 0   (constraint 2g + 1)
/// The dual player sees the thresholded rates (yhat = 1[z > 0]) of the aggregated batch
/// statistics; the primal player a sigmoid proxy of the rates over the training set,
/// decomposed per record (kernels/rate_proxy.hpp). A RateParity over groups (rate_parity.hpp).
#include "saddle/problems/rate_parity.hpp"

#include <cstdint>
#include <vector>

namespace saddle {

class DemographicParity final : public RateParity {
public:
  /// group_counts: training rows per group (all silos); tolerance >= 0.
  DemographicParity(std::vector<std::int64_t> const& group_counts, double tolerance);

  /// Positive rate of each group and overall from [counts, positives] (noisy counts are
  /// clamped: a count below 1 gives no information and the group's rate is the overall one).
  static std::vector<double> groupRates(std::vector<double> const& stats, std::int64_t n_groups,
                                        double& overall);
  /// max_g |rate_g - rate| over groups with data: the demographic-parity gap.
  static double gap(std::vector<double> const& stats, std::int64_t n_groups);
};

} // namespace saddle
