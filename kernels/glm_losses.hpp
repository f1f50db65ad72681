#pragma once
/// Kernels of the least-squares classifier of the trainer's GLM (issue 6): it regresses the
/// target t_i = 2 y_i - 1 in {-1, +1} on [x_i, 1] with loss_i = (z_i - t_i)^2 / 2 and predicts
/// yhat = 1[z > 0], so every threshold on the margin z keeps its meaning. Its per-sample
/// gradient (z_i - t_i) [x_i, 1] is rank one, like the logistic one. Also the partial normal
/// equations of a split's rows (the ridge reference of linalg/ridge.hpp).
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include <cstdint>

namespace saddle::kernels {

/// The least-squares target of a label y in {0, 1}: t = 2 y - 1.
KOKKOS_INLINE_FUNCTION double leastSquaresTarget(double y) {
  return 2.0 * y - 1.0;
}

/// Least-squares classifier loss (z - t)^2 / 2 at margin z, label y in {0, 1}.
KOKKOS_INLINE_FUNCTION double leastSquaresClassifierLoss(double z, double y) {
  double const r = z - leastSquaresTarget(y);
  return 0.5 * r * r;
}

/// dz(i) = d loss_i / d z_i = z(i) - (2 y(idx(i)) - 1) for i in [0, m). Async on `space`.
template <class Space, class YView, class IndexView, class ZView, class DzView>
void leastSquaresLossDerivative(Space const& space, YView const& y, IndexView const& idx,
                                std::int64_t m, ZView const& z, DzView const& dz) {
  Kokkos::parallel_for(
      "saddle::kernels::leastSquaresLossDerivative",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) { dz(i) = z(i) - leastSquaresTarget(y(idx(i))); });
}

/// Partial normal equations of the least-squares classifier over all rows of x [n][d], with
/// u_i = [x_i, 1] and t_i = 2 y_i - 1, packed into out [p * p + p + 1] (p = d + 1):
///   out[j p + k] = sum_i u_ij u_ik   (A, both triangles written),
///   out[p p + j] = sum_i u_ij t_i    (b),
///   out[p p + p] = sum_i t_i^2       (c).
/// One thread per entry of the upper triangle of A, of b and of c; each sums over the rows in
/// row order, so the result does not depend on the backend or the thread count. O(n p^2 / 2)
/// work. Async on `space`.
template <class Space, class XView, class YView, class OutView>
void leastSquaresNormalEquations(Space const& space, XView const& x, YView const& y,
                                 OutView const& out) {
  std::int64_t const n = static_cast<std::int64_t>(x.extent(0));
  int const d = static_cast<int>(x.extent(1));
  int const p = d + 1;
  int const n_upper = p * (p + 1) / 2;
  Kokkos::parallel_for(
      "saddle::kernels::leastSquaresNormalEquations",
      Kokkos::RangePolicy<Space>(space, 0, n_upper + p + 1), KOKKOS_LAMBDA(int e) {
        double acc = 0.0;
        if (e < n_upper) { // entry (j, k), j <= k, of A: row j holds p - j entries
          int j = 0, first = 0;
          while (e >= first + (p - j)) {
            first += p - j;
            ++j;
          }
          int const k = j + (e - first);
          for (std::int64_t i = 0; i < n; ++i)
            acc += (j < d ? x(i, j) : 1.0) * (k < d ? x(i, k) : 1.0);
          out(j * p + k) = acc;
          out(k * p + j) = acc;
        } else if (e < n_upper + p) { // b_j
          int const j = e - n_upper;
          for (std::int64_t i = 0; i < n; ++i)
            acc += (j < d ? x(i, j) : 1.0) * leastSquaresTarget(y(i));
          out(p * p + j) = acc;
        } else { // c
          for (std::int64_t i = 0; i < n; ++i) {
            double const t = leastSquaresTarget(y(i));
            acc += t * t;
          }
          out(p * p + p) = acc;
        }
      });
}

/// Ridge-regularized gradient step of a GLM's parameters theta [n] (the last entry the bias):
///   theta(j) <- theta(j) - lr (scale grad(offset + j) + l2 theta(j))   for j < n - 1,
///   theta(n - 1) <- theta(n - 1) - lr scale grad(offset + n - 1)       (bias not penalized).
/// Async on `space`.
template <class Space, class ThetaView, class GradView>
void glmRidgeDescend(Space const& space, ThetaView const& theta, GradView const& grad,
                     std::int64_t offset, double lr, double scale, double l2) {
  std::int64_t const n = static_cast<std::int64_t>(theta.extent(0));
  Kokkos::parallel_for(
      "saddle::kernels::glmRidgeDescend",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t j) {
        double const decay = j + 1 < n ? l2 * theta(j) : 0.0;
        theta(j) -= lr * (scale * grad(offset + j) + decay);
      });
}

} // namespace saddle::kernels
