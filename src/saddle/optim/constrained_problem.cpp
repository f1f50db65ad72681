#include "saddle/optim/constrained_problem.hpp"

#include "saddle/core/error.hpp"

#include <algorithm>

namespace saddle::optim {

std::vector<bool> ConstrainedProblem::isInequality() const {
  std::vector<bool> mask(static_cast<std::size_t>(numConstraints()), false);
  std::fill(mask.begin(), mask.begin() + n_ineq, true);
  return mask;
}

void ConstrainedProblem::validate() const {
  SADDLE_REQUIRE(n_vars > 0 && n_ineq >= 0 && n_eq >= 0,
                 "saddle::ConstrainedProblem: sizes must be n_vars > 0, n_ineq, n_eq >= 0");
  SADDLE_REQUIRE(n_ineq == 0 || (inequality && inequality_jacobian),
                 "saddle::ConstrainedProblem: inequalities need a function and a Jacobian");
  SADDLE_REQUIRE(n_eq == 0 || (equality && equality_jacobian),
                 "saddle::ConstrainedProblem: equalities need a function and a Jacobian");
  SADDLE_REQUIRE(lower.empty() || static_cast<std::int64_t>(lower.size()) == n_vars,
                 "saddle::ConstrainedProblem: lower bounds need n_vars entries");
  SADDLE_REQUIRE(upper.empty() || static_cast<std::int64_t>(upper.size()) == n_vars,
                 "saddle::ConstrainedProblem: upper bounds need n_vars entries");
}

double ConstrainedProblem::evalObjective(Vec const& x, Vec& grad) const {
  grad.assign(static_cast<std::size_t>(n_vars), 0.0);
  return objective ? objective(x, grad) : 0.0;
}

void ConstrainedProblem::evalConstraints(Vec const& x, Vec& c) const {
  c.assign(static_cast<std::size_t>(numConstraints()), 0.0);
  Vec part;
  if (n_ineq > 0) {
    part.assign(static_cast<std::size_t>(n_ineq), 0.0);
    inequality(x, part);
    std::copy(part.begin(), part.end(), c.begin());
  }
  if (n_eq > 0) {
    part.assign(static_cast<std::size_t>(n_eq), 0.0);
    equality(x, part);
    std::copy(part.begin(), part.end(), c.begin() + n_ineq);
  }
}

void ConstrainedProblem::evalJacobian(Vec const& x, Vec& jac) const {
  jac.assign(static_cast<std::size_t>(numConstraints() * n_vars), 0.0);
  Vec part;
  if (n_ineq > 0) {
    part.assign(static_cast<std::size_t>(n_ineq * n_vars), 0.0);
    inequality_jacobian(x, part);
    std::copy(part.begin(), part.end(), jac.begin());
  }
  if (n_eq > 0) {
    part.assign(static_cast<std::size_t>(n_eq * n_vars), 0.0);
    equality_jacobian(x, part);
    std::copy(part.begin(), part.end(), jac.begin() + n_ineq * n_vars);
  }
}

void ConstrainedProblem::project(Vec& x) const {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!lower.empty())
      x[i] = std::max(x[i], lower[i]);
    if (!upper.empty())
      x[i] = std::min(x[i], upper[i]);
  }
}

ConstrainedProblem resilientRelaxation(ConstrainedProblem const& p, double alpha) {
  using Vec = ConstrainedProblem::Vec;
  SADDLE_REQUIRE(alpha > 0, "saddle::resilientRelaxation: alpha must be > 0");
  p.validate();
  ConstrainedProblem r = p;
  auto const n = p.n_vars, m = p.n_ineq;
  r.n_vars = n + m;
  // split [x; s] into x
  auto const head = [n](Vec const& xs) { return Vec(xs.begin(), xs.begin() + n); };
  r.objective = [p, n, m, alpha, head](Vec const& xs, Vec& grad) {
    Vec gx(static_cast<std::size_t>(n), 0.0);
    double f = p.objective ? p.objective(head(xs), gx) : 0.0;
    std::copy(gx.begin(), gx.end(), grad.begin());
    for (std::int64_t i = 0; i < m; ++i) {
      double const s = xs[n + i];
      f += 0.5 * alpha * s * s;
      grad[n + i] = alpha * s;
    }
    return f;
  };
  // g(x) - s <= 0 ; Jacobian [Jg | -I]
  r.inequality = [p, n, m, head](Vec const& xs, Vec& g) {
    p.inequality(head(xs), g);
    for (std::int64_t i = 0; i < m; ++i)
      g[i] -= xs[n + i];
  };
  r.inequality_jacobian = [p, n, m, head](Vec const& xs, Vec& jac) {
    Vec jx(static_cast<std::size_t>(m * n), 0.0);
    p.inequality_jacobian(head(xs), jx);
    for (std::int64_t i = 0; i < m; ++i) {
      std::copy(jx.begin() + i * n, jx.begin() + (i + 1) * n, jac.begin() + i * (n + m));
      jac[i * (n + m) + n + i] = -1.0;
    }
  };
  if (p.n_eq > 0) {
    r.equality = [p, head](Vec const& xs, Vec& h) { p.equality(head(xs), h); };
    r.equality_jacobian = [p, n, m](Vec const& xs, Vec& jac) {
      Vec jx(static_cast<std::size_t>(p.n_eq * n), 0.0);
      p.equality_jacobian(Vec(xs.begin(), xs.begin() + n), jx);
      for (std::int64_t i = 0; i < p.n_eq; ++i)
        std::copy(jx.begin() + i * n, jx.begin() + (i + 1) * n, jac.begin() + i * (n + m));
    };
  }
  if (!p.lower.empty()) {
    r.lower.resize(static_cast<std::size_t>(n + m), -1e300);
  }
  if (!p.upper.empty()) {
    r.upper.resize(static_cast<std::size_t>(n + m), 1e300);
  }
  return r;
}

} // namespace saddle::optim
