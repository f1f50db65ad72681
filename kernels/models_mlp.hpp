#pragma once
/// Per-sample pieces of a multilayer perceptron of dense layers z = a W + b, a' = f(z), with a
/// softmax cross-entropy output, templated on the scalar type T. Activations and deltas are
/// [m][width] LayoutRight; weights W [in][out]. For one sample, a dense layer's gradient is
/// a_i delta_i^T (weights) and delta_i (bias), so its squared norm is
/// (||a_i||^2 + 1) ||delta_i||^2: the "ghost norm", exact, and no per-sample gradient is formed.
/// The clipped sum over the batch is then sum_i c_i a_i delta_i^T = A^T diag(c) Delta: one
/// gemm with per-k weights (models_gemm.hpp) per layer.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include "models_common.hpp"
#include <cstdint>

namespace saddle::kernels {

/// Hidden-layer activations. f'(z) is computed from a = f(z) alone: ReLU 1[a > 0] (so
/// f'(0) = 0), tanh 1 - a^2.
enum class Activation : int { Identity = 0, Relu = 1, Tanh = 2 };

/// f(z) for the activation.
template <class T> KOKKOS_INLINE_FUNCTION T activate(Activation f, T z) {
  switch (f) {
  case Activation::Relu:
    return z > T(0) ? z : T(0);
  case Activation::Tanh: {
    T const e = compat::exp(T(-2) * compat::fabs(z)); // tanh(|z|) = (1 - e) / (1 + e)
    T const t = (T(1) - e) / (T(1) + e);
    return z < T(0) ? -t : t;
  }
  default:
    return z;
  }
}

/// f'(z) from a = f(z).
template <class T> KOKKOS_INLINE_FUNCTION T activationSlope(Activation f, T a) {
  switch (f) {
  case Activation::Relu:
    return a > T(0) ? T(1) : T(0);
  case Activation::Tanh:
    return T(1) - a * a;
  default:
    return T(1);
  }
}

/// a(i, j) = x(idx(i), j) for i < m: the batch rows as the first layer's input. Async.
template <class Space, class XView, class IdxView, class AView>
void gatherRows(Space const& space, XView const& x, IdxView const& idx, std::int64_t m,
                AView const& a) {
  int const d = static_cast<int>(x.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::gatherRows", Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(m)),
      KOKKOS_LAMBDA(int i) {
        auto const r = idx(i);
        for (int j = 0; j < d; ++j)
          a(i, j) = x(r, j);
      });
}

/// z(i, j) <- f(z(i, j) + b(j)) for i < m, in place. Async.
template <class Space, class ZView, class BView>
void biasActivation(Space const& space, ZView const& z, BView const& b, std::int64_t m,
                    Activation f) {
  int const w = static_cast<int>(z.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::biasActivation", Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(m)),
      KOKKOS_LAMBDA(int i) {
        for (int j = 0; j < w; ++j)
          z(i, j) = activate(f, z(i, j) + b(j));
      });
}

/// From logits z [m][K] (in place) and labels y(idx(i)) in [0, K): z(i, :) <- p_i - e_{y_i}
/// (the output delta of softmax cross-entropy), loss_sum(0) += sum_i -log p_i[y_i] (if
/// loss_sum.extent(0) > 0). Async.
template <class Space, class ZView, class YView, class IdxView, class LossView>
void softmaxCrossEntropyDelta(Space const& space, ZView const& z, YView const& y,
                              IdxView const& idx, std::int64_t m, LossView const& loss_sum) {
  using T = typename ZView::non_const_value_type;
  using L = typename LossView::non_const_value_type;
  int const k_classes = static_cast<int>(z.extent(1));
  bool const want_loss = loss_sum.extent(0) > 0;
  Kokkos::parallel_for(
      "saddle::kernels::softmaxCrossEntropyDelta",
      Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(m)), KOKKOS_LAMBDA(int i) {
        int const label = static_cast<int>(y(idx(i)));
        T mx = z(i, 0);
        for (int k = 1; k < k_classes; ++k)
          mx = z(i, k) > mx ? z(i, k) : mx;
        T s = T(0); // shifted by the largest logit; infinite logits through shiftedExpOf
        for (int k = 0; k < k_classes; ++k)
          s += shiftedExpOf(z(i, k), mx);
        if (want_loss)
          Kokkos::atomic_add(&loss_sum(0), static_cast<L>(softmaxLossOf(s, mx, z(i, label))));
        for (int k = 0; k < k_classes; ++k)
          z(i, k) = shiftedExpOf(z(i, k), mx) / s - (k == label ? T(1) : T(0));
      });
}

/// delta(i, j) *= f'(a(i, j)) for i < m, with a = f(z) the layer's stored output. Async.
template <class Space, class DView, class AView>
void activationBackward(Space const& space, DView const& delta, AView const& a, std::int64_t m,
                        Activation f) {
  int const w = static_cast<int>(delta.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::activationBackward",
      Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(m)), KOKKOS_LAMBDA(int i) {
        for (int j = 0; j < w; ++j)
          delta(i, j) *= activationSlope(f, a(i, j));
      });
}

/// sq(i) += (||a(i, :)||^2 + 1) ||delta(i, :)||^2 for i < m: the squared norm of sample i's
/// gradient of one dense layer (weights a_i delta_i^T, bias delta_i). Async.
template <class Space, class AView, class DView, class SqView>
void ghostNormAccumulate(Space const& space, AView const& a, DView const& delta, std::int64_t m,
                         SqView const& sq) {
  using T = typename AView::non_const_value_type;
  int const wa = static_cast<int>(a.extent(1)), wd = static_cast<int>(delta.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::ghostNormAccumulate",
      Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(m)), KOKKOS_LAMBDA(int i) {
        T const aa = detail::sumSquaresContiguous(&a(i, 0), wa);
        T const dd = detail::sumSquaresContiguous(&delta(i, 0), wd);
        sq(i) += (aa + T(1)) * dd;
      });
}

/// c(i) = min(1, clip / sqrt(sq(i))) for i < m (exactly 1 when the norm is <= clip), and
/// norm(i) = sqrt(sq(i)) if norm.extent(0) >= m. Async.
template <class Space, class SqView, class CView, class NormView>
void clipFactorsFromSquares(Space const& space, SqView const& sq, std::int64_t m,
                            typename CView::non_const_value_type clip, CView const& c,
                            NormView const& norm) {
  using T = typename CView::non_const_value_type;
  Kokkos::parallel_for(
      "saddle::kernels::clipFactorsFromSquares",
      Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(m)), KOKKOS_LAMBDA(int i) {
        T const n = compat::sqrt(static_cast<T>(sq(i)));
        c(i) = clipScale(n, clip);
        if (norm.extent(0) > 0)
          norm(i) = n;
      });
}

/// out(offset + j) += sum_{i < m} c(i) delta(i, j) (c empty: weight 1; accumulate = false:
/// "=" instead of "+="): the bias part of a dense layer's clipped gradient sum. One thread per
/// column, i in order (deterministic). Async.
template <class Space, class DView, class CView, class OutView>
void weightedColumnSum(Space const& space, DView const& delta, CView const& c, std::int64_t m,
                       OutView const& out, std::int64_t offset, bool accumulate = true) {
  using T = typename DView::non_const_value_type;
  using O = typename OutView::non_const_value_type;
  int const w = static_cast<int>(delta.extent(1));
  bool const weighted = c.extent(0) > 0;
  Kokkos::parallel_for(
      "saddle::kernels::weightedColumnSum", Kokkos::RangePolicy<Space>(space, 0, w),
      KOKKOS_LAMBDA(int j) {
        T acc = T(0);
        for (std::int64_t i = 0; i < m; ++i)
          acc += (weighted ? static_cast<T>(c(i)) : T(1)) * delta(i, j);
        out(offset + j) = (accumulate ? out(offset + j) : O(0)) + static_cast<O>(acc);
      });
}

} // namespace saddle::kernels
