#pragma once
/// Differentiable surrogate of a group's positive rate: the primal player sees
/// rate_g ~ (1/n_g) sum_{i in g} sigmoid(z_i) instead of the count of z_i > 0.
#include <Kokkos_Core.hpp>

#include "glm.hpp"
#include <cstdint>

namespace saddle::kernels {

/// coef(i) += a(group(idx(i))) * sigmoid'(z(i)), sigmoid' = sigmoid (1 - sigmoid): adds the
/// derivative, with respect to the margin, of a per-group weighted sum of sigmoid proxies.
/// a: [n_groups]. Async on `space`.
template <class Space, class GroupView, class IndexView, class ZView, class AView, class CoefView>
void addGroupRateProxyDerivative(Space const& space, GroupView const& group, IndexView const& idx,
                                 std::int64_t m, ZView const& z, AView const& a,
                                 CoefView const& coef) {
  Kokkos::parallel_for(
      "saddle::kernels::addGroupRateProxyDerivative",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        double const p = sigmoid(z(i));
        coef(i) += a(group(idx(i))) * p * (1.0 - p);
      });
}

} // namespace saddle::kernels

namespace saddle::kernels {

/// Per-group weights of the demographic-parity proxy term in the per-sample Lagrangian.
/// With mu_g = lambda(2g) - lambda(2g+1) (the multipliers of rate_g - rate <= tol and
/// rate - rate_g <= tol) and M = sum_g mu_g, the full-data Lagrangian term
///   sum_g mu_g (sum_{i in g} s_i / n_g - sum_i s_i / n)  =  (1/n) sum_i a_{g_i} s_i
/// with a_g = mu_g * n / n_g - M  (s_i = sigmoid(z_i)). inv_share(g) = n / n_g (0 if n_g = 0).
/// a: [n_groups]. Async on `space`.
template <class Space, class LambdaView, class ShareView, class AView>
void demographicParityProxyWeights(Space const& space, LambdaView const& lambda,
                                   ShareView const& inv_share, AView const& a) {
  int const k = static_cast<int>(a.extent(0));
  Kokkos::parallel_for(
      "saddle::kernels::demographicParityProxyWeights", Kokkos::RangePolicy<Space>(space, 0, k),
      KOKKOS_LAMBDA(int g) {
        double total = 0.0;
        for (int h = 0; h < k; ++h)
          total += lambda(2 * h) - lambda(2 * h + 1);
        a(g) = (lambda(2 * g) - lambda(2 * g + 1)) * inv_share(g) - total;
      });
}

} // namespace saddle::kernels
