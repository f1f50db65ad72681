#pragma once
/// FERMI's exponential Renyi mutual information (ERMI) min-max (Lowy, Baharlouei et al. 2022):
///   psi(theta, W) = -Tr(W P_yhat W^T) + 2 Tr(W P_yhat,s P_s^(-1/2)) - 1,
/// W [groups][classes], P_yhat = diag(P(yhat = c)), P_yhat,s(c, g) = P(yhat = c, s = g),
/// P_s = diag(P(s = g)), with soft predictions p_i (P(yhat = c) = mean_i p_ic). Since
/// P_yhat = mean_i diag(p_i) and P_yhat,s = mean_i p_i e_{s_i}^T, psi is the mean of per-record
///   psi_i = sum_c p_ic d_ic - 1,  d_ic = -sum_g W(g, c)^2 + 2 W(s_i, c) / sqrt(P(s = s_i)),
/// so a minibatch mean of psi_i is unbiased and d_ic = dpsi_i / dp_ic.
/// Equalized odds conditions on the label: one W per label value (stratum r = y_i), P_s|y, and
/// psi = sum_r P(y = r) psi_r, which is again the mean of psi_i with W_{y_i} and P(s | y_i).
/// Cells c = r * n_groups + g index the rows of the stacked W [n_strata * n_groups][m].
/// Every kernel costs O(batch * m) or O(cells * m); none loops over batch x groups.
#include <Kokkos_Core.hpp>

#include "glm.hpp"
#include "group_stats.hpp"
#include "rate_proxy.hpp"
#include <cstdint>

namespace saddle::kernels {

/// colsq(r, c) = sum_g W(r * n_groups + g, c)^2. W: [n_strata * n_groups][m], colsq:
/// [n_strata][m]. Async on `space`.
template <class Space, class WView, class ColView>
void fermiColumnSquares(Space const& space, WView const& w, int n_groups, ColView const& colsq) {
  int const m = static_cast<int>(w.extent(1));
  int const n_strata = static_cast<int>(colsq.extent(0));
  Kokkos::parallel_for(
      "saddle::kernels::fermiColumnSquares", Kokkos::RangePolicy<Space>(space, 0, n_strata * m),
      KOKKOS_LAMBDA(int rc) {
        int const r = rc / m, c = rc % m;
        double sum = 0.0;
        for (int g = 0; g < n_groups; ++g)
          sum += w(r * n_groups + g, c) * w(r * n_groups + g, c);
        colsq(r, c) = sum;
      });
}

/// d_ic of record i of cell `cell` in stratum `stratum` (see the file comment).
template <class WView, class ColView, class ShareView>
KOKKOS_INLINE_FUNCTION double fermiSlope(WView const& w, ColView const& colsq,
                                         ShareView const& inv_sqrt_ps, int stratum, int cell,
                                         int c) {
  return -colsq(stratum, c) + 2.0 * w(cell, c) * inv_sqrt_ps(cell);
}

/// General m classes: for the batch's soft predictions probs [n][m] (row i belongs to row
/// idx(i) of the data), dpsi(i, c) = dpsi_i / dp_ic and psi(i) = psi_i. inv_sqrt_ps:
/// [n_cells], 1 / sqrt(P(s = g | stratum)). Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class PView, class WView,
          class ColView, class ShareView, class DView, class PsiView>
void fermiRecordTerms(Space const& space, GroupView const& group, YView const& y,
                      IndexView const& idx, std::int64_t n, PView const& probs, WView const& w,
                      ColView const& colsq, ShareView const& inv_sqrt_ps, int n_groups,
                      bool conditioned, DView const& dpsi, PsiView const& psi) {
  int const m = static_cast<int>(w.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::fermiRecordTerms",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const row = idx(i);
        int const cell = rateCell(group(row), y(row), n_groups, conditioned);
        int const stratum = cell / n_groups;
        double value = -1.0;
        for (int c = 0; c < m; ++c) {
          double const d = fermiSlope(w, colsq, inv_sqrt_ps, stratum, cell, c);
          dpsi(i, c) = d;
          value += probs(i, c) * d;
        }
        psi(i) = value;
      });
}

/// Binary model, p_i = (1 - sigmoid(z_i), sigmoid(z_i)), W with 2 columns:
/// coef(i) += scale * dpsi_i / dz_i = scale * sigmoid'(z_i) (d_i1 - d_i0). Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class WView,
          class ColView, class ShareView, class CoefView>
void addFermiBinaryDerivative(Space const& space, GroupView const& group, YView const& y,
                              IndexView const& idx, std::int64_t n, ZView const& z, WView const& w,
                              ColView const& colsq, ShareView const& inv_sqrt_ps, int n_groups,
                              bool conditioned, double scale, CoefView const& coef) {
  Kokkos::parallel_for(
      "saddle::kernels::addFermiBinaryDerivative",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const row = idx(i);
        int const cell = rateCell(group(row), y(row), n_groups, conditioned);
        int const stratum = cell / n_groups;
        double const p = sigmoid(z(i));
        double const d1 = fermiSlope(w, colsq, inv_sqrt_ps, stratum, cell, 1);
        double const d0 = fermiSlope(w, colsq, inv_sqrt_ps, stratum, cell, 0);
        coef(i) += scale * p * (1.0 - p) * (d1 - d0);
      });
}

/// out(offset + j) += fixed(j) for count entries (j % (m + 1) == 0) and fixed(j) / kFixedPointScale
/// for soft sums. fixed, out: [n_cells * (m + 1)] at offset. Async on `space`.
template <class Space, class FixedView, class OutView>
void fermiFixedToStats(Space const& space, FixedView const& fixed, int m, OutView const& out,
                       std::int64_t offset) {
  Kokkos::parallel_for(
      "saddle::kernels::fermiFixedToStats",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(
          space, 0, static_cast<std::int64_t>(fixed.extent(0))),
      KOKKOS_LAMBDA(std::int64_t j) {
        double const v = static_cast<double>(fixed(j));
        out(offset + j) += j % (m + 1) == 0 ? v : v / kFixedPointScale;
      });
}

/// FERMI's released statistics of a batch, per cell c: [count_c, S_c0 .. S_c(m-1)] at
/// out(offset + c (m + 1)), S_cj = sum_{i in c} p_ij (exact fixed-point sums, see
/// toFixedPoint). Binary model: p_i = (1 - sigmoid(z_i), sigmoid(z_i)), m = 2. fixed: int64
/// scratch [n_cells * 3], overwritten. Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class FixedView,
          class OutView>
void fermiBinaryStats(Space const& space, GroupView const& group, YView const& y,
                      IndexView const& idx, std::int64_t n, ZView const& z, int n_groups,
                      bool conditioned, FixedView const& fixed, OutView const& out,
                      std::int64_t offset) {
  Kokkos::deep_copy(space, fixed, std::int64_t(0));
  Kokkos::parallel_for(
      "saddle::kernels::fermiBinaryStats",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const row = idx(i);
        int const cell = rateCell(group(row), y(row), n_groups, conditioned);
        std::int64_t const one = toFixedPoint(sigmoid(z(i)));
        Kokkos::atomic_add(&fixed(3 * cell), std::int64_t(1));
        Kokkos::atomic_add(&fixed(3 * cell + 1), toFixedPoint(1.0) - one);
        Kokkos::atomic_add(&fixed(3 * cell + 2), one);
      });
  fermiFixedToStats(space, fixed, 2, out, offset);
}

/// fermiBinaryStats for m classes with the batch's soft predictions probs [n][m] (rows sum to
/// 1). fixed: int64 scratch [n_cells * (m + 1)], overwritten. Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class PView, class FixedView,
          class OutView>
void fermiSoftStats(Space const& space, GroupView const& group, YView const& y,
                    IndexView const& idx, std::int64_t n, PView const& probs, int n_groups,
                    bool conditioned, FixedView const& fixed, OutView const& out,
                    std::int64_t offset) {
  int const m = static_cast<int>(probs.extent(1));
  Kokkos::deep_copy(space, fixed, std::int64_t(0));
  Kokkos::parallel_for(
      "saddle::kernels::fermiSoftStats",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const row = idx(i);
        int const cell = rateCell(group(row), y(row), n_groups, conditioned);
        Kokkos::atomic_add(&fixed(cell * (m + 1)), std::int64_t(1));
        for (int c = 0; c < m; ++c)
          Kokkos::atomic_add(&fixed(cell * (m + 1) + 1 + c), toFixedPoint(probs(i, c)));
      });
  fermiFixedToStats(space, fixed, m, out, offset);
}

} // namespace saddle::kernels
