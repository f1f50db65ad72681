#pragma once
/// Differentiable surrogates of rates for the primal player's per-record Lagrangian:
///  - a cell's positive rate, rate_c ~ (1/n_c) sum_{i in c} sigmoid(z_i) instead of the count of
///    z_i > 0 (demographic parity: cells = groups; equalized odds: cells = (label, group));
///  - a group's error rate, err_g ~ (1/n_g) sum_{i in g} sigmoid(-(2 y_i - 1) z_i) instead of
///    the count of (z_i > 0) != y_i (per-group accuracy constraints).
/// Every kernel costs O(batch) or O(cells): none loops over batch x cells.
#include <Kokkos_Core.hpp>

#include "glm.hpp"
#include <cstdint>

namespace saddle::kernels {

/// The cell of a record: its group g, or (label, group) as y * n_groups + g when the rates are
/// conditioned on the label (y > 0.5 counts as label 1).
KOKKOS_INLINE_FUNCTION int rateCell(int group, double y, int n_groups, bool conditioned) {
  return conditioned && y > 0.5 ? n_groups + group : group;
}

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

/// coef(i) += a(cell_i) * sigmoid'(z(i)) with cell_i = rateCell(group, y, n_groups,
/// conditioned) of row idx(i). a: [n_cells]. Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class AView,
          class CoefView>
void addCellRateProxyDerivative(Space const& space, GroupView const& group, YView const& y,
                                IndexView const& idx, std::int64_t m, ZView const& z, int n_groups,
                                bool conditioned, AView const& a, CoefView const& coef) {
  Kokkos::parallel_for(
      "saddle::kernels::addCellRateProxyDerivative",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const r = idx(i);
        double const p = sigmoid(z(i));
        coef(i) += a(rateCell(group(r), y(r), n_groups, conditioned)) * p * (1.0 - p);
      });
}

/// coef(i) += a(group_i) * d/dz sigmoid(-s_i z(i)) = -a(group_i) s_i sigmoid'(z(i)), s_i =
/// 2 y_i - 1: the derivative of a per-group weighted sum of smoothed 0-1 errors. a: [n_groups].
/// Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class AView,
          class CoefView>
void addGroupErrorProxyDerivative(Space const& space, GroupView const& group, YView const& y,
                                  IndexView const& idx, std::int64_t m, ZView const& z,
                                  AView const& a, CoefView const& coef) {
  Kokkos::parallel_for(
      "saddle::kernels::addGroupErrorProxyDerivative",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const r = idx(i);
        double const p = sigmoid(z(i));
        double const s = y(r) > 0.5 ? 1.0 : -1.0;
        coef(i) -= a(group(r)) * s * p * (1.0 - p);
      });
}

/// Net multiplier of cell c: lambda(2c) - lambda(2c+1) for two-sided gaps, else lambda(c).
template <class LambdaView>
KOKKOS_INLINE_FUNCTION double netMultiplier(LambdaView const& lambda, int c, bool two_sided) {
  return two_sided ? lambda(2 * c) - lambda(2 * c + 1) : lambda(c);
}

/// Per-cell weights of a rate-gap proxy term in the per-record Lagrangian. Cells come in strata
/// of n_groups consecutive cells (one stratum for demographic parity and group accuracy, one
/// per label for equalized odds). With mu_c the net multiplier of cell c (two_sided:
/// lambda(2c) - lambda(2c+1), the multipliers of rate_c - rate_r <= tol and rate_r - rate_c <=
/// tol; else lambda(c)) and M_r = sum_{c in r, n_c > 0} mu_c, the full-data Lagrangian term
///   sum_c mu_c (sum_{i in c} s_i / n_c - sum_{i in r(c)} s_i / n_r) = (1/n) sum_i a_{c_i} s_i
/// with a_c = mu_c n / n_c - (n / n_r) M_r. inv_share(c) = n / n_c and inv_stratum(r) = n / n_r
/// (0 for an empty cell or stratum: its multiplier then has no term). total: [n_strata] scratch. a:
/// [n_cells]. Two launches, O(n_cells) work in all. Async on `space`.
template <class Space, class LambdaView, class ShareView, class StratumView, class TotalView,
          class AView>
void rateProxyWeights(Space const& space, LambdaView const& lambda, bool two_sided, int n_groups,
                      ShareView const& inv_share, StratumView const& inv_stratum,
                      TotalView const& total, AView const& a) {
  int const n_strata = static_cast<int>(total.extent(0));
  int const n_cells = static_cast<int>(a.extent(0));
  // M_r = sum_{c in stratum r} mu_c
  Kokkos::parallel_for(
      "saddle::kernels::rateProxyWeights::totals", Kokkos::RangePolicy<Space>(space, 0, n_strata),
      KOKKOS_LAMBDA(int r) {
        double sum = 0.0;
        for (int g = 0; g < n_groups; ++g)
          if (inv_share(r * n_groups + g) > 0.0) // an empty cell has no constraint term
            sum += netMultiplier(lambda, r * n_groups + g, two_sided);
        total(r) = sum;
      });
  // a_c = mu_c n / n_c - (n / n_r) M_r
  Kokkos::parallel_for(
      "saddle::kernels::rateProxyWeights", Kokkos::RangePolicy<Space>(space, 0, n_cells),
      KOKKOS_LAMBDA(int c) {
        int const r = c / n_groups;
        a(c) = netMultiplier(lambda, c, two_sided) * inv_share(c) - inv_stratum(r) * total(r);
      });
}

} // namespace saddle::kernels
