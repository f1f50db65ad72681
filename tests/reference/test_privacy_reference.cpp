// Reference values of the privacy accountants: Opacus, Google's dp_accounting, and closed forms
// of the Gaussian mechanism. Each value names its source and tolerance.
#include "saddle/privacy/calibration.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/pld.hpp"
#include "saddle/privacy/rdp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

using saddle::Accountant;

double normalCdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

/// Exact delta(eps) of the Gaussian mechanism with mu = sensitivity / noise std (Balle & Wang
/// 2018, Thm 8; Dong, Roth, Su 2019 for mu-GDP): Phi(-eps/mu + mu/2) - e^eps Phi(-eps/mu - mu/2).
double gaussianDelta(double mu, double eps) {
  return normalCdf(-eps / mu + mu / 2.0) - std::exp(eps) * normalCdf(-eps / mu - mu / 2.0);
}

/// The eps with gaussianDelta(mu, eps) = delta, by bisection (delta decreases in eps).
double gaussianEpsilon(double mu, double delta) {
  double lo = 0.0;
  double hi = 100.0;
  for (int i = 0; i < 200; ++i) {
    double const mid = 0.5 * (lo + hi);
    (gaussianDelta(mu, mid) > delta ? lo : hi) = mid;
  }
  return hi;
}

// Opacus, opacus/tests/accountants_test.py, test_rdp_accountant: sigma = 1.5, q = 0.04,
// steps = int(90 / 0.04) = 2250, delta = 1e-5 -> epsilon = 7.32911117143 (assertAlmostEqual,
// 7 places). Best order 3.9 (a fractional order: the exact signed series, as Opacus).
// Tolerance: 1e-6 relative (the requirement).
TEST(PrivacyReference, OpacusRdpEpsilon) {
  saddle::PrivacyLedger ledger;
  for (int step = 0; step < 2250; ++step) // one compose per round, as in training
    ledger.compose(0.04, 1.5);
  saddle::RdpEpsilon const e = ledger.epsilon(1e-5);
  EXPECT_NEAR(e.epsilon, 7.32911117143, 1e-6 * 7.32911117143);
  EXPECT_DOUBLE_EQ(e.best_order, 3.9);
  EXPECT_FALSE(e.at_grid_edge);
}

// Google dp_accounting, rdp/rdp_privacy_accountant_test.py (compute_rdp of the Poisson
// subsampled Gaussian): q = 0.01, sigma = 2.5, 50 steps, orders 5, 50, 100 (integer orders:
// exact binomial expansion in both). Values printed to 9 significant digits: 1e-8 relative.
TEST(PrivacyReference, DpAccountingRdpIntegerOrders) {
  std::vector<double> const orders{5.0, 50.0, 100.0};
  std::vector<double> const expected{2.18075656e-3, 2.38460375e-2, 167.416308};
  for (std::size_t i = 0; i < orders.size(); ++i) {
    double const rdp = 50.0 * saddle::rdpSampledGaussian(0.01, 2.5, orders[i]);
    EXPECT_NEAR(rdp, expected[i], 1e-8 * expected[i]) << "order " << orders[i];
  }
}

// Same dp_accounting test at fractional orders 1.5 and 2.5: 6.70579741e-4, 1.08548710e-3.
// dp_accounting sums the absolute values of the series terms (an upper bound on A_alpha); our
// RdpSeries::AbsoluteTerms is that sum and matches to 1e-8 relative (9 printed digits). Our
// default (RdpSeries::Exact, the signed series, as Opacus) is the exact RDP and therefore
// smaller: 6.5007e-4 at order 1.5 (3% lower), 1.08542e-3 at 2.5 (6e-5 lower). The exact value
// is checked against quadrature in tests/unit/test_accounting_rdp.cpp.
TEST(PrivacyReference, DpAccountingRdpFractionalOrders) {
  std::vector<double> const orders{1.5, 2.5};
  std::vector<double> const expected{6.70579741e-4, 1.08548710e-3};
  for (std::size_t i = 0; i < orders.size(); ++i) {
    double const upper =
        50.0 * saddle::rdpSampledGaussian(0.01, 2.5, orders[i], saddle::RdpSeries::AbsoluteTerms);
    double const exact = 50.0 * saddle::rdpSampledGaussian(0.01, 2.5, orders[i]);
    EXPECT_NEAR(upper, expected[i], 1e-8 * expected[i]) << "order " << orders[i];
    EXPECT_LT(exact, upper) << "order " << orders[i];
    EXPECT_GT(exact, 0.9 * upper) << "order " << orders[i];
  }
}

// q = 1, sigma = 4.530877117, one step, delta = 1e-6: (epsilon, delta) = (1, 1e-6). This is the
// value certified by RDP with the Balle et al. 2020 Thm 21 conversion (best order 22): we get
// epsilon = 1.0000003 (sigma is given to 10 digits), tolerance 1e-6. It is not the exact
// (analytic Gaussian, Balle & Wang 2018) epsilon of this mechanism: that is 0.92739 at
// delta = 1e-6 (equivalently delta(1) = 2.16e-7), from the closed form, which the PLD
// accountant reproduces within its stated bound (q = 1: exact up to discretization).
TEST(PrivacyReference, GaussianMechanismRdpAndPld) {
  double const sigma = 4.530877117;
  saddle::PrivacyLedger ledger;
  ledger.compose(1.0, sigma, 1);
  EXPECT_NEAR(ledger.epsilon(1e-6).epsilon, 1.0, 1e-6);

  saddle::PrivacyLossDistribution const pld({{1.0, sigma, 1}});
  double const mu = 1.0 / sigma;
  double const exact_eps = gaussianEpsilon(mu, 1e-6);
  double const eps = pld.epsilon(1e-6);
  EXPECT_GE(eps, exact_eps - 1e-12);
  // delta slack tau = 1e-14 moves epsilon by < 1e-7 here (|d eps / d delta| < 10 / delta).
  EXPECT_LE(eps, exact_eps + pld.epsilonErrorBound() + 1e-7);
  EXPECT_LT(eps, ledger.epsilon(1e-6).epsilon); // the PLD is the tighter accountant
  double const delta1 = pld.delta(1.0);
  EXPECT_GE(delta1, gaussianDelta(mu, 1.0) * (1.0 - 1e-12)); // 1e-12: floating-point slack
  EXPECT_LE(delta1, gaussianDelta(mu, 1.0 - pld.epsilonErrorBound()) + pld.deltaErrorBound());
}

// The Gaussian mechanism composed 3 times with sigma = sqrt(3) is mu-GDP with mu = 1 (Dong,
// Roth, Su 2019): delta(epsilon = 1) = Phi(-eps/mu + mu/2) - e^eps Phi(-eps/mu - mu/2)
// = 0.126936 (6 digits, the value; the closed form is recomputed here). The PLD must
// lie within its stated bound: delta_true(1) <= delta <= delta_true(1 - n Delta) + tau.
TEST(PrivacyReference, PldGaussianComposition) {
  saddle::PrivacyLossDistribution const pld({{1.0, std::sqrt(3.0), 3}});
  double const exact = gaussianDelta(1.0, 1.0);
  EXPECT_NEAR(exact, 0.126936, 1e-6);
  double const delta = pld.delta(1.0);
  EXPECT_NEAR(delta, 0.126936, 1e-6);
  EXPECT_GE(delta, exact * (1.0 - 1e-12)); // 1e-12: floating-point slack of FFT, closed form
  EXPECT_LE(delta, gaussianDelta(1.0, 1.0 - pld.epsilonErrorBound()) + pld.deltaErrorBound());
  EXPECT_DOUBLE_EQ(pld.epsilonErrorBound(), 3.0 * 1e-4);
}

// Opacus, opacus/tests/accountants_test.py, test_get_noise_multiplier_rdp_epochs / _steps:
// target epsilon = 8, delta = 1e-5, q = 0.04: 90 epochs -> 1.416, 2000 steps -> 1.3562, with
// get_noise_multiplier's default epsilon_tolerance = 0.01 (it returns the upper end of a
// bisection bracket whose epsilon is within [8 - 0.01, 8]). Checks: Opacus' sigma meets the
// target within that tolerance under our accountant; ours meets it, is the smaller (it is the
// smallest to 1e-6 relative) and within 1e-3 of theirs.
TEST(PrivacyReference, OpacusNoiseCalibration) {
  struct Case {
    std::int64_t steps;
    double opacus_sigma;
  };
  std::int64_t const epoch_steps = saddle::stepsFromEpochs(90.0, 0.04);
  EXPECT_EQ(epoch_steps, 2250);
  for (Case const c : {Case{epoch_steps, 1.416}, Case{2000, 1.3562}}) {
    double const theirs =
        saddle::accountedEpsilon(c.opacus_sigma, 0.04, c.steps, 1e-5, Accountant::Rdp);
    EXPECT_LE(theirs, 8.0) << c.steps;
    EXPECT_GE(theirs, 8.0 - 0.01) << c.steps;
    double const sigma = saddle::calibrateSigma(8.0, 1e-5, 0.04, c.steps, Accountant::Rdp);
    double const ours = saddle::accountedEpsilon(sigma, 0.04, c.steps, 1e-5, Accountant::Rdp);
    EXPECT_LE(ours, 8.0) << c.steps;
    EXPECT_GE(ours, 8.0 - 0.01) << c.steps;
    EXPECT_LE(sigma, c.opacus_sigma) << c.steps;
    EXPECT_NEAR(sigma, c.opacus_sigma, 1e-3) << c.steps;
  }
}

// PLD calibration for the same target: the PLD epsilon is tighter than RDP's, so less noise is
// needed; the result meets the target and is the smallest sigma to the stated tolerance.
TEST(PrivacyReference, PldNoiseCalibration) {
  saddle::CalibrationOptions options;
  options.sigma_rtol = 1e-4;
  double const sigma = saddle::calibrateSigma(8.0, 1e-5, 0.04, 2000, Accountant::Pld, options);
  EXPECT_LE(saddle::accountedEpsilon(sigma, 0.04, 2000, 1e-5, Accountant::Pld, options), 8.0);
  EXPECT_GT(
      saddle::accountedEpsilon(sigma * (1.0 - 2e-4), 0.04, 2000, 1e-5, Accountant::Pld, options),
      8.0);
  EXPECT_LT(sigma, saddle::calibrateSigma(8.0, 1e-5, 0.04, 2000, Accountant::Rdp));
}

} // namespace
