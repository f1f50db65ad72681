#pragma once
/// Internals of the PLD accountant (see saddle/privacy/pld.hpp for the method and its error
/// bound): one release's discrete privacy loss distribution, and the FFT composition.
#include "saddle/privacy/pld.hpp"

#include <cstdint>
#include <vector>

namespace saddle::detail {

enum class PldDirection { Remove, Add };

/// A discrete privacy loss distribution: P-mass[i] at loss (first + i) * interval, plus the
/// P-mass of an infinite loss.
struct DiscreteLoss {
  std::int64_t first = 0;
  std::vector<double> mass;
  double infinity_mass = 0.0;
};

/// One release of the Poisson-subsampled Gaussian (q in (0, 1], sigma > 0) in `direction`, on
/// the grid of spacing `interval`, by connect-the-dots; the loss range is cut where each tail of
/// P is below `tail` (the lower tail moved up to the first grid point, the upper tail made
/// infinite). Throws saddle::Error when more than `max_points` grid points would be needed.
DiscreteLoss discretizeSampledGaussian(double q, double sigma, PldDirection direction,
                                       double interval, double tail, std::int64_t max_points);

/// The composition of kinds[j] taken counts[j] times (counts >= 1), by FFT, on a window whose
/// tails are each <= window_tail by Chernoff bounds; the upper tail bound is added to the
/// infinite-loss mass. Throws saddle::Error when the window exceeds `max_points`.
PrivacyLossDistribution::Composed composeLosses(std::vector<DiscreteLoss> const& kinds,
                                                std::vector<std::int64_t> const& counts,
                                                double interval, double window_tail,
                                                std::int64_t max_points);

/// delta(epsilon) = infinity_mass + sum_{losses > eps} mass (1 - e^{eps - loss}).
double composedDelta(PrivacyLossDistribution::Composed const& c, double epsilon, double interval);
/// The smallest epsilon >= 0 with composedDelta(c, epsilon) <= delta (+inf if none).
double composedEpsilon(PrivacyLossDistribution::Composed const& c, double delta, double interval);

} // namespace saddle::detail
