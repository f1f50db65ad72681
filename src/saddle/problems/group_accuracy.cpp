#include "saddle/problems/group_accuracy.hpp"

#include "kernels/glm.hpp"
#include "kernels/group_stats.hpp"
#include "kernels/rate_proxy.hpp"
#include "saddle/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace saddle {

GroupAccuracy::GroupAccuracy(std::vector<std::int64_t> const& group_counts, double tolerance,
                             std::vector<double> const& reference_theta)
    : _n_groups(static_cast<std::int64_t>(group_counts.size())), _tolerance(tolerance),
      _reference("saddle::GroupAccuracy::reference", reference_theta.size()),
      _z_ref("saddle::GroupAccuracy::z_ref", 0),
      _inv_share("saddle::GroupAccuracy::inv_share", group_counts.size()),
      _inv_all("saddle::GroupAccuracy::inv_all", 1), _totals("saddle::GroupAccuracy::totals", 1),
      _weights("saddle::GroupAccuracy::weights", group_counts.size()) {
  SADDLE_REQUIRE(_n_groups >= 1, "saddle::GroupAccuracy: needs at least one group");
  double n = 0.0;
  for (auto c : group_counts)
    n += static_cast<double>(c);
  auto share = Kokkos::create_mirror_view(_inv_share);
  for (std::int64_t g = 0; g < _n_groups; ++g)
    share(g) = group_counts[g] > 0 ? n / static_cast<double>(group_counts[g]) : 0.0;
  Kokkos::deep_copy(_inv_share, share);
  Kokkos::deep_copy(_inv_all, 1.0);
  auto ref = Kokkos::create_mirror_view(_reference);
  for (std::size_t j = 0; j < reference_theta.size(); ++j)
    ref(j) = reference_theta[j];
  Kokkos::deep_copy(_reference, ref);
}

std::string GroupAccuracy::constraintName(std::int64_t j) const {
  return "acc_gap" + std::to_string(j);
}

double GroupAccuracy::statsSensitivity() const {
  return std::sqrt(hasReference() ? 3.0 : 2.0);
}

void GroupAccuracy::addProxyDerivative(ExecSpace const& space, data::SiloData const& data,
                                       BatchScratch& batch, Vector<double> const& lambda) {
  int const k = static_cast<int>(_n_groups);
  // a_g = lambda_g n / n_g - sum_h lambda_h          (O(k))
  kernels::rateProxyWeights(space, lambda, false, k, _inv_share, _inv_all, _totals, _weights);
  // coef_i += a_{g_i} d/dz_i sigmoid(-(2 y_i - 1) z_i)   (O(batch))
  kernels::addGroupErrorProxyDerivative(space, data.group, data.y, batch.idx, batch.size, batch.z,
                                        _weights, batch.coef);
}

void GroupAccuracy::accumulateStats(ExecSpace const& space, data::SiloData const& data,
                                    BatchScratch const& batch, Vector<double> const& stats,
                                    std::int64_t offset) const {
  bool const with_ref = hasReference();
  if (with_ref) {
    SADDLE_REQUIRE(static_cast<std::int64_t>(_reference.extent(0)) ==
                       static_cast<std::int64_t>(data.x.extent(1)) + 1,
                   "saddle::GroupAccuracy: the reference model has another number of features");
    if (static_cast<std::int64_t>(_z_ref.extent(0)) < batch.size)
      _z_ref = Vector<double>(
          Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::GroupAccuracy::z_ref"),
          batch.idx.extent(0));
    // z_ref_i = theta_ref . [x_i, 1]
    kernels::glmMargins(space, data.x, batch.idx, batch.size, _reference, _z_ref);
  }
  kernels::groupErrorCounts(space, data.group, data.y, batch.idx, batch.size, batch.z, _z_ref,
                            with_ref, static_cast<int>(_n_groups), stats, offset);
}

std::vector<double> GroupAccuracy::errorGaps(std::vector<double> const& stats,
                                             std::int64_t n_groups, bool with_reference) {
  std::int64_t const k = n_groups;
  double count = 0.0, errors = 0.0, ref_errors = 0.0;
  for (std::int64_t g = 0; g < k; ++g) {
    count += std::max(stats[g], 0.0);
    errors += std::max(stats[k + g], 0.0);
    if (with_reference)
      ref_errors += std::max(stats[2 * k + g], 0.0);
  }
  double const err = count >= 1.0 ? std::clamp(errors / count, 0.0, 1.0) : 0.0;
  double const ref = count >= 1.0 ? std::clamp(ref_errors / count, 0.0, 1.0) : 0.0;
  std::vector<double> gaps(k, 0.0);
  for (std::int64_t g = 0; g < k; ++g) {
    if (stats[g] < 1.0)
      continue; // absent from the round: violation 0
    double const err_g = std::clamp(stats[k + g] / stats[g], 0.0, 1.0);
    double const ref_g = with_reference ? std::clamp(stats[2 * k + g] / stats[g], 0.0, 1.0) : 0.0;
    gaps[g] = (err_g - ref_g) - (err - ref);
  }
  return gaps;
}

std::vector<double> GroupAccuracy::violation(std::vector<double> const& stats) const {
  auto v = errorGaps(stats, _n_groups, hasReference());
  for (std::int64_t g = 0; g < _n_groups; ++g)
    if (stats[g] >= 1.0)
      v[g] -= _tolerance;
  return v;
}

std::vector<std::int64_t>
GroupAccuracy::observedConstraints(std::vector<double> const& stats) const {
  std::vector<std::int64_t> seen;
  for (std::int64_t g = 0; g < _n_groups; ++g)
    if (stats[g] >= 1.0)
      seen.push_back(g);
  return seen;
}

std::vector<double> referenceThetaFromState(State const& state, std::int64_t n_params,
                                            std::string const& source) {
  try {
    return state.array("model/theta", n_params);
  } catch (InputError const& e) {
    throw InputError("saddle::Deck: key 'problem.reference_model' = \"" + source +
                     "\": not a reference model for this data (" + e.what() + ")");
  }
}

} // namespace saddle
