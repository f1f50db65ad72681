// RDP of the subsampled Gaussian and the PrivacyLedger: an independent quadrature oracle,
// composition additivity, state round trip, limits, grid-edge flag and input errors.
#include "saddle/core/error.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/rdp.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace {

using saddle::PrivacyLedger;

/// log A_alpha by composite Simpson quadrature of its definition (MTZ 2019, Sec. 3):
/// A - 1 = E_{z ~ N(0, s^2)} [ (1 - q + q e^{(2z-1)/(2 s^2)})^alpha - 1 ], the integrand taken
/// as expm1(alpha log1p(q expm1(u))) so that small values keep their relative accuracy.
double quadratureLogA(double q, double sigma, double alpha) {
  double const lo = -40.0 * sigma;
  double const hi = 40.0 * sigma + alpha; // covers the tilted peak near z = alpha
  int const n = 400000;                   // even; h ~ 1e-3 sigma: Simpson error << 1e-12
  double const h = (hi - lo) / n;
  double sum = 0.0;
  for (int i = 0; i <= n; ++i) {
    double const z = lo + i * h;
    double const u = (2.0 * z - 1.0) / (2.0 * sigma * sigma);
    double const f = std::expm1(alpha * std::log1p(q * std::expm1(u))) *
                     std::exp(-z * z / (2.0 * sigma * sigma)) / (sigma * std::sqrt(2.0 * M_PI));
    sum += f * (i == 0 || i == n ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0));
  }
  return std::log1p(sum * h / 3.0);
}

// Integer orders (binomial expansion) and fractional orders (signed series) against the
// quadrature of the definition; tolerance 1e-8 relative (quadrature and series both ~1e-12).
TEST(AccountingRdp, MatchesQuadratureOfTheDefinition) {
  struct Case {
    double q, sigma, order;
  };
  for (Case const c :
       {Case{0.01, 2.5, 1.5}, Case{0.01, 2.5, 3.0}, Case{0.04, 1.5, 3.9}, Case{0.2, 1.0, 2.5},
        Case{0.5, 2.0, 7.0}, Case{0.5, 0.8, 1.1}, Case{0.001, 5.0, 12.0}}) {
    double const expected = quadratureLogA(c.q, c.sigma, c.order) / (c.order - 1.0);
    double const got = saddle::rdpSampledGaussian(c.q, c.sigma, c.order);
    EXPECT_NEAR(got, expected, 1e-8 * expected) << c.q << " " << c.sigma << " " << c.order;
  }
}

// Where the series and the binomial expansion meet: a fractional order next to an integer one.
TEST(AccountingRdp, FractionalSeriesContinuousAtIntegers) {
  for (double order : {2.0, 5.0, 20.0}) {
    double const at = saddle::rdpSampledGaussian(0.05, 1.2, order);
    double const near = saddle::rdpSampledGaussian(0.05, 1.2, order + 1e-7);
    EXPECT_NEAR(near, at, 1e-5 * at) << order;
  }
}

TEST(AccountingRdp, FullBatchAndNoNoise) {
  EXPECT_DOUBLE_EQ(saddle::rdpSampledGaussian(1.0, 2.0, 3.5), 3.5 / 8.0);
  EXPECT_EQ(saddle::rdpSampledGaussian(0.1, 0.0, 2.0), std::numeric_limits<double>::infinity());
  EXPECT_THROW(saddle::rdpSampledGaussian(0.0, 1.0, 2.0), saddle::InputError);
  EXPECT_THROW(saddle::rdpSampledGaussian(1.5, 1.0, 2.0), saddle::InputError);
  EXPECT_THROW(saddle::rdpSampledGaussian(0.1, -1.0, 2.0), saddle::InputError);
  EXPECT_THROW(saddle::rdpSampledGaussian(0.1, 1.0, 1.0), saddle::InputError);
}

TEST(AccountingRdp, DefaultGrid) {
  auto const& o = saddle::defaultRdpOrders();
  ASSERT_EQ(o.size(), 99u + 53u + 3u);
  EXPECT_DOUBLE_EQ(o.front(), 1.1);
  EXPECT_DOUBLE_EQ(o[98], 10.9);
  EXPECT_DOUBLE_EQ(o[99], 11.0);
  EXPECT_DOUBLE_EQ(o[151], 63.0);
  EXPECT_DOUBLE_EQ(o.back(), 512.0);
}

// Composition adds RDP: a kind composed a + b times equals it composed in two parts, exactly;
// two kinds give the sum of their curves.
TEST(AccountingLedger, CompositionIsAdditive) {
  PrivacyLedger split;
  split.compose(0.02, 1.1, 300);
  split.compose(0.02, 1.1, 700);
  PrivacyLedger whole;
  whole.compose(0.02, 1.1, 1000);
  EXPECT_EQ(split.rdp(), whole.rdp());
  EXPECT_EQ(split.entries().size(), 1u);

  PrivacyLedger a;
  a.compose(0.02, 1.1, 1000);
  PrivacyLedger b;
  b.compose(0.1, 3.0, 50);
  PrivacyLedger both;
  both.compose(0.02, 1.1, 1000);
  both.compose(0.1, 3.0, 50);
  auto const ra = a.rdp();
  auto const rb = b.rdp();
  auto const rboth = both.rdp();
  for (std::size_t i = 0; i < rboth.size(); ++i)
    EXPECT_NEAR(rboth[i], ra[i] + rb[i], 1e-14 * rboth[i]);
  EXPECT_GT(both.epsilon(1e-5).epsilon, a.epsilon(1e-5).epsilon);
  EXPECT_EQ(both.releases(), 1050);
}

// Ten thousand single-step composes (one per round) give the same epsilon as one of 10^4.
TEST(AccountingLedger, StepwiseEqualsBulk) {
  PrivacyLedger stepwise;
  for (int i = 0; i < 10000; ++i)
    stepwise.compose(0.01, 1.0);
  PrivacyLedger bulk;
  bulk.compose(0.01, 1.0, 10000);
  EXPECT_EQ(stepwise.epsilon(1e-5).epsilon, bulk.epsilon(1e-5).epsilon);
}

TEST(AccountingLedger, StateRoundTrip) {
  PrivacyLedger ledger;
  ledger.compose(0.01, 1.0, 1234);
  ledger.compose(0.01, 1.4142135623730951, 1234); // constraint statistics, own sigma
  ledger.compose(1.0, 25.0, 3);
  std::vector<double> const state = ledger.toVector();
  ASSERT_EQ(static_cast<std::int64_t>(state.size()), PrivacyLedger::stateWidth());
  PrivacyLedger const back = PrivacyLedger::fromVector(state);
  ASSERT_EQ(back.entries().size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(back.entries()[k].q, ledger.entries()[k].q);
    EXPECT_EQ(back.entries()[k].sigma, ledger.entries()[k].sigma);
    EXPECT_EQ(back.entries()[k].count, ledger.entries()[k].count);
  }
  EXPECT_EQ(back.epsilon(1e-6).epsilon, ledger.epsilon(1e-6).epsilon);
  EXPECT_EQ(back.toVector(), state);
  EXPECT_TRUE(PrivacyLedger::fromVector(PrivacyLedger().toVector()).empty());
}

TEST(AccountingLedger, FromVectorRejectsBadRows) {
  PrivacyLedger ledger;
  ledger.compose(0.1, 1.0, 10);
  std::vector<double> const good = ledger.toVector();
  auto bad = [&](std::size_t slot, double value) {
    std::vector<double> s = good;
    s[slot] = value;
    return s;
  };
  EXPECT_THROW(PrivacyLedger::fromVector(std::vector<double>(good.size() - 1, 0.0)),
               saddle::InputError);
  EXPECT_THROW(PrivacyLedger::fromVector(bad(0, 2.0)), saddle::InputError); // format tag
  EXPECT_THROW(PrivacyLedger::fromVector(bad(1, 9.0)), saddle::InputError); // kinds > 8
  EXPECT_THROW(PrivacyLedger::fromVector(bad(1, 0.5)), saddle::InputError);
  EXPECT_THROW(PrivacyLedger::fromVector(bad(2, 1.5)), saddle::InputError);  // q
  EXPECT_THROW(PrivacyLedger::fromVector(bad(3, -1.0)), saddle::InputError); // sigma
  EXPECT_THROW(PrivacyLedger::fromVector(bad(4, 2.5)), saddle::InputError);  // count
  EXPECT_THROW(PrivacyLedger::fromVector(bad(7, 3.0)), saddle::InputError);  // beyond k
  std::vector<double> twice = good;                                          // the same kind twice
  twice[1] = 2.0;
  twice[5] = good[2];
  twice[6] = good[3];
  twice[7] = good[4];
  EXPECT_THROW(PrivacyLedger::fromVector(twice), saddle::InputError);
}

TEST(AccountingLedger, KindLimit) {
  PrivacyLedger ledger;
  for (int k = 0; k < PrivacyLedger::kMaxKinds; ++k)
    ledger.compose(0.01, 1.0 + k, 1);
  ledger.compose(0.01, 1.0, 5); // an existing kind: fine
  ledger.compose(0.02, 1.0, 0); // count 0: no new kind
  EXPECT_THROW(ledger.compose(0.02, 1.0, 1), saddle::Error);
  EXPECT_EQ(static_cast<int>(ledger.entries().size()), PrivacyLedger::kMaxKinds);
}

// The best order sits at the edge of the grid for a nearly private ledger (order 512) and for a
// hardly private one (order 1.1); inside it for the Opacus example.
TEST(AccountingLedger, GridEdgeFlag) {
  PrivacyLedger quiet;
  quiet.compose(0.01, 50.0, 1);
  saddle::RdpEpsilon const e = quiet.epsilon(1e-5);
  EXPECT_TRUE(e.at_grid_edge);
  EXPECT_DOUBLE_EQ(e.best_order, 512.0);
  PrivacyLedger loud;
  loud.compose(1.0, 0.1, 100);
  EXPECT_TRUE(loud.epsilon(1e-5).at_grid_edge);
  EXPECT_DOUBLE_EQ(loud.epsilon(1e-5).best_order, 1.1);
  PrivacyLedger usual;
  usual.compose(0.04, 1.5, 2250);
  EXPECT_FALSE(usual.epsilon(1e-5).at_grid_edge);
}

TEST(AccountingLedger, EdgeCasesAndErrors) {
  PrivacyLedger ledger;
  saddle::RdpEpsilon const empty = ledger.epsilon(1e-5);
  EXPECT_EQ(empty.epsilon, 0.0);
  EXPECT_FALSE(empty.at_grid_edge);
  ledger.compose(0.5, 0.0, 1);
  EXPECT_EQ(ledger.epsilon(1e-5).epsilon, std::numeric_limits<double>::infinity());
  EXPECT_THROW(ledger.compose(0.0, 1.0, 1), saddle::InputError);
  EXPECT_THROW(ledger.compose(1.1, 1.0, 1), saddle::InputError);
  EXPECT_THROW(ledger.compose(0.5, -0.1, 1), saddle::InputError);
  EXPECT_THROW(ledger.compose(0.5, 1.0, -1), saddle::InputError);
  EXPECT_THROW(ledger.epsilon(0.0), saddle::InputError);
  EXPECT_THROW(ledger.epsilon(1.0), saddle::InputError);
  EXPECT_THROW(PrivacyLedger(std::vector<double>{1.0, 2.0}), saddle::InputError);
}

} // namespace
