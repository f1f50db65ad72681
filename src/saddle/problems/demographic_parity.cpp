#include "saddle/problems/demographic_parity.hpp"

namespace saddle {

DemographicParity::DemographicParity(std::vector<std::int64_t> const& group_counts,
                                     double tolerance)
    : RateParity(static_cast<std::int64_t>(group_counts.size()), false, tolerance, group_counts) {}

std::vector<double> DemographicParity::groupRates(std::vector<double> const& stats,
                                                  std::int64_t n_groups, double& overall) {
  std::vector<double> stratum;
  auto rates = cellRates(stats, n_groups, false, stratum);
  overall = stratum[0];
  return rates;
}

double DemographicParity::gap(std::vector<double> const& stats, std::int64_t n_groups) {
  return maxGap(stats, n_groups, false);
}

} // namespace saddle
