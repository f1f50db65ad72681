#pragma once
/// Primal player: stochastic gradient descent,  theta <- theta - lr * g.
#include "kernels/types.hpp"

#include <cstdint>

namespace saddle {

class Sgd {
public:
  explicit Sgd(double lr) : _lr(lr) {}
  /// theta <- theta - lr * scale * grad[offset, offset + n): `scale` turns the aggregated sum
  /// into the gradient estimate (1 / expected batch size). Async on `space`.
  void step(ExecSpace const& space, Vector<double> const& theta, Vector<double> const& grad,
            std::int64_t offset, double scale) const;
  double lr() const { return _lr; }

private:
  double _lr;
};

} // namespace saddle
