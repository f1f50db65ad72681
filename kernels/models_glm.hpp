#pragma once
/// Fused per-sample kernels of generalized linear models, templated on the scalar type T
/// (float or double). Parameters theta [d + 1] (last entry the bias), rows x [n][d]
/// (LayoutRight), a batch of rows idx[0, m). The per-sample gradient of a GLM is
/// g_i [x_i, 1] with the scalar g_i = d loss_i / d z_i: rank one, so its norm is
/// |g_i| ||[x_i, 1]|| with the row norm cached once per data set (glmRowNorms), and the clipped
/// sum is one weighted row sum. One pass over the batch rows computes margin, loss, norm,
/// clip factor and the clipped sum; no per-sample gradient is formed.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include "models_common.hpp"
#include <cstdint>

namespace saddle::kernels {

/// A GLM loss is a type with static value(z, y) (the loss at margin z, label y) and
/// derivative(z, y) (d loss / d z); the fused kernel evaluates value() only when a loss sum is
/// asked for.

/// Binary logistic regression, y in {0, 1}: loss = log(1 + e^z) - y z, dloss/dz = s(z) - y.
struct LogisticLossFn {
  template <class T> KOKKOS_INLINE_FUNCTION static T value(T z, T y) {
    return logisticLossOf(z, y); // finite for finite z, never inf - inf at z = +-inf
  }
  template <class T> KOKKOS_INLINE_FUNCTION static T derivative(T z, T y) {
    return sigmoidOf(z) - y;
  }
};

/// Linear SVM, hinge loss, y in {0, 1} read as s = 2y - 1: loss = max(0, 1 - s z);
/// dloss/dz = -s where s z < 1, else 0 (the subgradient 0 is taken at the kink s z = 1).
struct HingeLossFn {
  template <class T> KOKKOS_INLINE_FUNCTION static T value(T z, T y) {
    T const gap = T(1) - (T(2) * y - T(1)) * z;
    return gap > T(0) ? gap : T(0);
  }
  template <class T> KOKKOS_INLINE_FUNCTION static T derivative(T z, T y) {
    T const s = T(2) * y - T(1);
    return T(1) - s * z > T(0) ? -s : T(0);
  }
};

/// Linear SVM, squared hinge, y in {0, 1} read as s = 2y - 1: loss = max(0, 1 - s z)^2,
/// dloss/dz = -2 s max(0, 1 - s z) (differentiable everywhere).
struct SquaredHingeLossFn {
  template <class T> KOKKOS_INLINE_FUNCTION static T value(T z, T y) {
    T const gap = T(1) - (T(2) * y - T(1)) * z;
    return gap > T(0) ? gap * gap : T(0);
  }
  template <class T> KOKKOS_INLINE_FUNCTION static T derivative(T z, T y) {
    T const s = T(2) * y - T(1);
    T const gap = T(1) - s * z;
    return T(-2) * s * (gap > T(0) ? gap : T(0));
  }
};

/// Least squares, real y: loss = (z - y)^2 / 2, dloss/dz = z - y.
struct SquaredLossFn {
  template <class T> KOKKOS_INLINE_FUNCTION static T value(T z, T y) {
    return T(0.5) * (z - y) * (z - y);
  }
  template <class T> KOKKOS_INLINE_FUNCTION static T derivative(T z, T y) { return z - y; }
};

/// The default per-sample coefficient hook: adds nothing. A hook is called as
/// hook(i, row, z) -> T and its value is added to dloss_i/dz_i before clipping (how a
/// Lagrangian adds lambda . d proxy_i / d z_i per record without another pass).
struct NoCoefHook {
  template <class T>
  KOKKOS_INLINE_FUNCTION T operator()(std::int64_t /*i*/, std::int64_t /*row*/, T /*z*/) const {
    return T(0);
  }
};

/// row_norm(r) = ||[x(r, :), 1]||_2 = sqrt(||x_r||^2 + 1) for every row r of x [n][d]: the
/// norm of the bias-augmented input, computed once per data set. Async on `space`.
template <class Space, class XView, class NormView>
void glmRowNorms(Space const& space, XView const& x, NormView const& row_norm) {
  using T = typename NormView::non_const_value_type;
  int const d = static_cast<int>(x.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::glmRowNorms",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(
          space, 0, static_cast<std::int64_t>(x.extent(0))),
      KOKKOS_LAMBDA(std::int64_t r) {
        row_norm(r) = compat::sqrt(T(1) + detail::sumSquaresContiguous(&x(r, 0), d));
      });
}

namespace detail {

/// One team = a contiguous chunk of the batch, accumulated in team scratch then added to
/// `out` atomically (one flush per team).
template <class Loss, class Space, class XView, class YView, class IdxView, class ThetaView,
          class NormView, class OutView, class LossView, class SampleNormView, class Hook>
struct GlmClippedGradient {
  using T = typename XView::non_const_value_type;
  using member_type = typename Kokkos::TeamPolicy<Space>::member_type;
  using Scratch = Kokkos::View<T*, typename Space::scratch_memory_space, Kokkos::MemoryUnmanaged>;

  XView x;
  YView y;
  IdxView idx;
  ThetaView theta;
  NormView row_norm;
  OutView out;
  LossView loss_sum;
  SampleNormView sample_norm;
  Hook hook;
  std::int64_t m, per_team, offset;
  T clip;
  int d, level;

  /// Per-sample scalars of sample i with margin z: loss (0 unless a loss sum is asked for),
  /// gradient norm, clipped weight.
  KOKKOS_INLINE_FUNCTION T weight(std::int64_t i, std::int64_t r, T z, T& loss, T& norm) const {
    T const label = static_cast<T>(y(r));
    loss = loss_sum.extent(0) > 0 ? Loss::value(z, label) : T(0);
    T const dz = Loss::derivative(z, label) + hook(i, r, z);
    norm = compat::fabs(dz) * static_cast<T>(row_norm(r));
    return dz * clipScale(norm, clip);
  }

  KOKKOS_INLINE_FUNCTION void operator()(member_type const& team) const {
    std::int64_t const begin = team.league_rank() * per_team;
    std::int64_t const end = begin + per_team < m ? begin + per_team : m;
    Scratch acc(team.team_scratch(level), d + 1);
    double loss_acc = 0.0;
    if constexpr (kIsHostSpace<Space>) {
      T* a = acc.data();
      T const* th = theta.data();
      for (int j = 0; j <= d; ++j)
        a[j] = T(0);
      for (std::int64_t i = begin; i < end; ++i) {
        std::int64_t const r = idx(i);
        T const* xr = &x(r, 0);
        if (i + kPrefetchRows < end)
          prefetchBytes(&x(idx(i + kPrefetchRows), 0), d * static_cast<int>(sizeof(T)));
        T loss, norm;
        T const w = weight(i, r, dotContiguous(xr, th, d) + th[d], loss, norm);
        if (sample_norm.extent(0) > 0)
          sample_norm(i) = norm;
        loss_acc += static_cast<double>(loss);
        axpyContiguous(w, xr, a, d);
        a[d] += w;
      }
    } else {
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, d + 1), [&](int j) { acc(j) = T(0); });
      team.team_barrier();
      for (std::int64_t i = begin; i < end; ++i) {
        std::int64_t const r = idx(i);
        T z = T(0);
        Kokkos::parallel_reduce(
            Kokkos::TeamThreadRange(team, d), [&](int j, T& s) { s += theta(j) * x(r, j); }, z);
        T loss, norm;
        T const w = weight(i, r, z + theta(d), loss, norm); // same value on every thread
        if (sample_norm.extent(0) > 0)
          Kokkos::single(Kokkos::PerTeam(team), [&]() { sample_norm(i) = norm; });
        loss_acc += static_cast<double>(loss);
        Kokkos::parallel_for(Kokkos::TeamThreadRange(team, d + 1),
                             [&](int j) { acc(j) += j < d ? w * x(r, j) : w; });
      }
      team.team_barrier();
    }
    using O = typename OutView::non_const_value_type;
    Kokkos::parallel_for(Kokkos::TeamThreadRange(team, d + 1), [&](int j) {
      Kokkos::atomic_add(&out(offset + j), static_cast<O>(acc(j)));
    });
    if (loss_sum.extent(0) > 0)
      Kokkos::single(Kokkos::PerTeam(team), [&]() {
        Kokkos::atomic_add(&loss_sum(0),
                           static_cast<typename LossView::non_const_value_type>(loss_acc));
      });
  }
};

} // namespace detail

/// The fused DP-SGD pass of a GLM with loss `Loss` over the batch rows idx[0, m) of x [n][d]:
///   z_i = theta[0, d) . x_r + theta[d]          (r = idx(i))
///   g_i = dloss(z_i, y(r)) / dz + hook(i, r, z_i)
///   n_i = |g_i| row_norm(r)                     (norm of the per-sample gradient g_i [x_r, 1])
///   w_i = g_i min(1, clip / n_i)                (clip = +inf: no clipping)
///   out[offset + j] += sum_i w_i x_r[j] (j < d), out[offset + d] += sum_i w_i
///   loss_sum(0) += sum_i loss_i (if loss_sum.extent(0) > 0);
///   sample_norm(i) = n_i (if sample_norm.extent(0) >= m).
/// x LayoutRight, theta contiguous [d + 1], all of value type T; row_norm from glmRowNorms;
/// out and loss_sum may be of a wider type (double). Sums are accumulated in T per chunk of
/// samples, then atomically: the order of the chunk sums is not fixed on parallel spaces.
/// Async on `space`; local (no communication).
template <class Loss, class Space, class XView, class YView, class IdxView, class ThetaView,
          class NormView, class OutView, class LossView, class SampleNormView,
          class Hook = NoCoefHook>
void glmClippedGradient(Space const& space, XView const& x, YView const& y, IdxView const& idx,
                        std::int64_t m, ThetaView const& theta, NormView const& row_norm,
                        typename XView::non_const_value_type clip, OutView const& out,
                        std::int64_t offset, LossView const& loss_sum,
                        SampleNormView const& sample_norm, Hook const& hook = Hook{}) {
  using T = typename XView::non_const_value_type;
  static_assert(std::is_same_v<typename XView::array_layout, Kokkos::LayoutRight>,
                "saddle::kernels::glmClippedGradient: x must be LayoutRight (contiguous rows)");
  static_assert(Kokkos::SpaceAccessibility<Space, typename XView::memory_space>::accessible,
                "saddle::kernels::glmClippedGradient: x must be accessible from the space");
  if (m <= 0)
    return;
  int const d = static_cast<int>(x.extent(1));
  std::size_t const bytes = static_cast<std::size_t>(d + 1) * sizeof(T);
  std::int64_t const per = detail::samplesPerTeam(space, m);
  detail::GlmClippedGradient<Loss, Space, XView, YView, IdxView, ThetaView, NormView, OutView,
                             LossView, SampleNormView, Hook>
      f{x,   y,        idx,         theta, row_norm,
        out, loss_sum, sample_norm, hook,  m,
        per, offset,   clip,        d,     detail::scratchLevel(bytes)};
  Kokkos::parallel_for("saddle::kernels::glmClippedGradient",
                       detail::modelTeamPolicy(space, (m + per - 1) / per, bytes), f);
}

/// z(i) = theta[0, d) . x(idx(i), :) + theta[d] for i in [0, m) (evaluation, predictions).
/// Async on `space`.
template <class Space, class XView, class IdxView, class ThetaView, class ZView>
void glmMarginsOf(Space const& space, XView const& x, IdxView const& idx, std::int64_t m,
                  ThetaView const& theta, ZView const& z) {
  int const d = static_cast<int>(x.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::glmMarginsOf",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        z(i) = detail::dotContiguous(&x(idx(i), 0), theta.data(), d) + theta(d);
      });
}

} // namespace saddle::kernels
