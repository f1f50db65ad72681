#include "saddle/optim/sgd.hpp"

#include "kernels/dense.hpp"
#include "kernels/glm_losses.hpp"

namespace saddle {

void Sgd::step(ExecSpace const& space, Vector<double> const& theta, Vector<double> const& grad,
               std::int64_t offset, double scale) const {
  if (_l2 == 0.0) {
    // theta <- theta - lr * (1 / B) * sum_i g_i
    kernels::axpy(space, -_lr * scale, grad, theta, static_cast<std::int64_t>(theta.extent(0)),
                  offset);
    return;
  }
  // theta_w <- theta_w - lr ((1 / B) sum_i g_w,i + l2 theta_w) ;  theta_b <- theta_b - lr g_b / B
  kernels::glmRidgeDescend(space, theta, grad, offset, _lr, scale, _l2);
}

} // namespace saddle
