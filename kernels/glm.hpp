#pragma once
/// Generalized linear model kernels on a batch of rows idx[0, m) of X [n][d] with parameters
/// theta [d + 1] (the last entry is the bias). Everything a GLM needs per sample is a scalar
/// (the margin and dloss/dmargin), and its per-sample gradient is that scalar times [x_i, 1]:
/// rank one, so its norm is |scalar| * ||[x_i, 1]|| and no per-sample gradient is formed.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include "glm_losses.hpp"
#include "models_common.hpp"
#include <cstdint>

namespace saddle::kernels {

/// z(i) = theta . [x(idx(i), :), 1] for i in [0, m). Async on `space`.
template <class Space, class XView, class IndexView, class ThetaView, class ZView>
void glmMargins(Space const& space, XView const& x, IndexView const& idx, std::int64_t m,
                ThetaView const& theta, ZView const& z) {
  int const d = static_cast<int>(x.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::glmMargins",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const r = idx(i);
        double acc = theta(d);
        for (int j = 0; j < d; ++j)
          acc += theta(j) * x(r, j);
        z(i) = acc;
      });
}

/// Logistic sigmoid, overflow-safe for every z (sigmoidOf: exact limits at +-inf).
KOKKOS_INLINE_FUNCTION double sigmoid(double z) {
  return sigmoidOf(z);
}

/// Binary cross-entropy of margin z against label y in {0, 1}: log(1 + e^z) - y z, evaluated
/// by logisticLossOf: finite for finite z, 0 or +inf (never NaN) for z = +-inf.
KOKKOS_INLINE_FUNCTION double logisticLoss(double z, double y) {
  return logisticLossOf(z, y);
}

/// dz(i) = d loss_i / d z_i = sigmoid(z(i)) - y(idx(i)) for the logistic loss. Async.
template <class Space, class YView, class IndexView, class ZView, class DzView>
void logisticLossDerivative(Space const& space, YView const& y, IndexView const& idx,
                            std::int64_t m, ZView const& z, DzView const& dz) {
  Kokkos::parallel_for(
      "saddle::kernels::logisticLossDerivative",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) { dz(i) = sigmoid(z(i)) - y(idx(i)); });
}

/// out(j) += sum_i w(i) x(idx(i), j) for j < d, and out(d) += sum_i w_bias(i): the gradient
/// sum_i [w_i x_i, w_bias_i] of a GLM whose per-sample gradients are coef_i [x_i, 1], after
/// flat clipping (w_bias = w) or per-layer clipping (weights and bias clipped separately).
/// One thread per output column; the sum over i runs in batch order, so the result is
/// deterministic. out: [>= offset + d + 1], written at [offset, offset + d]. Async.
template <class Space, class XView, class IndexView, class WView, class WBiasView, class OutView>
void glmWeightedRowSum(Space const& space, XView const& x, IndexView const& idx, std::int64_t m,
                       WView const& w, WBiasView const& w_bias, OutView const& out,
                       std::int64_t offset = 0) {
  int const d = static_cast<int>(x.extent(1));
  Kokkos::parallel_for(
      "saddle::kernels::glmWeightedRowSum", Kokkos::RangePolicy<Space>(space, 0, d + 1),
      KOKKOS_LAMBDA(int j) {
        double acc = 0.0;
        if (j < d) {
          for (std::int64_t i = 0; i < m; ++i)
            acc += w(i) * x(idx(i), j);
        } else {
          for (std::int64_t i = 0; i < m; ++i)
            acc += w_bias(i);
        }
        out(offset + j) += acc;
      });
}

/// Sum over i in [0, m) of the loss (logistic, or the least-squares classifier's of
/// glm_losses.hpp when `least_squares`) and of correct predictions (z > 0 <=> y = 1). Fences
/// `space` (host reads the sums).
template <class Space, class YView, class IndexView, class ZView>
void glmLossAndCorrect(Space const& space, bool least_squares, YView const& y, IndexView const& idx,
                       std::int64_t m, ZView const& z, double& loss_sum, std::int64_t& n_correct) {
  loss_sum = 0.0;
  n_correct = 0;
  Kokkos::parallel_reduce(
      "saddle::kernels::glmLoss",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i, double& acc) {
        acc += least_squares ? leastSquaresClassifierLoss(z(i), y(idx(i)))
                             : logisticLoss(z(i), y(idx(i)));
      },
      loss_sum);
  Kokkos::parallel_reduce(
      "saddle::kernels::glmCorrect",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i, std::int64_t & acc) {
        acc += ((z(i) > 0.0) == (y(idx(i)) > 0.5)) ? 1 : 0;
      },
      n_correct);
  compat::fence(space, "saddle::kernels::glmLossAndCorrect");
}

} // namespace saddle::kernels
