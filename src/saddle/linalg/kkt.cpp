#include "saddle/linalg/kkt.hpp"

#include "saddle/linalg/detail/petsc_check.hpp"

#include <algorithm>
#include <cmath>

namespace saddle::linalg {

namespace {

using Vec_ = std::vector<double>;
using petsc::detail::Guard;
using petsc::detail::MatHandle;
using petsc::detail::TaoHandle;
using petsc::detail::VecHandle;

/// min_lambda (1/2)|| a + B^T lambda ||^2 with a = grad f [n], B = J rows [m][n].
struct LeastSquares {
  Vec_ const* a = nullptr;
  Vec_ b; ///< [m][n] row-major, the free rows of J
  std::int64_t n = 0, m = 0;
  Vec_ lam, r, t; ///< scratch

  /// r = a + B^T lam
  void residual(Vec_ const& l) {
    r = *a;
    for (std::int64_t j = 0; j < m; ++j)
      for (std::int64_t i = 0; i < n; ++i)
        r[i] += b[j * n + i] * l[j];
  }
  /// out = B v  (v [n], out [m])
  void applyB(Vec_ const& v, Vec_& out) const {
    out.assign(static_cast<std::size_t>(m), 0.0);
    for (std::int64_t j = 0; j < m; ++j)
      for (std::int64_t i = 0; i < n; ++i)
        out[j] += b[j * n + i] * v[i];
  }
};

// phi(lambda) = (1/2)||r||^2, grad phi = B r
PetscErrorCode lsqObjective(Tao, ::Vec lambda, PetscReal* f, ::Vec grad, void* ctx) {
  SADDLE_PETSC_CALLBACK("saddle::kktCertificate: least-squares objective", {
    auto& ls = *static_cast<LeastSquares*>(ctx);
    petsc::detail::toStd(lambda, ls.lam);
    ls.residual(ls.lam);
    double s = 0.0;
    for (double v : ls.r)
      s += v * v;
    *f = 0.5 * s;
    ls.applyB(ls.r, ls.t);
    petsc::detail::fromStd(ls.t, grad);
  });
}

// H v = B (B^T v), the (constant) Hessian of phi
PetscErrorCode lsqHessianMult(Mat h, ::Vec v, ::Vec y) {
  SADDLE_PETSC_CALLBACK("saddle::kktCertificate: Hessian product", {
    void* ctx = nullptr;
    SADDLE_PETSC_CHECK(MatShellGetContext(h, &ctx));
    auto& ls = *static_cast<LeastSquares*>(ctx);
    Vec_ vin, bt(static_cast<std::size_t>(ls.n), 0.0);
    petsc::detail::toStd(v, vin);
    for (std::int64_t j = 0; j < ls.m; ++j)
      for (std::int64_t i = 0; i < ls.n; ++i)
        bt[i] += ls.b[j * ls.n + i] * vin[j];
    Vec_ out;
    ls.applyB(bt, out);
    petsc::detail::fromStd(out, y);
  });
}

PetscErrorCode lsqHessian(Tao, ::Vec, Mat, Mat, void*) {
  PetscFunctionBeginUser;
  PetscFunctionReturn(0); // the shell matrix is constant
}

/// Solve the bound-constrained least-squares problem over the m free rows.
Vec_ solveLeastSquares(LeastSquares& ls, Vec_ const& lower, KktOptions const& opt,
                       std::string& reason) {
  Guard guard;
  auto const m = ls.m;
  TaoHandle tao;
  VecHandle x, lo, hi;
  MatHandle h;
  SADDLE_PETSC_CHECK(TaoCreate(PETSC_COMM_SELF, &tao));
  SADDLE_PETSC_CHECK(TaoSetType(tao, TAOBNLS));
  SADDLE_PETSC_CHECK(TaoSetOptionsPrefix(tao, opt.options_prefix.c_str()));
  petsc::detail::makeVec(m, 0.0, &x);
  petsc::detail::makeVec(m, 0.0, &lo);
  petsc::detail::makeVec(m, PETSC_INFINITY, &hi);
  petsc::detail::fromStd(lower, lo);
  SADDLE_PETSC_CHECK(TaoSetSolution(tao, x));
  SADDLE_PETSC_CHECK(TaoSetVariableBounds(tao, lo, hi));
  SADDLE_PETSC_CHECK(TaoSetObjectiveAndGradient(tao, nullptr, lsqObjective, &ls));
  SADDLE_PETSC_CHECK(MatCreateShell(PETSC_COMM_SELF, static_cast<PetscInt>(m),
                                    static_cast<PetscInt>(m), static_cast<PetscInt>(m),
                                    static_cast<PetscInt>(m), &ls, &h));
  SADDLE_PETSC_CHECK(
      MatShellSetOperation(h, MATOP_MULT, reinterpret_cast<void (*)(void)>(lsqHessianMult)));
  SADDLE_PETSC_CHECK(MatSetOption(h, MAT_SYMMETRIC, PETSC_TRUE));
  SADDLE_PETSC_CHECK(TaoSetHessian(tao, h, h, lsqHessian, &ls));
  SADDLE_PETSC_CHECK(TaoSetTolerances(tao, opt.tolerance, 0.0, 0.0));
  SADDLE_PETSC_CHECK(TaoSetMaximumIterations(tao, static_cast<PetscInt>(opt.max_iterations)));
  SADDLE_PETSC_CHECK(TaoSetFromOptions(tao));
  KSP ksp = nullptr;
  SADDLE_PETSC_CHECK(TaoGetKSP(tao, &ksp));
  if (ksp) {
    PC pc = nullptr;
    SADDLE_PETSC_CHECK(KSPGetPC(ksp, &pc));
    SADDLE_PETSC_CHECK(PCSetType(pc, PCNONE)); // a shell Hessian has no entries to precondition
  }
  SADDLE_PETSC_CHECK(TaoSolve(tao));
  TaoConvergedReason why = TAO_CONTINUE_ITERATING;
  SADDLE_PETSC_CHECK(TaoGetConvergedReason(tao, &why));
  reason = TaoConvergedReasons[why];
  Vec_ out;
  petsc::detail::toStd(x, out);
  return out;
}

} // namespace

double KktCertificate::worst() const {
  return std::max({feasibility, complementarity, stationarity});
}

double lagrangianGradientNorm(Vec_ const& grad_f, Vec_ const& jac, Vec_ const& lambda) {
  auto const n = static_cast<std::int64_t>(grad_f.size());
  auto const m = static_cast<std::int64_t>(lambda.size());
  SADDLE_REQUIRE(static_cast<std::int64_t>(jac.size()) == m * n,
                 "saddle::lagrangianGradientNorm: jac must be [m][n]");
  double s = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    double r = grad_f[i];
    for (std::int64_t j = 0; j < m; ++j)
      r += jac[j * n + i] * lambda[j];
    s += r * r;
  }
  return std::sqrt(s);
}

Vec_ fitMultipliers(Vec_ const& grad_f, Vec_ const& jac, std::vector<bool> const& is_inequality,
                    std::vector<bool> const& fixed_zero, KktOptions const& options,
                    std::string* reason) {
  auto const n = static_cast<std::int64_t>(grad_f.size());
  auto const m = static_cast<std::int64_t>(is_inequality.size());
  SADDLE_REQUIRE(static_cast<std::int64_t>(jac.size()) == m * n,
                 "saddle::fitMultipliers: jac must be [m][n]");
  SADDLE_REQUIRE(fixed_zero.empty() || fixed_zero.size() == is_inequality.size(),
                 "saddle::fitMultipliers: fixed_zero must be empty or [m]");
  SADDLE_REQUIRE(petsc::Session::active(), "saddle::fitMultipliers needs a petsc::Session");
  LeastSquares ls;
  ls.a = &grad_f;
  ls.n = n;
  std::vector<std::int64_t> rows;
  Vec_ lower;
  for (std::int64_t j = 0; j < m; ++j) {
    if (!fixed_zero.empty() && fixed_zero[j])
      continue;
    rows.push_back(j);
    ls.b.insert(ls.b.end(), jac.begin() + j * n, jac.begin() + (j + 1) * n);
    lower.push_back(is_inequality[j] ? 0.0 : PETSC_NINFINITY);
  }
  ls.m = static_cast<std::int64_t>(rows.size());
  Vec_ lambda(static_cast<std::size_t>(m), 0.0);
  std::string why = "no free multipliers";
  Vec_ const sub = ls.m == 0 ? Vec_{} : solveLeastSquares(ls, lower, options, why);
  if (reason)
    *reason = why;
  for (std::size_t k = 0; k < rows.size(); ++k)
    lambda[rows[k]] = sub[k];
  return lambda;
}

KktCertificate kktCertificate(Vec_ const& grad_f, Vec_ const& jac, Vec_ const& c,
                              std::vector<bool> const& is_inequality, Vec_ const& lambda,
                              KktOptions const& options) {
  auto const m = c.size();
  SADDLE_REQUIRE(is_inequality.size() == m && (lambda.empty() || lambda.size() == m),
                 "saddle::kktCertificate: c, is_inequality and lambda need m entries");
  KktCertificate k;
  for (std::size_t j = 0; j < m; ++j)
    k.feasibility =
        std::max(k.feasibility, is_inequality[j] ? std::max(c[j], 0.0) : std::fabs(c[j]));
  k.lambda_fit = fitMultipliers(grad_f, jac, is_inequality, {}, options, &k.fit_reason);
  k.stationarity = lagrangianGradientNorm(grad_f, jac, k.lambda_fit);
  Vec_ const& mult = lambda.empty() ? k.lambda_fit : lambda;
  for (std::size_t j = 0; j < m; ++j)
    if (is_inequality[j])
      k.complementarity = std::max(k.complementarity, std::fabs(mult[j] * c[j]));
  if (!lambda.empty())
    k.lagrangian_gradient = lagrangianGradientNorm(grad_f, jac, lambda);
  return k;
}

KktCertificate kktCertificate(optim::ConstrainedProblem const& problem, Vec_ const& x,
                              Vec_ const& lambda, KktOptions const& options) {
  problem.validate();
  Vec_ grad, c, jac;
  problem.evalObjective(x, grad);
  problem.evalConstraints(x, c);
  problem.evalJacobian(x, jac);
  return kktCertificate(grad, jac, c, problem.isInequality(), lambda, options);
}

} // namespace saddle::linalg
