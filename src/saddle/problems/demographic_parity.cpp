#include "saddle/problems/demographic_parity.hpp"

#include "kernels/group_stats.hpp"
#include "kernels/rate_proxy.hpp"
#include "saddle/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace saddle {

DemographicParity::DemographicParity(std::vector<std::int64_t> const& group_counts,
                                     double tolerance)
    : _n_groups(static_cast<std::int64_t>(group_counts.size())), _tolerance(tolerance),
      _inv_share("saddle::DemographicParity::inv_share", group_counts.size()),
      _weights("saddle::DemographicParity::weights", group_counts.size()) {
  SADDLE_REQUIRE(_n_groups >= 1, "saddle::DemographicParity: needs at least one group");
  std::int64_t n = 0;
  for (auto c : group_counts)
    n += c;
  auto host = Kokkos::create_mirror_view(_inv_share);
  for (std::int64_t g = 0; g < _n_groups; ++g)
    host(g) =
        group_counts[g] > 0 ? static_cast<double>(n) / static_cast<double>(group_counts[g]) : 0.0;
  Kokkos::deep_copy(_inv_share, host);
}

std::string DemographicParity::constraintName(std::int64_t j) const {
  std::string const g = std::to_string(j / 2);
  return j % 2 == 0 ? "dp_rate" + g + "_above" : "dp_rate" + g + "_below";
}

double DemographicParity::statsSensitivity() const {
  return std::sqrt(2.0);
}

void DemographicParity::addProxyDerivative(ExecSpace const& space, data::SiloData const& data,
                                           BatchScratch& batch, Vector<double> const& lambda) {
  // a_g = mu_g n / n_g - sum_h mu_h,  mu_g = lambda_{2g} - lambda_{2g+1}
  kernels::demographicParityProxyWeights(space, lambda, _inv_share, _weights);
  // coef_i += a_{g_i} sigmoid'(z_i)
  kernels::addGroupRateProxyDerivative(space, data.group, batch.idx, batch.size, batch.z, _weights,
                                       batch.coef);
}

void DemographicParity::accumulateStats(ExecSpace const& space, data::SiloData const& data,
                                        BatchScratch const& batch, Vector<double> const& stats,
                                        std::int64_t offset) const {
  kernels::groupPositiveCounts(space, data.group, batch.idx, batch.size, batch.z,
                               static_cast<int>(_n_groups), stats, offset);
}

std::vector<double> DemographicParity::groupRates(std::vector<double> const& stats,
                                                  std::int64_t n_groups, double& overall) {
  double count = 0.0, positives = 0.0;
  for (std::int64_t g = 0; g < n_groups; ++g) {
    count += std::max(stats[g], 0.0);
    positives += std::max(stats[n_groups + g], 0.0);
  }
  overall = count >= 1.0 ? std::clamp(positives / count, 0.0, 1.0) : 0.0;
  std::vector<double> rates(n_groups, overall);
  for (std::int64_t g = 0; g < n_groups; ++g)
    if (stats[g] >= 1.0)
      rates[g] = std::clamp(stats[n_groups + g] / stats[g], 0.0, 1.0);
  return rates;
}

std::vector<double> DemographicParity::violation(std::vector<double> const& stats) const {
  double overall = 0.0;
  auto const rates = groupRates(stats, _n_groups, overall);
  std::vector<double> v(2 * _n_groups);
  for (std::int64_t g = 0; g < _n_groups; ++g) {
    v[2 * g] = rates[g] - overall - _tolerance;
    v[2 * g + 1] = overall - rates[g] - _tolerance;
  }
  return v;
}

double DemographicParity::gap(std::vector<double> const& stats, std::int64_t n_groups) {
  double overall = 0.0;
  auto const rates = groupRates(stats, n_groups, overall);
  double worst = 0.0;
  for (double r : rates)
    worst = std::max(worst, std::fabs(r - overall));
  return worst;
}

} // namespace saddle
