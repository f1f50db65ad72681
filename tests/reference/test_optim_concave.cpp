// The concave toy of "Position: Adopt Constraints Over Penalties in Deep Learning"
// (2025):  min cos(x0)(1 + x1^2)  s.t.  sin(x0)(1 + x1^2) = eps,
// on the box x0 in [0, pi/2], x1 in [-1, 1]. Its solution is x* = (arcsin eps, 0) with
// multiplier mu* = tan(x0*) (grad f + mu grad h = 0:  -sin x0 + mu cos x0 = 0 at x1 = 0).
// On [0, pi/2] the penalized objective f + c h = (1 + x1^2)(cos x0 + c sin x0) - c eps is
// concave in x0 (cos and sin are), so its minimizers sit on the boundary x0 in {0, pi/2} for
// every c (and do not depend on eps): no fixed penalty recovers x*. The Lagrangian is concave
// in x0 too near x* (d2L/dx0^2 = -1/cos x0* < 0), so plain gradient descent-ascent is not
// locally stable there; nuPI's proportional term (equivalently, the augmented Lagrangian:
// test_optim_formulation.cpp) adds the curvature c cos^2 x0* that makes x* an attractor once
// c > 1 / cos^3 x0* (4.63 at eps = 0.8).
#include "saddle/linalg/kkt.hpp"

#include "test_optim_common.hpp"

namespace {

using saddle::test::Vec;

::testing::Environment* const kPetsc =
    ::testing::AddGlobalTestEnvironment(new saddle::test::PetscEnvironment);

constexpr double kHalfPi = 1.5707963267948966;

saddle::optim::ConstrainedProblem toy(double eps) {
  saddle::optim::ConstrainedProblem p;
  p.n_vars = 2;
  p.n_eq = 1;
  p.objective = [](Vec const& x, Vec& g) {
    double const s = 1 + x[1] * x[1];
    g[0] = -std::sin(x[0]) * s;
    g[1] = 2 * x[1] * std::cos(x[0]);
    return std::cos(x[0]) * s;
  };
  p.equality = [eps](Vec const& x, Vec& h) { h[0] = std::sin(x[0]) * (1 + x[1] * x[1]) - eps; };
  p.equality_jacobian = [](Vec const& x, Vec& j) {
    j[0] = std::cos(x[0]) * (1 + x[1] * x[1]);
    j[1] = 2 * x[1] * std::sin(x[0]);
  };
  p.lower = {0.0, -1.0};
  p.upper = {kHalfPi, 1.0};
  return p;
}

saddle::test::Method lagrangianNupi() {
  saddle::test::Method m;
  m.formulation.name = "lagrangian";
  m.dual.optimizer = "nupi";
  m.dual.lr = {1.0};
  m.dual.kp = {10.0}; // c = eta K_P = 10 > 4.63
  m.dual.ki = {1.0};
  m.dual.nu = {0.0};
  m.primal = {"sgd", 0.05};
  m.options.order = saddle::optim::UpdateOrder::DualFirst;
  m.options.steps = 4000;
  return m;
}

TEST(ConcaveToy, LagrangianMethodFindsTheSolutionForEveryEps) {
  for (int k = 1; k <= 8; ++k) {
    double const eps = 0.1 * k;
    auto const p = toy(eps);
    auto const r = saddle::test::runMethod(p, lagrangianNupi(), {0.5, 0.5});
    double const x0 = std::asin(eps), mu = std::tan(x0);
    // 4000 contracting steps: at machine precision; 1e-8 leaves room for the rate at eps = 0.8
    EXPECT_NEAR(r.x[0], x0, 1e-8) << "eps " << eps;
    EXPECT_NEAR(r.x[1], 0.0, 1e-8) << "eps " << eps;
    EXPECT_NEAR(r.lambda[0], mu, 1e-8) << "eps " << eps;
    auto const cert = saddle::linalg::kktCertificate(p, r.x, r.lambda); // box inactive at x*
    EXPECT_LT(cert.worst(), 1e-8) << "eps " << eps;
  }
}

// A sweep of fixed penalties c (and, for each eps, the oracle c = mu*(eps) that makes x* a
// stationary point of f + c h), each minimized by projected gradient descent started next to
// x*(eps): none ends both feasible (|h| < 1e-3) and optimal (|x - x*| < 1e-3).
TEST(ConcaveToy, NoFixedPenaltyIsFeasibleAndOptimal) {
  int feasible_runs = 0, optimal_runs = 0;
  for (int k = 1; k <= 8; ++k) {
    double const eps = 0.1 * k, x0 = std::asin(eps);
    auto const p = toy(eps);
    Vec penalties;
    for (int i = -20; i <= 20; ++i)
      penalties.push_back(0.5 * i);
    penalties.push_back(std::tan(x0));
    int good = 0;
    for (double c : penalties) {
      saddle::test::Method m;
      m.formulation.name = "fixed_penalty";
      m.formulation.penalty = {c};
      m.primal = {"sgd", 0.05};
      m.options.steps = 1500;
      auto const r = saddle::test::runMethod(p, m, {x0 + 0.01, 0.01});
      bool const feasible = std::fabs(r.constraints[0]) < 1e-3;
      bool const optimal = std::hypot(r.x[0] - x0, r.x[1]) < 1e-3;
      feasible_runs += feasible;
      optimal_runs += optimal;
      good += feasible && optimal;
    }
    EXPECT_EQ(good, 0) << "eps " << eps;
  }
  std::printf("[ figures  ] concave toy: %zu fixed penalties x 8 eps: %d runs feasible, %d "
              "optimal, 0 both\n",
              std::size_t(42), feasible_runs, optimal_runs);
}

} // namespace
