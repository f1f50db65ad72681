#pragma once
/// Per-record clipping for models whose per-sample gradient is coef_i * a_i with a known
/// ||a_i|| (a GLM: a_i = [x_i, 1]): the gradient norm is |coef_i| ||a_i||, so the clipped
/// gradient is coef_i * min(1, C / (|coef_i| ||a_i||)) * a_i. No per-sample gradient is formed.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include <cstdint>

namespace saddle::kernels {

/// Clip factor min(1, C / norm), exactly 1 when norm <= C (so clipping that does not bind
/// changes nothing, bit for bit) and for C = +inf.
KOKKOS_INLINE_FUNCTION double clipFactor(double norm, double clip) {
  return norm > clip ? clip / norm : 1.0;
}

/// w(i) = coef(i) * clipFactor(|coef(i)| * row_norm(idx(i)), clip) for i in [0, m): the
/// weights whose weighted row sum is the sum of clipped per-record gradients. Async.
template <class Space, class CoefView, class NormView, class IndexView, class WView>
void clipRankOneWeights(Space const& space, CoefView const& coef, NormView const& row_norm,
                        IndexView const& idx, std::int64_t m, double clip, WView const& w) {
  Kokkos::parallel_for(
      "saddle::kernels::clipRankOneWeights",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        double const c = coef(i);
        w(i) = c * clipFactor(compat::fabs(c) * row_norm(idx(i)), clip);
      });
}

/// Per-layer clipping of a GLM record: its weight part coef_i x_i (norm |coef_i| ||x_i||, with
/// ||x_i|| = sqrt(row_norm_i^2 - 1)) and its bias part coef_i (norm |coef_i|) are clipped
/// separately, each to `layer_clip`; with layer_clip = C / sqrt(2) the record's whole gradient
/// has norm <= C. w(i) scales x_i, w_bias(i) is the bias entry. Async on `space`.
template <class Space, class CoefView, class NormView, class IndexView, class WView,
          class WBiasView>
void clipRankOneWeightsPerLayer(Space const& space, CoefView const& coef, NormView const& row_norm,
                                IndexView const& idx, std::int64_t m, double layer_clip,
                                WView const& w, WBiasView const& w_bias) {
  Kokkos::parallel_for(
      "saddle::kernels::clipRankOneWeightsPerLayer",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        double const c = coef(i);
        double const a = compat::fabs(c);
        double const r = row_norm(idx(i));
        double const x_norm = compat::sqrt(r * r > 1.0 ? r * r - 1.0 : 0.0);
        w(i) = c * clipFactor(a * x_norm, layer_clip);
        w_bias(i) = c * clipFactor(a, layer_clip);
      });
}

/// out(slot) += #{i : |coef(i)| row_norm(idx(i)) <= clip}: the records whose gradient the
/// clip norm does not bind (adaptive clipping estimates this quantile). Async on `space`.
template <class Space, class CoefView, class NormView, class IndexView, class OutView>
void countUnclipped(Space const& space, CoefView const& coef, NormView const& row_norm,
                    IndexView const& idx, std::int64_t m, double clip, OutView const& out,
                    std::int64_t slot) {
  Kokkos::parallel_for(
      "saddle::kernels::countUnclipped",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        if (compat::fabs(coef(i)) * row_norm(idx(i)) <= clip)
          Kokkos::atomic_add(&out(slot), 1.0);
      });
}

/// Scale each row of g [n_samples][n_params] so that ||g(s, :)||_2 <= clip (dense per-sample
/// gradients: the oracle of the rank-one path, and models without a rank-one structure).
/// One team per sample. Async on `space`.
template <class Space, class GradView>
void clipPerSample(Space const& space, GradView const& g, double clip) {
  static_assert(Kokkos::SpaceAccessibility<Space, typename GradView::memory_space>::accessible,
                "saddle::kernels::clipPerSample: g must be accessible from the space");
  using Policy = Kokkos::TeamPolicy<Space>;
  int const n_params = static_cast<int>(g.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::clipPerSample", Policy(space, static_cast<int>(g.extent(0)), Kokkos::AUTO),
      KOKKOS_LAMBDA(typename Policy::member_type const& team) {
        int const s = team.league_rank();
        double sq = 0.0;
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, n_params),
            [&](int j, double& acc) { acc += g(s, j) * g(s, j); }, sq);
        double const scale = clipFactor(compat::sqrt(sq), clip);
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, n_params),
                             [&](int j) { g(s, j) *= scale; });
      });
}

} // namespace saddle::kernels
