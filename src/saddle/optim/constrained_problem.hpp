#pragma once
/// A small smooth constrained problem given as host callbacks:
///   min_x f(x)  s.t.  g(x) <= 0 (n_ineq),  h(x) = 0 (n_eq),  lower <= x <= upper,
/// used by the generic min-max loop (gda.hpp), the TAO reference solver and the KKT certificate
/// (linalg/). Constraints are numbered inequalities first, then equalities; multipliers follow
/// the same order, with the sign convention  grad f + J^T lambda = 0  and lambda_ineq >= 0.
#include <cstdint>
#include <functional>
#include <vector>

namespace saddle::optim {

struct ConstrainedProblem {
  using Vec = std::vector<double>;
  std::int64_t n_vars = 0;
  std::int64_t n_ineq = 0;
  std::int64_t n_eq = 0;
  /// f(x); writes grad f(x) [n_vars] into `grad` (sized by the caller). Empty: f = 0.
  std::function<double(Vec const& x, Vec& grad)> objective;
  /// g(x) [n_ineq] and its Jacobian [n_ineq][n_vars] row-major (outputs sized by the caller).
  std::function<void(Vec const& x, Vec& g)> inequality;
  std::function<void(Vec const& x, Vec& jac)> inequality_jacobian;
  /// h(x) [n_eq] and its Jacobian [n_eq][n_vars] row-major.
  std::function<void(Vec const& x, Vec& h)> equality;
  std::function<void(Vec const& x, Vec& jac)> equality_jacobian;
  /// Box bounds [n_vars] each, or empty (unbounded).
  Vec lower, upper;

  std::int64_t numConstraints() const { return n_ineq + n_eq; }
  /// [n_ineq x true, n_eq x false].
  std::vector<bool> isInequality() const;
  /// Throws Error when sizes or callbacks are inconsistent.
  void validate() const;

  /// f(x) and grad f(x) [n_vars] (0 and zeros without an objective).
  double evalObjective(Vec const& x, Vec& grad) const;
  /// c = [g(x); h(x)] [numConstraints()].
  void evalConstraints(Vec const& x, Vec& c) const;
  /// J = [Jg(x); Jh(x)] [numConstraints()][n_vars] row-major.
  void evalJacobian(Vec const& x, Vec& jac) const;
  /// Clamp x onto the box bounds (no-op when there are none).
  void project(Vec& x) const;
};

/// The "resilient" relaxation (Hounie et al. 2023) of `p`: variables [x; s] with one slack s_i
/// per inequality,  min f(x) + (alpha/2) ||s||^2  s.t.  g(x) - s <= 0,  h(x) = 0.
/// Its KKT points are the fixed points of the Lagrangian dynamics with dual weight decay
/// 1/alpha: lambda_i = alpha s_i and g_i(x) = lambda_i / alpha where lambda_i > 0. alpha > 0.
ConstrainedProblem resilientRelaxation(ConstrainedProblem const& p, double alpha);

} // namespace saddle::optim
