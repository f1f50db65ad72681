#pragma once
/// Fused per-sample kernel of multinomial (softmax) regression with K classes, templated on
/// the scalar type T. Parameters w [K][d + 1] (LayoutRight; column d is the bias), rows
/// x [n][d] (LayoutRight), integer labels y in [0, K). Sample i's gradient is the rank-one
/// matrix (p_i - e_{y_i}) [x_i, 1]^T, so its Frobenius norm is ||p_i - e_{y_i}|| ||[x_i, 1]||
/// (row norm cached by glmRowNorms) and the clipped sum accumulates
/// c_i (p_i - e_{y_i}) [x_i, 1]^T without forming any per-sample gradient.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include "models_common.hpp"
#include <cstdint>

namespace saddle::kernels {

namespace detail {

template <class Space, class XView, class YView, class IdxView, class WView, class NormView,
          class OutView, class LossView, class SampleNormView>
struct SoftmaxClippedGradient {
  using T = typename XView::non_const_value_type;
  using member_type = typename Kokkos::TeamPolicy<Space>::member_type;
  using Scratch = Kokkos::View<T*, typename Space::scratch_memory_space, Kokkos::MemoryUnmanaged>;

  XView x;
  YView y;
  IdxView idx;
  WView w;
  NormView row_norm;
  OutView out;
  LossView loss_sum;
  SampleNormView sample_norm;
  std::int64_t m, per_team, offset;
  T clip;
  int d, k_classes, level;

  /// From the logits z[0, K) of a sample with label `label`: overwrites z with the clipped
  /// residual c (p - e_y); returns the loss log sum_k e^{z_k} - z_y; `norm` = ||p - e_y|| rn.
  KOKKOS_INLINE_FUNCTION T residual(T* z, int label, T rn, T& norm) const {
    T mx = z[0];
    for (int k = 1; k < k_classes; ++k)
      mx = z[k] > mx ? z[k] : mx;
    // Shifted by the largest logit: no overflow; infinite logits through shiftedExpOf.
    T s = T(0);
    for (int k = 0; k < k_classes; ++k)
      s += shiftedExpOf(z[k], mx);
    T const loss = softmaxLossOf(s, mx, z[label]);
    T sq = T(0);
    for (int k = 0; k < k_classes; ++k) {
      z[k] = shiftedExpOf(z[k], mx) / s - (k == label ? T(1) : T(0));
      sq += z[k] * z[k];
    }
    norm = compat::sqrt(sq) * rn;
    T const c = clipScale(norm, clip);
    for (int k = 0; k < k_classes; ++k)
      z[k] *= c;
    return loss;
  }

  KOKKOS_INLINE_FUNCTION void operator()(member_type const& team) const {
    std::int64_t const begin = team.league_rank() * per_team;
    std::int64_t const end = begin + per_team < m ? begin + per_team : m;
    int const p = k_classes * (d + 1);
    Scratch acc(team.team_scratch(level), p + k_classes + 2);
    T* const z = acc.data() + p; // K logits, then the sample's loss and norm
    double loss_acc = 0.0;
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, p), [&](int j) { acc(j) = T(0); });
    team.team_barrier();
    for (std::int64_t i = begin; i < end; ++i) {
      std::int64_t const r = idx(i);
      int const label = static_cast<int>(y(r));
      if constexpr (kIsHostSpace<Space>) {
        if (i + kPrefetchRows < end)
          prefetchBytes(&x(idx(i + kPrefetchRows), 0), d * static_cast<int>(sizeof(T)));
      }
      for (int k = 0; k < k_classes; ++k) { // logits
        T zk = T(0);
        if constexpr (kIsHostSpace<Space>) {
          zk = dotContiguous(&x(r, 0), &w(k, 0), d);
        } else {
          Kokkos::parallel_reduce(
              Kokkos::TeamThreadRange(team, d), [&](int j, T& s) { s += w(k, j) * x(r, j); }, zk);
        }
        Kokkos::single(Kokkos::PerTeam(team), [&]() { z[k] = zk + w(k, d); });
      }
      team.team_barrier();
      Kokkos::single(Kokkos::PerTeam(team), [&]() {
        z[k_classes] = residual(z, label, static_cast<T>(row_norm(r)), z[k_classes + 1]);
        if (sample_norm.extent(0) > 0)
          sample_norm(i) = z[k_classes + 1];
      });
      team.team_barrier();
      loss_acc += static_cast<double>(z[k_classes]);
      accumulate(team, r, z, acc.data());
    }
    team.team_barrier();
    using O = typename OutView::non_const_value_type;
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, p), [&](int j) {
      Kokkos::atomic_add(&out(offset + j), static_cast<O>(acc(j)));
    });
    if (loss_sum.extent(0) > 0)
      Kokkos::single(Kokkos::PerTeam(team), [&]() {
        Kokkos::atomic_add(&loss_sum(0),
                           static_cast<typename LossView::non_const_value_type>(loss_acc));
      });
  }

  /// acc[k][j] += cr[k] [x_r, 1][j] for every class k.
  KOKKOS_INLINE_FUNCTION void accumulate(member_type const& team, std::int64_t r, T const* cr,
                                         T* acc) const {
    if constexpr (kIsHostSpace<Space>) {
      for (int k = 0; k < k_classes; ++k) {
        axpyContiguous(cr[k], &x(r, 0), acc + k * (d + 1), d);
        acc[k * (d + 1) + d] += cr[k];
      }
    } else {
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, d + 1), [&](int j) {
        T const xj = j < d ? x(r, j) : T(1);
        for (int k = 0; k < k_classes; ++k)
          acc[k * (d + 1) + j] += cr[k] * xj;
      });
      team.team_barrier(); // z (cr) is overwritten by the next sample
    }
  }
};

} // namespace detail

/// The fused DP-SGD pass of softmax regression over the batch rows idx[0, m) of x [n][d]:
///   z_i = w [x_r, 1] (K logits), p_i = softmax(z_i), loss_i = -log p_i[y_r],
///   n_i = ||p_i - e_{y_r}|| row_norm(r), c_i = min(1, clip / n_i) (clip = +inf: none),
///   out[offset + k (d + 1) + j] += sum_i c_i (p_i - e_{y_r})[k] [x_r, 1][j],
///   loss_sum(0) += sum_i loss_i (if extent > 0), sample_norm(i) = n_i (if extent >= m).
/// w [K][d + 1] LayoutRight of T, x LayoutRight of T, y integer class ids in [0, K).
/// Team scratch holds the chunk's partial sum (K (d + 1) + K values of T). Async; local.
template <class Space, class XView, class YView, class IdxView, class WView, class NormView,
          class OutView, class LossView, class SampleNormView>
void softmaxClippedGradient(Space const& space, XView const& x, YView const& y, IdxView const& idx,
                            std::int64_t m, WView const& w, NormView const& row_norm,
                            typename XView::non_const_value_type clip, OutView const& out,
                            std::int64_t offset, LossView const& loss_sum,
                            SampleNormView const& sample_norm) {
  using T = typename XView::non_const_value_type;
  static_assert(std::is_same_v<typename XView::array_layout, Kokkos::LayoutRight> &&
                    std::is_same_v<typename WView::array_layout, Kokkos::LayoutRight>,
                "saddle::kernels::softmaxClippedGradient: x and w must be LayoutRight");
  if (m <= 0)
    return;
  int const d = static_cast<int>(x.extent(1));
  int const k_classes = static_cast<int>(w.extent(0));
  std::size_t const bytes = static_cast<std::size_t>(k_classes * (d + 2) + 2) * sizeof(T);
  std::int64_t const per = detail::samplesPerTeam(space, m);
  detail::SoftmaxClippedGradient<Space, XView, YView, IdxView, WView, NormView, OutView, LossView,
                                 SampleNormView>
      f{x,      y,        idx,         w,         row_norm,
        out,    loss_sum, sample_norm, m,         per,
        offset, clip,     d,           k_classes, detail::scratchLevel(bytes)};
  Kokkos::parallel_for("saddle::kernels::softmaxClippedGradient",
                       detail::modelTeamPolicy(space, (m + per - 1) / per, bytes), f);
}

} // namespace saddle::kernels
