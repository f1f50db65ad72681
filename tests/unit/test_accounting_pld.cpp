// The PLD accountant: discretization invariants, upper bounds against closed forms (composed
// Gaussians, one subsampled release), its stated error bound, and edge cases.
#include "saddle/core/error.hpp"
#include "saddle/privacy/detail/pld_grid.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/pld.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using saddle::MechanismEntry;
using saddle::PrivacyLossDistribution;
using saddle::detail::PldDirection;

/// Floating-point slack of the lower-bound checks: the FFT and the closed forms each round at
/// about 1e-16 of the values they combine (not part of the method's stated bound).
double roundingSlack(double delta) {
  return 1e-12 * delta + 1e-15;
}

double normalCdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

/// Exact delta(eps) of a mu-GDP (Gaussian) mechanism (Dong, Roth, Su 2019, Cor. 2.13).
double gaussianDelta(double mu, double eps) {
  return normalCdf(-eps / mu + mu / 2.0) - std::exp(eps) * normalCdf(-eps / mu - mu / 2.0);
}

/// P(X > x) for X ~ (1-w) N(0, s^2) + w N(1, s^2).
double mixtureUpper(double w, double s, double x) {
  return (1.0 - w) * normalCdf(-x / s) + w * normalCdf(-(x - 1.0) / s);
}

/// Exact delta(eps) of ONE Poisson-subsampled Gaussian release, max over the two directions.
/// The privacy loss is monotone in x, so {p > e^eps q} is a half-line {x > x_r} (remove:
/// P = mixture, Q = N(0)) or {x < x_a} (add: P = N(0), Q = mixture), with the thresholds from
/// e^{+-eps} = 1 - q + q e^{(2x-1)/(2 s^2)}.
double subsampledDelta(double q, double s, double eps) {
  double const x_r = s * s * std::log((std::exp(eps) - 1.0 + q) / q) + 0.5;
  double const remove = mixtureUpper(q, s, x_r) - std::exp(eps) * normalCdf(-x_r / s);
  double add = 0.0;
  if (std::exp(-eps) > 1.0 - q) {
    double const x_a = s * s * std::log((std::exp(-eps) - 1.0 + q) / q) + 0.5;
    add = normalCdf(x_a / s) - std::exp(eps) * (1.0 - mixtureUpper(q, s, x_a));
  }
  return std::max(remove, add);
}

// One release's discrete distribution keeps the total P-mass (finite + infinite = 1) and is a
// valid pair (Q-mass sum_i m_i e^{-l_i} <= 1).
TEST(AccountingPld, DiscretizationKeepsMass) {
  for (PldDirection const dir : {PldDirection::Remove, PldDirection::Add})
    for (double const q : {1.0, 0.3, 0.01})
      for (double const sigma : {0.7, 2.0}) {
        double const interval = 1e-3;
        auto const d = saddle::detail::discretizeSampledGaussian(q, sigma, dir, interval, 1e-18,
                                                                 std::int64_t{1} << 24);
        double p = d.infinity_mass;
        double qm = 0.0;
        for (std::size_t i = 0; i < d.mass.size(); ++i) {
          EXPECT_GE(d.mass[i], 0.0);
          p += d.mass[i];
          qm += d.mass[i] * std::exp(-static_cast<double>(d.first + std::int64_t(i)) * interval);
        }
        EXPECT_NEAR(p, 1.0, 1e-12) << q << " " << sigma;
        EXPECT_LE(qm, 1.0 + 1e-12) << q << " " << sigma;
        EXPECT_GE(qm, 1.0 - 1e-6) << q << " " << sigma; // only truncated tails are lost
      }
}

// Compositions of Gaussian mechanisms with different sigmas are mu-GDP with
// mu^2 = sum_k n_k / sigma_k^2: the PLD lies within its stated bound at several epsilons.
TEST(AccountingPld, HeterogeneousGaussiansWithinStatedBound) {
  std::vector<MechanismEntry> const entries{{1.0, 3.0, 4}, {1.0, 1.7, 2}, {1.0, 8.0, 10}};
  double const mu = std::sqrt(4.0 / 9.0 + 2.0 / (1.7 * 1.7) + 10.0 / 64.0);
  PrivacyLossDistribution const pld(entries);
  EXPECT_EQ(pld.releases(), 16);
  for (double const eps : {0.0, 0.5, 1.0, 2.0, 4.0}) {
    double const delta = pld.delta(eps);
    EXPECT_GE(delta, gaussianDelta(mu, eps) - roundingSlack(delta)) << eps;
    EXPECT_LE(delta, gaussianDelta(mu, eps - pld.epsilonErrorBound()) + pld.deltaErrorBound())
        << eps;
  }
}

// One subsampled release against its exact hockey-stick divergence (both directions).
TEST(AccountingPld, SubsampledReleaseWithinStatedBound) {
  for (double const q : {0.05, 0.5})
    for (double const sigma : {0.8, 2.0}) {
      PrivacyLossDistribution const pld({{q, sigma, 1}});
      for (double const eps : {0.05, 0.3, 1.0, 2.0}) {
        double const exact = subsampledDelta(q, sigma, eps);
        double const delta = pld.delta(eps);
        EXPECT_GE(delta, exact - roundingSlack(exact)) << q << " " << sigma << " " << eps;
        EXPECT_LE(delta,
                  subsampledDelta(q, sigma, eps - pld.epsilonErrorBound()) + pld.deltaErrorBound())
            << q << " " << sigma << " " << eps;
      }
    }
}

// epsilon(delta) inverts delta(epsilon); both are monotone.
TEST(AccountingPld, EpsilonInvertsDelta) {
  PrivacyLossDistribution const pld({{0.02, 1.2, 500}, {0.02, 3.0, 500}});
  double previous = 1.0;
  for (double const eps : {0.25, 0.5, 1.0, 1.5}) {
    double const delta = pld.delta(eps);
    EXPECT_LT(delta, previous);
    previous = delta;
    EXPECT_NEAR(pld.epsilon(delta), eps, 1e-9) << eps;
  }
  // Tighter than RDP on the same composition.
  saddle::PrivacyLedger ledger;
  ledger.compose(0.02, 1.2, 500);
  ledger.compose(0.02, 3.0, 500);
  EXPECT_LT(pld.epsilon(1e-5), ledger.epsilon(1e-5).epsilon);
  EXPECT_NEAR(ledger.pldEpsilon(1e-5), pld.epsilon(1e-5), 1e-12);
}

// A finer grid moves epsilon by far less than the worst-case bound n Delta (second order).
TEST(AccountingPld, FinerGridConverges) {
  std::vector<MechanismEntry> const entries{{0.04, 1.5, 300}};
  saddle::PldOptions coarse;
  coarse.interval = 4e-4;
  saddle::PldOptions fine;
  fine.interval = 1e-4;
  double const e_coarse = saddle::pldEpsilon(entries, 1e-5, coarse);
  double const e_fine = saddle::pldEpsilon(entries, 1e-5, fine);
  EXPECT_GE(e_coarse, e_fine - 1e-9); // a coarser grid is never less pessimistic here
  EXPECT_LT(e_coarse - e_fine, 0.01 * 300 * 4e-4);
}

TEST(AccountingPld, EdgeCasesAndErrors) {
  PrivacyLossDistribution const none({});
  EXPECT_EQ(none.delta(0.0), 0.0);
  EXPECT_EQ(none.epsilon(1e-9), 0.0);
  PrivacyLossDistribution const open({{0.1, 1.0, 10}, {0.1, 0.0, 1}});
  EXPECT_EQ(open.delta(5.0), 1.0);
  EXPECT_EQ(open.epsilon(1e-5), std::numeric_limits<double>::infinity());
  EXPECT_THROW(PrivacyLossDistribution({{0.0, 1.0, 1}}), saddle::InputError);
  EXPECT_THROW(PrivacyLossDistribution({{0.5, -1.0, 1}}), saddle::InputError);
  EXPECT_THROW(PrivacyLossDistribution({{0.5, 1.0, -1}}), saddle::InputError);
  saddle::PldOptions bad;
  bad.interval = 0.0;
  EXPECT_THROW(PrivacyLossDistribution({{0.5, 1.0, 1}}, bad), saddle::InputError);
  saddle::PldOptions tiny;
  tiny.max_points = 1000;
  EXPECT_THROW(PrivacyLossDistribution({{0.5, 1.0, 1}}, tiny), saddle::Error);
  PrivacyLossDistribution const pld({{0.5, 1.0, 1}});
  EXPECT_THROW(pld.epsilon(0.0), saddle::InputError);
  EXPECT_THROW(pld.delta(-1.0), saddle::InputError);
}

} // namespace
