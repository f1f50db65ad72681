// Formulations (primal weights, dual gradients, the c = 0 guard), penalty-coefficient updaters,
// tolerance schedules, the update orders of the min-max loop, and the equivalence of
// optimism and the augmented Lagrangian (Sohrabi et al. 2024: nuPI with nu = 0 is optimistic
// ascent).
#include "saddle/core/error.hpp"
#include "saddle/optim/formulation.hpp"
#include "saddle/optim/gda.hpp"
#include "saddle/optim/schedule.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <string>
#include <vector>

namespace {

using saddle::ExecSpace;
using saddle::optim::FormulationConfig;
using Vec = std::vector<double>;

std::vector<bool> const kIneq = {true, true, true, false, false};
Vec const kLambda = {0.5, 0.0, 2.0, -1.0, 0.7};
Vec const kG = {0.3, -0.4, -1.5, 0.2, -0.6};

saddle::Vector<double> dev(Vec const& v) {
  return saddle::test::toDevice<double, ExecSpace>(v);
}

FormulationConfig formulation(std::string name, Vec c = {2.0}) {
  FormulationConfig f;
  f.name = std::move(name);
  f.penalty = std::move(c);
  return f;
}

// d(term)/dg_j by central differences; the analytic weight must match it.
double numericWeight(saddle::optim::Formulation const& f, std::size_t j) {
  double const h = 1e-6;
  Vec gp = kG, gm = kG;
  gp[j] += h;
  gm[j] -= h;
  return (f.constraintTerm(kLambda, gp) - f.constraintTerm(kLambda, gm)) / (2 * h);
}

TEST(Formulation, PrimalWeightsAreTheDerivativeOfTheTermAndMatchTheFormulas) {
  ExecSpace space;
  double const c = 2.0;
  for (auto const& name : saddle::optim::formulationNames()) {
    saddle::optim::Formulation f(formulation(name), kIneq);
    saddle::Vector<double> w("w", 5);
    f.primalWeights(space, dev(kLambda), dev(kG), w);
    auto const got = saddle::test::toHost(w);
    for (std::size_t j = 0; j < 5; ++j) {
      double const l = kLambda[j], g = kG[j];
      double want = 0;
      if (name == "lagrangian")
        want = l;
      else if (name == "augmented_lagrangian")
        want = kIneq[j] ? std::max(l + c * g, 0.0) : l + c * g;
      else if (name == "quadratic_penalty")
        want = kIneq[j] ? c * std::max(g, 0.0) : c * g;
      else
        want = c;
      EXPECT_DOUBLE_EQ(got[j], want) << name << " " << j;
      // no kink within h of these g values: central differences are O(h^2) ~ 1e-10 accurate
      EXPECT_NEAR(got[j], numericWeight(f, j), 1e-7) << name << " " << j;
    }
  }
}

TEST(Formulation, AugmentedLagrangianAscentWithStepCIsTheClassicUpdate) {
  ExecSpace space;
  double const c = 2.0;
  saddle::optim::Formulation f(formulation("augmented_lagrangian"), kIneq);
  saddle::Vector<double> d("d", 5);
  f.dualGradients(space, dev(kLambda), dev(kG), d);
  saddle::optim::DualConfig dc;
  dc.lr = {c};
  auto ga = saddle::optim::makeDualOptimizer(dc, kIneq);
  ga->setLambda(kLambda);
  ga->step(space, d);
  auto const got = ga->lambdaHost();
  for (std::size_t j = 0; j < 5; ++j) {
    // lambda <- relu(lambda + c g) (ineq),  mu <- mu + c h (eq)
    double const want = kIneq[j] ? std::max(kLambda[j] + c * kG[j], 0.0) : kLambda[j] + c * kG[j];
    EXPECT_NEAR(got[j], want, 1e-15) << j;
  }
  saddle::optim::Formulation pen(formulation("quadratic_penalty"), kIneq);
  EXPECT_FALSE(pen.hasMultipliers());
  EXPECT_TRUE(f.hasMultipliers());
}

TEST(Formulation, RejectsNonPositivePenaltyWhereItDividesOrVanishes) {
  for (std::string name : {"augmented_lagrangian", "quadratic_penalty"})
    for (double c : {0.0, -1.0}) {
      try {
        saddle::optim::Formulation f(formulation(name, {1.0, c, 1.0, 1.0, 1.0}), kIneq);
        ADD_FAILURE() << name << " accepted c = " << c;
      } catch (saddle::InputError const& e) {
        std::string const what = e.what();
        EXPECT_NE(what.find("formulation.penalty"), std::string::npos) << what;
        EXPECT_NE(what.find("must be > 0"), std::string::npos) << what;
      }
    }
  // fixed penalty: any c on equalities, c >= 0 on inequalities
  EXPECT_NO_THROW(
      saddle::optim::Formulation(formulation("fixed_penalty", {0, 0, 0, -3, 2}), kIneq));
  EXPECT_THROW(saddle::optim::Formulation(formulation("fixed_penalty", {-1, 0, 0, 0, 0}), kIneq),
               saddle::InputError);
  auto bad = formulation("lagrangian");
  bad.penalty_update = "multiplicative";
  EXPECT_THROW(saddle::optim::Formulation(bad, kIneq), saddle::InputError);
  bad = formulation("lagrangean");
  EXPECT_THROW(saddle::optim::Formulation(bad, kIneq), saddle::InputError);
}

TEST(PenaltyUpdaters, MultiplicativeAndAdditiveWithToleranceResetAndCap) {
  ExecSpace space;
  Vec const c0 = {1.0, 1.0, 1.0, 1.0, 1.0};
  // g: violated beyond tol, strictly feasible, within tol, |h| beyond tol, |h| within tol
  Vec const g = {0.5, -0.3, 0.05, -0.4, 0.01};
  for (std::string rule : {"multiplicative", "additive"}) {
    for (bool reset : {false, true}) {
      auto cfg = formulation("augmented_lagrangian", c0);
      cfg.penalty_update = rule;
      cfg.penalty_growth = 3.0;
      cfg.penalty_increment = 0.5;
      cfg.penalty_tolerance = 0.1;
      cfg.penalty_max = 5.0;
      cfg.penalty_reset_feasible = reset;
      saddle::optim::Formulation f(cfg, kIneq);
      f.updatePenalty(space, dev(g));
      f.updatePenalty(space, dev({-0.1, -0.3, 0.05, -0.4, 0.01}));
      auto const got = f.penaltyHost();
      double const grown1 = rule == "multiplicative" ? 3.0 : 1.5;
      double const grown2 = rule == "multiplicative" ? 5.0 : 2.0; // 9 capped at 5
      // entry 0: grown once, then strictly feasible (reset to c0 if asked, else kept)
      EXPECT_DOUBLE_EQ(got[0], reset ? 1.0 : grown1) << rule;
      EXPECT_DOUBLE_EQ(got[1], 1.0) << rule;    // never violated
      EXPECT_DOUBLE_EQ(got[2], 1.0) << rule;    // within tolerance
      EXPECT_DOUBLE_EQ(got[3], grown2) << rule; // equality violated twice (|h| = 0.4)
      EXPECT_DOUBLE_EQ(got[4], 1.0) << rule;
    }
  }
}

TEST(Schedules, LinearGeometricConstant) {
  using saddle::optim::ScheduleConfig;
  using saddle::optim::ToleranceSchedule;
  ToleranceSchedule const lin(ScheduleConfig{"linear", 1.0, 0.1, 10, "schedule"});
  EXPECT_DOUBLE_EQ(lin.value(0), 1.0);
  EXPECT_DOUBLE_EQ(lin.value(5), 0.55);
  EXPECT_DOUBLE_EQ(lin.value(10), 0.1);
  EXPECT_DOUBLE_EQ(lin.value(1000), 0.1);
  ToleranceSchedule const geo(ScheduleConfig{"geometric", 1.0, 0.01, 4, "schedule"});
  EXPECT_DOUBLE_EQ(geo.value(0), 1.0);
  EXPECT_NEAR(geo.value(2), 0.1, 1e-15);
  EXPECT_NEAR(geo.value(1), std::pow(0.01, 0.25), 1e-15);
  EXPECT_DOUBLE_EQ(geo.value(4), 0.01);
  ToleranceSchedule const cst(ScheduleConfig{"constant", 5.0, 0.2, 1, "schedule"});
  EXPECT_DOUBLE_EQ(cst.value(0), 0.2);
  Vec v = {1.0, 0.0};
  lin.shift(v, 5); // g <= eps  ->  g - eps <= 0
  EXPECT_DOUBLE_EQ(v[0], 0.45);
  EXPECT_DOUBLE_EQ(v[1], -0.55);
  EXPECT_THROW(ToleranceSchedule(ScheduleConfig{"geometric", 1.0, 0.0, 4, "s"}),
               saddle::InputError);
  EXPECT_THROW(ToleranceSchedule(ScheduleConfig{"linear", 1.0, 0.0, 0, "s"}), saddle::InputError);
  EXPECT_THROW(ToleranceSchedule(ScheduleConfig{"cosine", 1.0, 0.0, 4, "s"}), saddle::InputError);
}

// One step of each order on f = x^2/2, g = x - 1 <= 0 from x = 3, lambda = 0, GA with step
// a and SGD with step b, against the order's definition (gda.hpp) computed by hand.
TEST(UpdateOrders, OneStepOfEachOrder) {
  saddle::optim::ConstrainedProblem p;
  p.n_vars = 1;
  p.n_ineq = 1;
  p.objective = [](Vec const& x, Vec& g) {
    g[0] = x[0];
    return 0.5 * x[0] * x[0];
  };
  p.inequality = [](Vec const& x, Vec& g) { g[0] = x[0] - 1.0; };
  p.inequality_jacobian = [](Vec const&, Vec& j) { j[0] = 1.0; };
  double const a = 0.5, b = 0.1, x0 = 3.0;
  auto run = [&](saddle::optim::UpdateOrder order, bool extragradient) {
    saddle::optim::DualConfig dc;
    dc.optimizer = extragradient ? "extragradient" : "gradient_ascent";
    dc.lr = {a};
    auto dual = saddle::optim::makeDualOptimizer(dc, {true});
    saddle::optim::Formulation f(formulation("lagrangian"), {true});
    saddle::optim::HostPrimalOptimizer primal({"sgd", b});
    saddle::optim::GdaOptions o;
    o.order = order;
    o.steps = 1;
    auto const r = saddle::optim::runGda(p, {x0}, primal, *dual, f, o);
    return std::make_pair(r.x[0], r.lambda[0]);
  };
  using saddle::optim::UpdateOrder;
  double const l1 = a * (x0 - 1); // lambda_1 = a g(x_0)
  auto const sim = run(UpdateOrder::Simultaneous, false);
  EXPECT_DOUBLE_EQ(sim.first, x0 - b * (x0 + 0.0)); // gradient at lambda_0 = 0
  EXPECT_DOUBLE_EQ(sim.second, l1);
  auto const df = run(UpdateOrder::DualFirst, false);
  EXPECT_DOUBLE_EQ(df.first, x0 - b * (x0 + l1));
  EXPECT_DOUBLE_EQ(df.second, l1);
  auto const pf = run(UpdateOrder::PrimalFirst, false);
  double const x1 = x0 - b * x0;
  EXPECT_DOUBLE_EQ(pf.first, x1);
  EXPECT_DOUBLE_EQ(pf.second, a * (x1 - 1)); // fresh evaluation at x_1
  auto const ex = run(UpdateOrder::Extrapolation, true);
  double const xh = x0 - b * x0, lh = a * (x0 - 1); // look-ahead point
  EXPECT_DOUBLE_EQ(ex.first, x0 - b * (xh + lh));
  EXPECT_DOUBLE_EQ(ex.second, a * (xh - 1));
  EXPECT_THROW(saddle::optim::parseUpdateOrder("sequential", "run.order"), saddle::InputError);
  EXPECT_EQ(saddle::optim::parseUpdateOrder("extrapolation"), UpdateOrder::Extrapolation);
}

// f = x0^4/4 + x1^2 - x0 x1 ;  h = x0^2 + x1 - 1 (the problem)
saddle::optim::ConstrainedProblem quarticWithParabola() {
  saddle::optim::ConstrainedProblem p;
  p.n_vars = 2;
  p.n_eq = 1;
  p.objective = [](Vec const& x, Vec& g) {
    g[0] = x[0] * x[0] * x[0] - x[1];
    g[1] = 2 * x[1] - x[0];
    return 0.25 * std::pow(x[0], 4) + x[1] * x[1] - x[0] * x[1];
  };
  p.equality = [](Vec const& x, Vec& h) { h[0] = x[0] * x[0] + x[1] - 1.0; };
  p.equality_jacobian = [](Vec const& x, Vec& j) {
    j[0] = 2 * x[0];
    j[1] = 1.0;
  };
  return p;
}

/// Iterates x_{t+1}, multipliers lambda_{t+1} and constraints h(x_t) of 200 dual-first steps.
struct Trajectory {
  std::vector<Vec> x, mu, h;
};
Trajectory dualFirst(saddle::optim::DualConfig const& dual, FormulationConfig const& form) {
  saddle::optim::GdaOptions o;
  o.order = saddle::optim::UpdateOrder::DualFirst;
  o.steps = 200;
  auto d = saddle::optim::makeDualOptimizer(dual, {false});
  saddle::optim::Formulation f(form, {false});
  saddle::optim::HostPrimalOptimizer primal({"sgd", 0.05});
  Trajectory tr;
  saddle::optim::runGda(quarticWithParabola(), {0.3, -0.2}, primal, *d, f, o,
                        [&tr](saddle::optim::GdaStep const& s) {
                          tr.x.push_back(s.x);
                          tr.mu.push_back(s.lambda);
                          tr.h.push_back(s.constraints);
                          return true;
                        });
  return tr;
}

// Optimism equals the augmented Lagrangian (Sohrabi et al. 2024: nuPI with nu = 0 is optimistic
// ascent): dual-first alternating GDA with nuPI(nu = 0, xi_{-1} = 0) on the Lagrangian, with eta
// K_P = c and eta K_I = eta_mu, gives the primal iterates of dual-first augmented-Lagrangian GDA
// with penalty c and dual step eta_mu. Derivation: with h_{-1} = 0 the proportional terms
// telescope, mu~_{t+1} = eta_mu sum_{s<=t} h(x_s) + c h(x_t) = mu_{t+1} + c h(x_t), and the AL
// primal weight is mu_{t+1} + c h(x_t): the same gradient at every step.
TEST(OptimismEqualsAugmentedLagrangian, TwoHundredDualFirstSteps) {
  double const c = 0.5, eta_mu = 0.2, eta = 0.1;
  saddle::optim::DualConfig pi;
  pi.optimizer = "nupi";
  pi.lr = {eta};
  pi.kp = {c / eta};
  pi.ki = {eta_mu / eta};
  pi.nu = {0.0};
  auto const a = dualFirst(pi, formulation("lagrangian"));
  saddle::optim::DualConfig ga;
  ga.lr = {eta_mu};
  auto const b = dualFirst(ga, formulation("augmented_lagrangian", {c}));
  ASSERT_EQ(a.x.size(), 200u);
  double dx = 0, dmu = 0;
  for (std::size_t t = 0; t < a.x.size(); ++t) {
    for (int i = 0; i < 2; ++i)
      dx = std::max(dx, std::fabs(a.x[t][i] - b.x[t][i]));
    // mu~_{t+1} = mu_{t+1} + c h(x_t)
    dmu = std::max(dmu, std::fabs(a.mu[t][0] - (b.mu[t][0] + c * b.h[t][0])));
  }
  std::printf("[ figures  ] optimism vs augmented Lagrangian, 200 steps: max |x diff| = %.3g, "
              "max |mu~ - (mu + c h)| = %.3g\n",
              dx, dmu);
  // both sides round differently (K_P (h_t - h_{t-1}) summed vs c h_t): ulps per step on O(1)
  // iterates of a contracting iteration; the bound
  EXPECT_LT(dx, 1e-12);
  EXPECT_LT(dmu, 1e-12);
  // and the iteration went somewhere: the constraint is nearly satisfied at the end
  EXPECT_LT(std::fabs(b.h.back()[0]), 1e-3);
}

} // namespace
