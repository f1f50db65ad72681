#include "saddle/linalg/tao_almm.hpp"

#include "saddle/linalg/detail/petsc_check.hpp"
#include "saddle/linalg/kkt.hpp"

namespace saddle::linalg {

namespace {

using Vec_ = std::vector<double>;
using petsc::detail::fromStd;
using petsc::detail::toStd;

/// What the callbacks see: the problem and scratch vectors.
struct Context {
  optim::ConstrainedProblem const* p = nullptr;
  Vec_ x, out;
};

// f(x), grad f(x)
PetscErrorCode objective(Tao, ::Vec x, PetscReal* f, ::Vec grad, void* ctx) {
  SADDLE_PETSC_CALLBACK("saddle::solveTaoAlmm: objective", {
    auto& c = *static_cast<Context*>(ctx);
    toStd(x, c.x);
    *f = c.p->evalObjective(c.x, c.out);
    fromStd(c.out, grad);
  });
}

// TAO's inequalities are c(x) >= 0: hand it -g(x)
PetscErrorCode inequality(Tao, ::Vec x, ::Vec ci, void* ctx) {
  SADDLE_PETSC_CALLBACK("saddle::solveTaoAlmm: inequality constraints", {
    auto& c = *static_cast<Context*>(ctx);
    toStd(x, c.x);
    c.out.assign(static_cast<std::size_t>(c.p->n_ineq), 0.0);
    c.p->inequality(c.x, c.out);
    for (auto& v : c.out)
      v = -v;
    fromStd(c.out, ci);
  });
}

PetscErrorCode inequalityJacobian(Tao, ::Vec x, Mat jac, Mat, void* ctx) {
  SADDLE_PETSC_CALLBACK("saddle::solveTaoAlmm: inequality Jacobian", {
    auto& c = *static_cast<Context*>(ctx);
    toStd(x, c.x);
    c.out.assign(static_cast<std::size_t>(c.p->n_ineq * c.p->n_vars), 0.0);
    c.p->inequality_jacobian(c.x, c.out);
    petsc::detail::setDense(jac, c.out, c.p->n_ineq, c.p->n_vars, -1.0);
  });
}

PetscErrorCode equality(Tao, ::Vec x, ::Vec ce, void* ctx) {
  SADDLE_PETSC_CALLBACK("saddle::solveTaoAlmm: equality constraints", {
    auto& c = *static_cast<Context*>(ctx);
    toStd(x, c.x);
    c.out.assign(static_cast<std::size_t>(c.p->n_eq), 0.0);
    c.p->equality(c.x, c.out);
    fromStd(c.out, ce);
  });
}

PetscErrorCode equalityJacobian(Tao, ::Vec x, Mat jac, Mat, void* ctx) {
  SADDLE_PETSC_CALLBACK("saddle::solveTaoAlmm: equality Jacobian", {
    auto& c = *static_cast<Context*>(ctx);
    toStd(x, c.x);
    c.out.assign(static_cast<std::size_t>(c.p->n_eq * c.p->n_vars), 0.0);
    c.p->equality_jacobian(c.x, c.out);
    petsc::detail::setDense(jac, c.out, c.p->n_eq, c.p->n_vars, 1.0);
  });
}

/// Box bounds, +-PETSC_INFINITY where absent.
void setBounds(Tao tao, optim::ConstrainedProblem const& p, petsc::detail::VecHandle& lo,
               petsc::detail::VecHandle& hi) {
  if (p.lower.empty() && p.upper.empty())
    return;
  petsc::detail::makeVec(p.n_vars, PETSC_NINFINITY, &lo);
  petsc::detail::makeVec(p.n_vars, PETSC_INFINITY, &hi);
  if (!p.lower.empty())
    fromStd(p.lower, lo);
  if (!p.upper.empty())
    fromStd(p.upper, hi);
  SADDLE_PETSC_CHECK(TaoSetVariableBounds(tao, lo, hi));
}

/// Multipliers: TAO's when one kind of constraint is present (same sign as saddle's: TAO's
/// Lagrangian is f - y.c_ineq + y.c_eq, and c_ineq = -g), else fitted at x* on the active set.
void multipliers(Tao tao, optim::ConstrainedProblem const& p, AlmmOptions const& opt,
                 AlmmResult& r) {
  if (p.n_ineq == 0 || p.n_eq == 0) {
    ::Vec y = nullptr;
    SADDLE_PETSC_CHECK(TaoALMMGetMultipliers(tao, &y));
    toStd(y, r.lambda);
    r.multipliers_from = "tao";
    return;
  }
  Vec_ grad, c, jac;
  p.evalObjective(r.x, grad);
  p.evalConstraints(r.x, c);
  p.evalJacobian(r.x, jac);
  std::vector<bool> inactive(c.size(), false);
  for (std::int64_t i = 0; i < p.n_ineq; ++i)
    inactive[i] = c[i] < -opt.active_tolerance;
  r.lambda = fitMultipliers(grad, jac, p.isInequality(), inactive);
  r.multipliers_from = "stationarity_fit";
}

} // namespace

AlmmResult solveTaoAlmm(optim::ConstrainedProblem const& problem, Vec_ const& x0,
                        AlmmOptions const& options) {
  problem.validate();
  SADDLE_REQUIRE(static_cast<std::int64_t>(x0.size()) == problem.n_vars,
                 "saddle::solveTaoAlmm: x0 needs n_vars entries");
  SADDLE_REQUIRE(problem.numConstraints() > 0, "saddle::solveTaoAlmm: TAOALMM needs constraints");
  SADDLE_REQUIRE(petsc::Session::active(), "saddle::solveTaoAlmm needs a petsc::Session");
  if (options.formulation != "phr" && options.formulation != "classic")
    throw InputError("saddle::solveTaoAlmm: formulation = '" + options.formulation +
                     "' is invalid (allowed: phr, classic)");
  petsc::detail::Guard guard;
  Context ctx{&problem, {}, {}};
  petsc::detail::TaoHandle tao;
  petsc::detail::VecHandle x, ci, ce, lo, hi;
  petsc::detail::MatHandle ji, je;
  auto const n = static_cast<PetscInt>(problem.n_vars);
  SADDLE_PETSC_CHECK(TaoCreate(PETSC_COMM_SELF, &tao));
  SADDLE_PETSC_CHECK(TaoSetType(tao, TAOALMM));
  SADDLE_PETSC_CHECK(TaoSetOptionsPrefix(tao, options.options_prefix.c_str()));
  SADDLE_PETSC_CHECK(
      TaoALMMSetType(tao, options.formulation == "classic" ? TAO_ALMM_CLASSIC : TAO_ALMM_PHR));
  petsc::detail::makeVec(problem.n_vars, 0.0, &x);
  fromStd(x0, x);
  SADDLE_PETSC_CHECK(TaoSetSolution(tao, x));
  SADDLE_PETSC_CHECK(TaoSetObjectiveAndGradient(tao, nullptr, objective, &ctx));
  if (problem.n_ineq > 0) {
    auto const m = static_cast<PetscInt>(problem.n_ineq);
    petsc::detail::makeVec(m, 0.0, &ci);
    SADDLE_PETSC_CHECK(MatCreateSeqDense(PETSC_COMM_SELF, m, n, nullptr, &ji));
    SADDLE_PETSC_CHECK(TaoSetInequalityConstraintsRoutine(tao, ci, inequality, &ctx));
    SADDLE_PETSC_CHECK(TaoSetJacobianInequalityRoutine(tao, ji, ji, inequalityJacobian, &ctx));
  }
  if (problem.n_eq > 0) {
    auto const m = static_cast<PetscInt>(problem.n_eq);
    petsc::detail::makeVec(m, 0.0, &ce);
    SADDLE_PETSC_CHECK(MatCreateSeqDense(PETSC_COMM_SELF, m, n, nullptr, &je));
    SADDLE_PETSC_CHECK(TaoSetEqualityConstraintsRoutine(tao, ce, equality, &ctx));
    SADDLE_PETSC_CHECK(TaoSetJacobianEqualityRoutine(tao, je, je, equalityJacobian, &ctx));
  }
  setBounds(tao, problem, lo, hi);
  SADDLE_PETSC_CHECK(TaoSetTolerances(tao, options.tolerance, 0.0, 0.0));
  SADDLE_PETSC_CHECK(TaoSetConstraintTolerances(tao, options.tolerance, 0.0));
  SADDLE_PETSC_CHECK(TaoSetMaximumIterations(tao, static_cast<PetscInt>(options.max_iterations)));
  SADDLE_PETSC_CHECK(TaoSetFromOptions(tao));
  SADDLE_PETSC_CHECK(TaoSolve(tao));

  AlmmResult r;
  TaoConvergedReason reason = TAO_CONTINUE_ITERATING;
  PetscInt its = 0;
  SADDLE_PETSC_CHECK(TaoGetConvergedReason(tao, &reason));
  SADDLE_PETSC_CHECK(TaoGetIterationNumber(tao, &its));
  r.reason = TaoConvergedReasons[reason];
  r.converged = reason > 0;
  r.iterations = its;
  toStd(x, r.x);
  multipliers(tao, problem, options, r);
  return r;
}

} // namespace saddle::linalg
