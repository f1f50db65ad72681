#pragma once
/// Primal player: stochastic gradient descent, theta <- theta - lr * g, with an optional ridge
/// penalty (l2 / 2) ||w||^2 on the weights (deck key optim.l2; the bias is not penalized).
#include "kernels/types.hpp"

#include <cstdint>

namespace saddle {

class Sgd {
public:
  /// `lr` > 0 step size; `l2` >= 0 ridge coefficient (0: plain SGD).
  explicit Sgd(double lr, double l2 = 0.0) : _lr(lr), _l2(l2) {}
  /// theta <- theta - lr * scale * grad[offset, offset + n) with n = theta's extent: `scale`
  /// turns the aggregated sum into the gradient estimate (1 / expected batch size). With
  /// l2 > 0 the weights theta[0, n - 1) also decay: theta_w <- theta_w - lr (scale g_w +
  /// l2 theta_w), the gradient of the ridge term; theta[n - 1] (the GLM's bias) does not. With
  /// l2 = 0 the update is the plain one, bitwise. Async on `space`.
  void step(ExecSpace const& space, Vector<double> const& theta, Vector<double> const& grad,
            std::int64_t offset, double scale) const;
  double lr() const { return _lr; }
  double l2() const { return _l2; }

private:
  double _lr;
  double _l2;
};

} // namespace saddle
