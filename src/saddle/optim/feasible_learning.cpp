#include "saddle/optim/feasible_learning.hpp"

#include "saddle/core/error.hpp"

#include <cmath>
#include <memory>

namespace saddle::optim {

namespace {

using Vec = std::vector<double>;

void checkRows(LabelledRows const& r) {
  SADDLE_REQUIRE(r.n > 0 && r.d > 0 && static_cast<std::int64_t>(r.x.size()) == r.n * r.d &&
                     static_cast<std::int64_t>(r.y.size()) == r.n,
                 "saddle::LabelledRows: x must be [n][d] and y [n]");
  for (double yi : r.y)
    SADDLE_REQUIRE(yi == 1.0 || yi == -1.0, "saddle::LabelledRows: labels must be -1 or +1");
}

/// z_i = y_i (w . x_i + b) for theta = [w; b].
double margin(LabelledRows const& r, Vec const& theta, std::int64_t i) {
  double z = theta[r.d];
  for (std::int64_t k = 0; k < r.d; ++k)
    z += theta[k] * r.x[i * r.d + k];
  return r.y[i] * z;
}

} // namespace

double logisticLoss(double z) {
  // log(1 + e^{-z}) = max(-z, 0) + log1p(e^{-|z|})
  return std::max(-z, 0.0) + std::log1p(std::exp(-std::fabs(z)));
}

ConstrainedProblem perSampleLossProblem(LabelledRows rows, double eps) {
  checkRows(rows);
  SADDLE_REQUIRE(eps > 0, "saddle::perSampleLossProblem: eps must be > 0");
  auto const data = std::make_shared<LabelledRows const>(std::move(rows));
  ConstrainedProblem p;
  p.n_vars = data->d + 1;
  p.n_ineq = data->n;
  // g_i = log(1 + exp(-z_i)) - eps
  p.inequality = [data, eps](Vec const& theta, Vec& g) {
    for (std::int64_t i = 0; i < data->n; ++i)
      g[i] = logisticLoss(margin(*data, theta, i)) - eps;
  };
  // dg_i/dtheta = -y_i sigma(-z_i) [x_i; 1],  sigma(-z) = 1 / (1 + e^z)
  p.inequality_jacobian = [data](Vec const& theta, Vec& jac) {
    auto const d = data->d;
    for (std::int64_t i = 0; i < data->n; ++i) {
      double const z = margin(*data, theta, i);
      double const s = z >= 0 ? std::exp(-z) / (1.0 + std::exp(-z)) : 1.0 / (1.0 + std::exp(z));
      double const coef = -data->y[i] * s;
      for (std::int64_t k = 0; k < d; ++k)
        jac[i * (d + 1) + k] = coef * data->x[i * d + k];
      jac[i * (d + 1) + d] = coef;
    }
  };
  return p;
}

ConstrainedProblem hardMarginSvmProblem(LabelledRows rows) {
  checkRows(rows);
  auto const data = std::make_shared<LabelledRows const>(std::move(rows));
  ConstrainedProblem p;
  p.n_vars = data->d + 1;
  p.n_ineq = data->n;
  // f = (1/2)||w||^2 (the bias is not penalized)
  p.objective = [data](Vec const& theta, Vec& grad) {
    double f = 0.0;
    for (std::int64_t k = 0; k < data->d; ++k) {
      f += 0.5 * theta[k] * theta[k];
      grad[k] = theta[k];
    }
    grad[data->d] = 0.0;
    return f;
  };
  // g_i = 1 - y_i (w . x_i + b)
  p.inequality = [data](Vec const& theta, Vec& g) {
    for (std::int64_t i = 0; i < data->n; ++i)
      g[i] = 1.0 - margin(*data, theta, i);
  };
  p.inequality_jacobian = [data](Vec const&, Vec& jac) {
    auto const d = data->d;
    for (std::int64_t i = 0; i < data->n; ++i) {
      for (std::int64_t k = 0; k < d; ++k)
        jac[i * (d + 1) + k] = -data->y[i] * data->x[i * d + k];
      jac[i * (d + 1) + d] = -data->y[i];
    }
  };
  return p;
}

} // namespace saddle::optim
