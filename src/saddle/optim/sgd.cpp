#include "saddle/optim/sgd.hpp"

#include "kernels/dense.hpp"

namespace saddle {

void Sgd::step(ExecSpace const& space, Vector<double> const& theta, Vector<double> const& grad,
               std::int64_t offset, double scale) const {
  // theta <- theta - lr * (1 / B) * sum_i g_i
  kernels::axpy(space, -_lr * scale, grad, theta, static_cast<std::int64_t>(theta.extent(0)),
                offset);
}

} // namespace saddle
