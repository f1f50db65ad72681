#include "saddle/privacy/pld.hpp"

#include "saddle/privacy/detail/dp_math.hpp"
#include "saddle/privacy/detail/pld_grid.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace saddle {

namespace {
char const* const kWhere = "saddle::PrivacyLossDistribution";

void checkOptions(PldOptions const& o) {
  if (std::isnan(o.interval) || !(o.interval > 0.0 && o.interval <= 1.0))
    detail::throwRange(kWhere, "interval", detail::text(o.interval), "0 < interval <= 1");
  if (std::isnan(o.tail_mass) || !(o.tail_mass > 0.0 && o.tail_mass <= 1e-3))
    detail::throwRange(kWhere, "tail_mass", detail::text(o.tail_mass), "0 < tail_mass <= 1e-3");
  if (o.max_points < 16)
    detail::throwRange(kWhere, "max_points", std::to_string(o.max_points), ">= 16");
}

/// Compose every kind of `entries` in one direction.
PrivacyLossDistribution::Composed composeDirection(std::vector<MechanismEntry> const& entries,
                                                   detail::PldDirection direction,
                                                   PldOptions const& o, double releases) {
  // Truncation budget (see pld.hpp): tau/4 per release-tail side, tau/4 per window side.
  double const release_tail = o.tail_mass / (4.0 * std::max(releases, 1.0));
  std::vector<detail::DiscreteLoss> kinds;
  std::vector<std::int64_t> counts;
  for (auto const& e : entries) {
    if (e.count == 0)
      continue;
    kinds.push_back(detail::discretizeSampledGaussian(e.q, e.sigma, direction, o.interval,
                                                      release_tail, o.max_points));
    counts.push_back(e.count);
  }
  if (kinds.empty())
    return {};
  return detail::composeLosses(kinds, counts, o.interval, o.tail_mass / 4.0, o.max_points);
}
} // namespace

PrivacyLossDistribution::PrivacyLossDistribution(std::vector<MechanismEntry> const& entries,
                                                 PldOptions const& options)
    : _options(options) {
  checkOptions(options);
  bool all_full_batch = true;
  for (auto const& e : entries) {
    detail::checkSamplingRate(kWhere, e.q);
    detail::checkNoiseMultiplier(kWhere, e.sigma);
    detail::checkCount(kWhere, e.count);
    if (e.count == 0)
      continue;
    _releases += static_cast<double>(e.count);
    _no_privacy = _no_privacy || e.sigma == 0.0;
    all_full_batch = all_full_batch && e.q == 1.0;
  }
  if (_no_privacy)
    return;
  _remove = composeDirection(entries, detail::PldDirection::Remove, options, _releases);
  // q = 1: both directions are the same Gaussian pair (the loss is N(1/(2s^2), 1/s^2) in both).
  _add = all_full_batch ? _remove
                        : composeDirection(entries, detail::PldDirection::Add, options, _releases);
}

double PrivacyLossDistribution::delta(double epsilon) const {
  if (std::isnan(epsilon) || !(epsilon >= 0.0))
    detail::throwRange(kWhere, "epsilon", detail::text(epsilon), ">= 0");
  if (_no_privacy)
    return 1.0;
  return std::max(detail::composedDelta(_remove, epsilon, _options.interval),
                  detail::composedDelta(_add, epsilon, _options.interval));
}

double PrivacyLossDistribution::epsilon(double delta) const {
  detail::checkDelta(kWhere, delta);
  if (_no_privacy)
    return detail::kInf;
  return std::max(detail::composedEpsilon(_remove, delta, _options.interval),
                  detail::composedEpsilon(_add, delta, _options.interval));
}

double pldEpsilon(std::vector<MechanismEntry> const& entries, double delta,
                  PldOptions const& options) {
  detail::checkDelta("saddle::pldEpsilon", delta);
  return PrivacyLossDistribution(entries, options).epsilon(delta);
}

double pldDelta(std::vector<MechanismEntry> const& entries, double epsilon,
                PldOptions const& options) {
  return PrivacyLossDistribution(entries, options).delta(epsilon);
}

} // namespace saddle
