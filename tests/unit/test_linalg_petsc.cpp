// linalg/: the PETSc session, checked calls, the TAO ALMM reference solver and the KKT
// certificate, on problems whose solutions are known in closed form (derived in comments).
#include "saddle/core/error.hpp"
#include "saddle/linalg/kkt.hpp"
#include "saddle/linalg/petsc_session.hpp"
#include "saddle/linalg/tao_almm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using saddle::linalg::kktCertificate;
using saddle::linalg::solveTaoAlmm;
using saddle::optim::ConstrainedProblem;
using Vec = std::vector<double>;

/// min x0^2 + x1^2 with, as asked: g = 1 - x0 - x1 <= 0, h = x0 - x1 - 0.2 = 0.
ConstrainedProblem circle(bool with_ineq, bool with_eq) {
  ConstrainedProblem p;
  p.n_vars = 2;
  p.objective = [](Vec const& x, Vec& g) {
    g[0] = 2 * x[0];
    g[1] = 2 * x[1];
    return x[0] * x[0] + x[1] * x[1];
  };
  if (with_ineq) {
    p.n_ineq = 1;
    p.inequality = [](Vec const& x, Vec& g) { g[0] = 1 - x[0] - x[1]; };
    p.inequality_jacobian = [](Vec const&, Vec& j) { j[0] = j[1] = -1.0; };
  }
  if (with_eq) {
    p.n_eq = 1;
    p.equality = [](Vec const& x, Vec& h) { h[0] = x[0] - x[1] - 0.2; };
    p.equality_jacobian = [](Vec const&, Vec& j) {
      j[0] = 1.0;
      j[1] = -1.0;
    };
  }
  return p;
}

// One session for the whole program (PETSc cannot be initialized twice in a process),
// created after MPI and Kokkos (the test main's order) and ended before them.
class PetscEnvironment : public ::testing::Environment {
public:
  void SetUp() override { _session = std::make_unique<saddle::petsc::Session>(); }
  void TearDown() override { _session.reset(); }

private:
  std::unique_ptr<saddle::petsc::Session> _session;
};
::testing::Environment* const kPetsc = ::testing::AddGlobalTestEnvironment(new PetscEnvironment);

TEST(PetscSession, NestedSessionsBorrow) {
  EXPECT_TRUE(saddle::petsc::Session::active());
  {
    saddle::petsc::Session inner("-saddle_test_option 1");
    EXPECT_TRUE(saddle::petsc::Session::active());
  }
  EXPECT_TRUE(saddle::petsc::Session::active()); // the inner one only borrowed PETSc
}

// Closed forms (KKT by hand, multipliers with grad f + J^T lambda = 0):
//  inequality only: x* = (1/2, 1/2), 2 x* = lambda (1, 1) => lambda* = 1;
//  equality x0 + x1 = 1 written as h = x0 - x1 - 0.2: x* = (0.6, 0.4) only with the inequality;
//  both: x* = (0.6, 0.4), (1.2, 0.8) - lambda (1, 1) + mu (1, -1) = 0 => lambda = 1, mu = -0.2.
TEST(TaoAlmm, ClosedFormProblems) {
  struct Case {
    bool ineq, eq;
    Vec x, lambda;
  };
  // equality only: min |x|^2 on x0 - x1 = 0.2: x* = (0.1, -0.1), 2 x* + mu (1, -1) = 0 => mu = -0.2
  std::vector<Case> const cases = {{true, false, {0.5, 0.5}, {1.0}},
                                   {false, true, {0.1, -0.1}, {-0.2}},
                                   {true, true, {0.6, 0.4}, {1.0, -0.2}}};
  for (auto const& c : cases) {
    auto const r = solveTaoAlmm(circle(c.ineq, c.eq), {0.0, 0.0});
    EXPECT_TRUE(r.converged) << r.reason;
    // TAO stops at gatol = catol = 1e-10 on these well-conditioned problems; 1e-8 leaves room
    for (int i = 0; i < 2; ++i)
      EXPECT_NEAR(r.x[i], c.x[i], 1e-8) << c.ineq << c.eq << " x" << i;
    ASSERT_EQ(r.lambda.size(), c.lambda.size());
    for (std::size_t j = 0; j < c.lambda.size(); ++j)
      EXPECT_NEAR(r.lambda[j], c.lambda[j], 1e-7) << c.ineq << c.eq << " lambda" << j;
    EXPECT_EQ(r.multipliers_from, c.ineq && c.eq ? "stationarity_fit" : "tao");
  }
}

// Box bounds: min (x0 - 2)^2 + (x1 - 2)^2 s.t. x0 + x1 <= 3 and x0 <= 0.5: the bound is
// active (x0 = 0.5), then x1 = 2 (x0 + x1 = 2.5 < 3: the constraint is inactive, lambda = 0).
TEST(TaoAlmm, BoxBounds) {
  ConstrainedProblem p;
  p.n_vars = 2;
  p.n_ineq = 1;
  p.objective = [](Vec const& x, Vec& g) {
    g[0] = 2 * (x[0] - 2);
    g[1] = 2 * (x[1] - 2);
    return (x[0] - 2) * (x[0] - 2) + (x[1] - 2) * (x[1] - 2);
  };
  p.inequality = [](Vec const& x, Vec& g) { g[0] = x[0] + x[1] - 3; };
  p.inequality_jacobian = [](Vec const&, Vec& j) { j[0] = j[1] = 1.0; };
  p.upper = {0.5, 1e300};
  auto const r = solveTaoAlmm(p, {0.0, 0.0});
  EXPECT_NEAR(r.x[0], 0.5, 1e-8);
  EXPECT_NEAR(r.x[1], 2.0, 1e-8);
  EXPECT_NEAR(r.lambda[0], 0.0, 1e-8);
}

TEST(TaoAlmm, CallbackExceptionBecomesPetscErrorWithItsMessage) {
  auto p = circle(true, false);
  p.objective = [](Vec const&, Vec&) -> double { throw std::runtime_error("objective exploded"); };
  try {
    solveTaoAlmm(p, {0.0, 0.0});
    ADD_FAILURE() << "no exception";
  } catch (saddle::petsc::PetscError const& e) {
    std::string const what = e.what();
    EXPECT_NE(what.find("objective exploded"), std::string::npos) << what;
    EXPECT_NE(what.find("TaoSolve"), std::string::npos) << what;
  }
  // a bad PETSc option: TaoSetFromOptions fails, with PETSc's message
  saddle::petsc::Session options("-saddle_bad_tao_type not_a_solver");
  saddle::linalg::AlmmOptions o;
  o.options_prefix = "saddle_bad_";
  EXPECT_THROW(solveTaoAlmm(circle(true, false), {0.0, 0.0}, o), saddle::petsc::PetscError);
}

// Certificates at chosen points of min |x|^2 s.t. g = 1 - x0 - x1 <= 0 (and its variants):
TEST(KktCertificate, KnownPoints) {
  auto const p = circle(true, false);
  // the solution with its multiplier: all zero
  auto k = kktCertificate(p, {0.5, 0.5}, {1.0});
  EXPECT_NEAR(k.worst(), 0.0, 1e-10);
  EXPECT_NEAR(k.lagrangian_gradient, 0.0, 1e-14);
  EXPECT_NEAR(k.lambda_fit[0], 1.0, 1e-8);
  EXPECT_EQ(k.fit_reason.rfind("CONVERGED", 0), 0u) << k.fit_reason;
  // x = (1, 1): strictly feasible (g = -1); grad f = (2, 2) = 2 (1, 1) is fitted exactly by
  // lambda = 2 >= 0, so stationarity is 0, but complementarity |lambda g| = 2 catches it
  k = kktCertificate(p, {1.0, 1.0});
  EXPECT_NEAR(k.feasibility, 0.0, 1e-15);
  EXPECT_NEAR(k.stationarity, 0.0, 1e-8);
  EXPECT_NEAR(k.complementarity, 2.0, 1e-7);
  // x = (0, 0): infeasible by 1, stationary with lambda = 0
  k = kktCertificate(p, {0.0, 0.0});
  EXPECT_NEAR(k.feasibility, 1.0, 1e-15);
  EXPECT_NEAR(k.stationarity, 0.0, 1e-12);
  // x = (1, 0) on the boundary: min over lambda >= 0 of |(2 - lambda, -lambda)| at lambda = 1
  k = kktCertificate(p, {1.0, 0.0});
  EXPECT_NEAR(k.stationarity, std::sqrt(2.0), 1e-8);
  EXPECT_NEAR(k.lambda_fit[0], 1.0, 1e-8);
  // the same constraint flipped (x0 + x1 - 1 <= 0) at (1, 0): grad f = (2, 0), grad g = (1, 1):
  // lambda >= 0 cannot help, lambda = 0 and the residual is 2; as an equality, mu = -1 gives
  // sqrt(2): the bound on inequality multipliers is enforced, the equality one is free
  Vec const gradf = {2.0, 0.0}, jac = {1.0, 1.0}, c = {0.0};
  auto const ki = kktCertificate(gradf, jac, c, {true});
  EXPECT_NEAR(ki.stationarity, 2.0, 1e-8);
  EXPECT_NEAR(ki.lambda_fit[0], 0.0, 1e-8);
  auto const ke = kktCertificate(gradf, jac, c, {false});
  EXPECT_NEAR(ke.stationarity, std::sqrt(2.0), 1e-8);
  EXPECT_NEAR(ke.lambda_fit[0], -1.0, 1e-8);
}

} // namespace
