#include "saddle/problems/rate_parity.hpp"

#include "kernels/group_stats.hpp"
#include "kernels/rate_proxy.hpp"
#include "saddle/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace saddle {

RateParity::RateParity(std::int64_t n_groups, bool conditioned, double tolerance,
                       std::vector<std::int64_t> const& cell_counts)
    : _n_groups(n_groups), _n_cells(conditioned ? 2 * n_groups : n_groups),
      _conditioned(conditioned), _tolerance(tolerance), _estimate_shares(cell_counts.empty()),
      _count_sums(static_cast<std::size_t>(std::max<std::int64_t>(_n_cells, 0)), 0.0),
      _inv_share("saddle::RateParity::inv_share", std::max<std::int64_t>(_n_cells, 0)),
      _inv_stratum("saddle::RateParity::inv_stratum", conditioned ? 2 : 1),
      _totals("saddle::RateParity::totals", conditioned ? 2 : 1),
      _weights("saddle::RateParity::weights", std::max<std::int64_t>(_n_cells, 0)) {
  SADDLE_REQUIRE(n_groups >= 1, "saddle::RateParity: needs at least one group");
  SADDLE_REQUIRE(_estimate_shares || static_cast<std::int64_t>(cell_counts.size()) == _n_cells,
                 "saddle::RateParity: cell_counts must have one entry per cell");
  if (!_estimate_shares)
    setShares(std::vector<double>(cell_counts.begin(), cell_counts.end()));
}

void RateParity::setShares(std::vector<double> const& cell_counts) {
  std::int64_t const n_strata = _conditioned ? 2 : 1;
  std::vector<double> stratum(n_strata, 0.0);
  double n = 0.0;
  for (std::int64_t c = 0; c < _n_cells; ++c) {
    stratum[c / _n_groups] += cell_counts[c];
    n += cell_counts[c];
  }
  auto share = Kokkos::create_mirror_view(_inv_share);
  auto strat = Kokkos::create_mirror_view(_inv_stratum);
  // n / n_c and n / n_r, 0 for a cell (stratum) without rows: it has no proxy term
  for (std::int64_t c = 0; c < _n_cells; ++c)
    share(c) = cell_counts[c] >= 1.0 ? n / cell_counts[c] : 0.0;
  for (std::int64_t r = 0; r < n_strata; ++r)
    strat(r) = stratum[r] >= 1.0 ? n / stratum[r] : 0.0;
  Kokkos::deep_copy(_inv_share, share);
  Kokkos::deep_copy(_inv_stratum, strat);
}

std::string RateParity::constraintName(std::int64_t j) const {
  std::int64_t const c = j / 2;
  std::string const side = j % 2 == 0 ? "_above" : "_below";
  if (!_conditioned)
    return "dp_rate" + std::to_string(c) + side;
  return "eo_y" + std::to_string(c / _n_groups) + "_rate" + std::to_string(c % _n_groups) + side;
}

double RateParity::statsSensitivity() const {
  return std::sqrt(2.0);
}

void RateParity::addProxyDerivative(ExecSpace const& space, data::SiloData const& data,
                                    BatchScratch& batch, Vector<double> const& lambda) {
  int const k = static_cast<int>(_n_groups);
  // a_c = mu_c n / n_c - (n / n_r) sum_{c' in r} mu_c',  mu_c = lambda_{2c} - lambda_{2c+1}
  kernels::rateProxyWeights(space, lambda, true, k, _inv_share, _inv_stratum, _totals, _weights);
  // coef_i += a_{c_i} sigmoid'(z_i)
  kernels::addCellRateProxyDerivative(space, data.group, data.y, batch.idx, batch.size, batch.z, k,
                                      _conditioned, _weights, batch.coef);
}

void RateParity::accumulateStats(ExecSpace const& space, data::SiloData const& data,
                                 BatchScratch const& batch, Vector<double> const& stats,
                                 std::int64_t offset) const {
  kernels::cellPositiveCounts(space, data.group, data.y, batch.idx, batch.size, batch.z,
                              static_cast<int>(_n_groups), _conditioned, stats, offset);
}

std::vector<double> RateParity::cellRates(std::vector<double> const& stats, std::int64_t n_groups,
                                          bool conditioned, std::vector<double>& stratum_rates) {
  std::int64_t const n_strata = conditioned ? 2 : 1;
  std::int64_t const n_cells = n_strata * n_groups;
  stratum_rates.assign(n_strata, 0.0);
  for (std::int64_t r = 0; r < n_strata; ++r) {
    double count = 0.0, positives = 0.0;
    for (std::int64_t c = r * n_groups; c < (r + 1) * n_groups; ++c) {
      count += std::max(stats[c], 0.0);
      positives += std::max(stats[n_cells + c], 0.0);
    }
    stratum_rates[r] = count >= 1.0 ? std::clamp(positives / count, 0.0, 1.0) : 0.0;
  }
  std::vector<double> rates(n_cells);
  for (std::int64_t c = 0; c < n_cells; ++c)
    rates[c] = stats[c] >= 1.0 ? std::clamp(stats[n_cells + c] / stats[c], 0.0, 1.0)
                               : stratum_rates[c / n_groups];
  return rates;
}

std::vector<double> RateParity::violation(std::vector<double> const& stats) const {
  std::vector<double> stratum;
  auto const rates = cellRates(stats, _n_groups, _conditioned, stratum);
  std::vector<double> v(2 * _n_cells);
  for (std::int64_t c = 0; c < _n_cells; ++c) {
    double const overall = stratum[c / _n_groups];
    v[2 * c] = rates[c] - overall - _tolerance;
    v[2 * c + 1] = overall - rates[c] - _tolerance;
  }
  return v;
}

std::vector<std::int64_t> RateParity::observedConstraints(std::vector<double> const& stats) const {
  std::vector<std::int64_t> seen;
  for (std::int64_t c = 0; c < _n_cells; ++c)
    if (stats[c] >= 1.0) {
      seen.push_back(2 * c);
      seen.push_back(2 * c + 1);
    }
  return seen;
}

double RateParity::maxGap(std::vector<double> const& stats, std::int64_t n_groups,
                          bool conditioned) {
  std::vector<double> stratum;
  auto const rates = cellRates(stats, n_groups, conditioned, stratum);
  double worst = 0.0;
  for (std::size_t c = 0; c < rates.size(); ++c)
    worst = std::max(worst, std::fabs(rates[c] - stratum[c / n_groups]));
  return worst;
}

void RateParity::update(ExecSpace const& /*space*/, std::vector<double> const& stats,
                        std::int64_t /*round*/) {
  if (!_estimate_shares)
    return;
  // running sums of the privatized cell counts (clamped at 0): post-processing, no privacy cost
  for (std::int64_t c = 0; c < _n_cells; ++c)
    _count_sums[c] += std::max(stats[c], 0.0);
  setShares(_count_sums);
}

void RateParity::saveState(State& state, std::string const& prefix) const {
  if (_estimate_shares)
    state.putArray(prefix + "cell_count_sums", _count_sums);
}

void RateParity::loadState(State const& state, std::string const& prefix) {
  if (!_estimate_shares)
    return;
  _count_sums = state.array(prefix + "cell_count_sums", _n_cells);
  setShares(_count_sums);
}

} // namespace saddle
