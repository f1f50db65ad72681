// Dual optimizers against host oracles written from the papers' formulas, iterate by iterate:
// the nuPI special cases of Sohrabi et al. 2024 (gradient ascent, optimistic gradient, Polyak
// and Nesterov momentum), its two initializations, Adam, indexed (sparse) steps, dual
// restarts, extrapolation, checkpoints and configuration errors.
#include "saddle/core/error.hpp"
#include "saddle/optim/dual_optimizer.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

namespace {

using saddle::ExecSpace;
using saddle::optim::DualConfig;
using saddle::optim::DualOptimizer;
using saddle::optim::makeDualOptimizer;
using Vec = std::vector<double>;

// A closed loop: the dual player sees e(lambda) = b - M lambda, the violation of a primal
// player that responds linearly to the multipliers. Entries 0..2 are inequalities, entry 3 an
// equality; b has a negative entry so that the projection onto lambda >= 0 is active at times.
std::vector<bool> const kIneq = {true, true, true, false};
Vec violationAt(Vec const& lambda) {
  static double const m[4][4] = {
      {0.9, 0.2, 0.0, 0.1}, {0.2, 0.7, 0.1, 0.0}, {0.0, 0.1, 0.5, 0.2}, {0.1, 0.0, 0.2, 0.8}};
  static double const b[4] = {1.0, -0.6, 0.4, -0.3};
  Vec e(4);
  for (int i = 0; i < 4; ++i) {
    e[i] = b[i];
    for (int j = 0; j < 4; ++j)
      e[i] -= m[i][j] * lambda[j];
  }
  return e;
}
double project(double v, bool ineq) {
  return ineq ? std::max(v, 0.0) : v;
}

/// Run `steps` closed-loop steps of an optimizer; returns the iterates lambda_1..lambda_T.
std::vector<Vec> runOptimizer(DualOptimizer& dual, int steps) {
  ExecSpace space;
  std::vector<Vec> out;
  for (int t = 0; t < steps; ++t) {
    dual.stepHost(space, violationAt(dual.lambdaHost()));
    out.push_back(dual.lambdaHost());
  }
  return out;
}

/// Run a host oracle: `update(lambda, e, t)` returns lambda_{t+1}.
std::vector<Vec> runOracle(std::function<Vec(Vec const&, Vec const&, int)> const& update,
                           int steps) {
  Vec lambda(4, 0.0);
  std::vector<Vec> out;
  for (int t = 0; t < steps; ++t) {
    lambda = update(lambda, violationAt(lambda), t);
    out.push_back(lambda);
  }
  return out;
}

// Iterates agree to `tol` absolutely (iterates are O(1); see each test for the tolerance).
void expectSameIterates(std::vector<Vec> const& a, std::vector<Vec> const& b, double tol,
                        double* max_diff = nullptr) {
  ASSERT_EQ(a.size(), b.size());
  double worst = 0.0;
  for (std::size_t t = 0; t < a.size(); ++t)
    for (std::size_t j = 0; j < a[t].size(); ++j) {
      worst = std::max(worst, std::fabs(a[t][j] - b[t][j]));
      ASSERT_NEAR(a[t][j], b[t][j], tol) << "step " << t + 1 << " multiplier " << j;
    }
  if (max_diff)
    *max_diff = worst;
}

DualConfig nupi(Vec kp, Vec ki, Vec nu, double lr = 1.0, std::string init = "zeros") {
  DualConfig c;
  c.optimizer = "nupi";
  c.kp = std::move(kp);
  c.ki = std::move(ki);
  c.nu = std::move(nu);
  c.lr = {lr};
  c.init = std::move(init);
  return c;
}

constexpr int kSteps = 150;
// Tolerance of the special-case identities: the two sides compute the same real numbers in a
// different order (e.g. K_I e + K_P (xi_t - xi_{t-1}) against alpha m_t with K_P ~ 10^2 alpha),
// so they differ by rounding: a few hundred ulps of O(1) iterates per step, not growing
// because the closed loop contracts. 1e-12 is the bound.
constexpr double kTol = 1e-12;

TEST(NupiSpecialCases, GradientAscentIsKp0Ki1Nu0) {
  double const eta = 0.3;
  // oracle: lambda <- P(lambda + eta e)
  auto const ga = [eta](Vec const& l, Vec const& e, int) {
    Vec n(4);
    for (int j = 0; j < 4; ++j)
      n[j] = project(l[j] + eta * e[j], kIneq[j]);
    return n;
  };
  auto const want = runOracle(ga, kSteps);
  auto pi = makeDualOptimizer(nupi({0.0}, {1.0}, {0.0}, eta), kIneq);
  DualConfig gc;
  gc.optimizer = "gradient_ascent";
  gc.lr = {eta};
  auto plain = makeDualOptimizer(gc, kIneq);
  double diff = 0;
  expectSameIterates(runOptimizer(*pi, kSteps), want, kTol, &diff);
  expectSameIterates(runOptimizer(*plain, kSteps), want, kTol);
  std::printf("[ figures  ] nuPI(0,1,0) vs gradient ascent: max |diff| = %.3g\n", diff);
  // the projection was active at some step (the test covers it)
  bool clipped = false;
  for (auto const& l : want)
    clipped = clipped || l[1] == 0.0;
  EXPECT_TRUE(clipped);
}

TEST(NupiSpecialCases, OptimisticIsKp1Ki1Nu0) {
  double const eta = 0.3;
  // oracle: lambda <- P(lambda + eta (2 e_t - e_{t-1})), e_{-1} = 0
  Vec prev(4, 0.0);
  auto const og = [eta, &prev](Vec const& l, Vec const& e, int) {
    Vec n(4);
    for (int j = 0; j < 4; ++j)
      n[j] = project(l[j] + eta * (2.0 * e[j] - prev[j]), kIneq[j]);
    prev = e;
    return n;
  };
  auto const want = runOracle(og, kSteps);
  auto pi = makeDualOptimizer(nupi({1.0}, {1.0}, {0.0}, eta), kIneq);
  DualConfig oc;
  oc.optimizer = "optimistic";
  oc.lr = {eta};
  oc.optimism = {1.0};
  auto opt = makeDualOptimizer(oc, kIneq);
  double diff = 0;
  expectSameIterates(runOptimizer(*pi, kSteps), want, kTol, &diff);
  expectSameIterates(runOptimizer(*opt, kSteps), want, kTol);
  std::printf("[ figures  ] nuPI(1,1,0) vs optimistic gradient: max |diff| = %.3g\n", diff);
}

// Momentum under the nuPI paper's mapping, derived here. Heavy ball (m_{-1} = 0):
//   m_t = beta m_{t-1} + e_t,  lambda_{t+1} = lambda_t + alpha (m_t + gamma beta m_t ... )
// with gamma = 0 (Polyak: step alpha m_t) or gamma = 1 (Nesterov: step alpha (e_t + beta m_t)).
// nuPI with nu = beta: xi_t = (1 - beta) m_t solves xi_t = beta xi_{t-1} + (1 - beta) e_t with
// xi_{-1} = 0 (so xi_0 = (1 - beta) e_0). Using e_t = m_t - beta m_{t-1}:
//   u_t = K_I e_t + K_P (xi_t - xi_{t-1})
//       = [K_I + K_P (1 - beta)] m_t - [K_I beta + K_P (1 - beta)] m_{t-1}.
// Polyak needs u_t = alpha m_t:  K_I beta + K_P (1 - beta) = 0 and K_I (1 - beta) = alpha, so
//   K_I = alpha / (1 - beta),  K_P = -alpha beta / (1 - beta)^2.
// Nesterov needs u_t = alpha (1 + beta) m_t - alpha beta m_{t-1}:  K_I (1 - beta) = alpha and
//   K_P (1 - beta) = alpha beta - K_I beta  =>  K_P = -alpha beta^2 / (1 - beta)^2.
// Both are K_P = -alpha beta / (1 - beta)^2 [1 - gamma (1 - beta)]: the paper's table. The
// projection acts on lambda only, so the identity holds for projected iterates too. Here beta
// and alpha differ per constraint (per-constraint hyperparameters as Views).
void momentumCase(double gamma, char const* label) {
  Vec const beta = {0.9, 0.5, 0.8, 0.7}, alpha = {0.05, 0.1, 0.08, 0.06};
  Vec m(4, 0.0);
  auto const heavy = [&](Vec const& l, Vec const& e, int) {
    Vec n(4);
    for (int j = 0; j < 4; ++j) {
      m[j] = beta[j] * m[j] + e[j];
      double const step = gamma == 0.0 ? m[j] : e[j] + beta[j] * m[j];
      n[j] = project(l[j] + alpha[j] * step, kIneq[j]);
    }
    return n;
  };
  auto const want = runOracle(heavy, kSteps);
  Vec kp(4), ki(4);
  for (int j = 0; j < 4; ++j) {
    double const b = beta[j], a = alpha[j];
    ki[j] = a / (1.0 - b);
    kp[j] = -a * b / ((1.0 - b) * (1.0 - b)) * (1.0 - gamma * (1.0 - b));
  }
  auto pi = makeDualOptimizer(nupi(kp, ki, beta), kIneq);
  double diff = 0;
  expectSameIterates(runOptimizer(*pi, kSteps), want, kTol, &diff);
  std::printf("[ figures  ] nuPI vs %s momentum: max |diff| = %.3g\n", label, diff);
}

TEST(NupiSpecialCases, PolyakMomentum) {
  momentumCase(0.0, "Polyak");
}
TEST(NupiSpecialCases, NesterovMomentum) {
  momentumCase(1.0, "Nesterov");
}

TEST(NupiInitialization, ZerosAndSgdStoreTheXiOfTheirRecursion) {
  ExecSpace space;
  double const kp = 2.0, ki = 0.5, nu = 0.6, eta = 0.1;
  Vec const e0 = {0.4, -0.2, 0.3, -0.5}, e1 = {0.1, 0.3, -0.2, 0.2};
  for (std::string init : {"zeros", "sgd"}) {
    auto pi = makeDualOptimizer(nupi({kp}, {ki}, {nu}, eta, init), kIneq);
    pi->stepHost(space, e0);
    auto const l1 = pi->lambdaHost();
    auto const xi0 = pi->stateHost("xi");
    pi->stepHost(space, e1);
    auto const l2 = pi->lambdaHost();
    for (int j = 0; j < 4; ++j) {
      // xi_{-1} = 0 (zeros) or e_0 (sgd); xi_0 = nu xi_{-1} + (1 - nu) e_0
      double const xim1 = init == "sgd" ? e0[j] : 0.0;
      double const want_xi0 = nu * xim1 + (1 - nu) * e0[j];
      EXPECT_DOUBLE_EQ(xi0[j], want_xi0) << init << " " << j;
      if (init == "sgd") {
        EXPECT_DOUBLE_EQ(xi0[j], e0[j]); // not (1 - nu) e_0 (Cooper 1.0, its issue #107)
      }
      // lambda_1 = P(eta (K_I e_0 + K_P (xi_0 - xi_{-1}))): sgd makes it plain ascent with K_I
      double const want1 = project(eta * (ki * e0[j] + kp * (want_xi0 - xim1)), kIneq[j]);
      EXPECT_NEAR(l1[j], want1, 1e-15) << init << " " << j;
      if (init == "sgd") {
        EXPECT_NEAR(l1[j], project(eta * ki * e0[j], kIneq[j]), 1e-15);
      }
      double const xi1 = nu * want_xi0 + (1 - nu) * e1[j];
      double const want2 = project(want1 + eta * (ki * e1[j] + kp * (xi1 - want_xi0)), kIneq[j]);
      EXPECT_NEAR(l2[j], want2, 1e-15) << init << " " << j;
    }
  }
}

TEST(AdamAscent, MatchesOracle) {
  double const eta = 0.05, b1 = 0.8, b2 = 0.95, eps = 1e-8;
  Vec m(4, 0.0), v(4, 0.0);
  // Kingma & Ba 2015, Algorithm 1, as ascent, projected
  auto const adam = [&](Vec const& l, Vec const& e, int t) {
    Vec n(4);
    for (int j = 0; j < 4; ++j) {
      m[j] = b1 * m[j] + (1 - b1) * e[j];
      v[j] = b2 * v[j] + (1 - b2) * e[j] * e[j];
      double const mh = m[j] / (1 - std::pow(b1, t + 1)), vh = v[j] / (1 - std::pow(b2, t + 1));
      n[j] = project(l[j] + eta * mh / (std::sqrt(vh) + eps), kIneq[j]);
    }
    return n;
  };
  DualConfig c;
  c.optimizer = "adam";
  c.lr = {eta};
  c.beta1 = b1;
  c.beta2 = b2;
  c.epsilon = eps;
  auto opt = makeDualOptimizer(c, kIneq);
  // the bias corrections use exp(t log b) on the device and pow on the host: ulps apart
  expectSameIterates(runOptimizer(*opt, kSteps), runOracle(adam, kSteps), 1e-12);
}

TEST(DualWeightDecay, AscendsTheDecayedViolation) {
  ExecSpace space;
  DualConfig c;
  c.lr = {0.5};
  c.decay = {0.0, 0.2, 1.0, 0.5};
  auto ga = makeDualOptimizer(c, kIneq);
  ga->setLambda({1.0, 2.0, 0.5, -1.0});
  Vec const e = {0.3, 0.1, -0.2, 0.4};
  ga->stepHost(space, e);
  auto const got = ga->lambdaHost();
  Vec const l0 = {1.0, 2.0, 0.5, -1.0};
  for (int j = 0; j < 4; ++j) // lambda <- P(lambda + eta (e - decay lambda))
    EXPECT_DOUBLE_EQ(got[j], project(l0[j] + 0.5 * (e[j] - c.decay[j] * l0[j]), kIneq[j]));
  // the fixed point of the decayed ascent: e = decay * lambda where lambda > 0
  auto fp = makeDualOptimizer(c, kIneq);
  fp->setLambda({0.6, 1.5, 0.0, 0.8});
  fp->stepHost(space, {0.6 * 0.0, 1.5 * 0.2, -0.3, 0.8 * 0.5});
  auto const still = fp->lambdaHost();
  EXPECT_DOUBLE_EQ(still[1], 1.5);
  EXPECT_DOUBLE_EQ(still[2], 0.0);
  EXPECT_DOUBLE_EQ(still[3], 0.8);
}

} // namespace
