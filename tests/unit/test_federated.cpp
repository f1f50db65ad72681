// Silos and rounds (issue 6): the participation schedule, the exact fixed-point sums of the
// reproducible aggregation, and the per-silo ledgers of partial participation, noisy local SGD
// and noisy SPIDER (each against an independently composed PrivacyLedger).
#include "saddle/data/sampler.hpp"
#include "saddle/federated/fixed_point.hpp"
#include "saddle/federated/participation.hpp"
#include "saddle/privacy/silo_ledgers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace {

using saddle::federated::Participation;

// ---- participation ------------------------------------------------------------------------------

TEST(Participation, ExactlyMAvailDistinctSilosAscendingAndDeterministic) {
  Participation const a(11, 25, 12), b(11, 25, 12), other_seed(12, 25, 12);
  bool differs = false;
  for (std::int64_t t = 0; t < 200; ++t) {
    auto const s = a.chosen(t);
    ASSERT_EQ(s.size(), 12u);
    EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
    EXPECT_EQ(std::adjacent_find(s.begin(), s.end()), s.end()); // distinct
    EXPECT_GE(s.front(), 0);
    EXPECT_LT(s.back(), 25);
    EXPECT_EQ(s, b.chosen(t)); // a pure function of (seed, round)
    differs = differs || s != other_seed.chosen(t) || s != a.chosen(t + 1);
    auto const m = a.mask(t);
    EXPECT_EQ(std::count(m.begin(), m.end(), 1), 12);
    for (auto const silo : s)
      EXPECT_EQ(m[static_cast<std::size_t>(silo)], 1);
  }
  EXPECT_TRUE(differs);
}

TEST(Participation, EverySiloIsChosenAboutMAvailOverMOfTheRounds) {
  // 4000 rounds, p = 12/25: each count is Binomial(4000, 0.48), mean 1920, sd 31.6; 5 sd bound
  Participation const p(3, 25, 12);
  auto const counts = p.counts(4000);
  for (auto const c : counts)
    EXPECT_NEAR(static_cast<double>(c), 1920.0, 5 * 31.6);
  // pairs are not locked together either: silos 0 and 1 together in ~ (12/25)(11/24) of rounds
  std::int64_t both = 0;
  for (std::int64_t t = 0; t < 4000; ++t) {
    auto const m = p.mask(t);
    both += m[0] && m[1];
  }
  double const expect = 4000.0 * 12.0 / 25.0 * 11.0 / 24.0, sd = std::sqrt(expect);
  EXPECT_NEAR(static_cast<double>(both), expect, 5 * sd);
}

TEST(Participation, CountsMatchTheRoundsAndEveryoneIsTheDefault) {
  Participation const p(5, 7, 3);
  for (std::int64_t rounds : {0, 1, 255, 256, 257, 600, 100}) { // across the cache stride
    std::vector<std::int64_t> brute(7, 0);
    for (std::int64_t t = 0; t < rounds; ++t)
      for (auto const s : p.chosen(t))
        ++brute[static_cast<std::size_t>(s)];
    EXPECT_EQ(p.counts(rounds), brute) << rounds;
  }
  Participation const all(5, 7, 0);
  EXPECT_TRUE(all.everyone());
  EXPECT_EQ(all.perRound(), 7);
  EXPECT_EQ(all.chosen(9).size(), 7u);
  EXPECT_EQ(all.counts(13), std::vector<std::int64_t>(7, 13));
  EXPECT_THROW(Participation(5, 7, 8), saddle::InputError);
  EXPECT_THROW(Participation(5, 7, -1), saddle::InputError);
}

// ---- fixed-point sums ---------------------------------------------------------------------------

/// The exact fixed-point sum of `x` (the reproducible aggregation of one entry).
double fixedSum(std::vector<double> const& x) {
  std::int64_t e = saddle::federated::kZeroExponent;
  for (double v : x)
    e = std::max(e, saddle::federated::exponentOf(v));
  std::int64_t limbs[saddle::federated::kLimbs] = {0, 0, 0};
  if (e != saddle::federated::kZeroExponent && e < saddle::federated::kNonFiniteExponent)
    for (double v : x)
      saddle::federated::addFixedPoint(v, e, limbs);
  return saddle::federated::fromFixedPoint(limbs, e);
}

TEST(FixedPoint, PermutedAndRegroupedSumsAreBitwiseEqual) {
  std::mt19937_64 gen(42);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> scale(-30, 30);
  std::vector<double> x(1000);
  for (auto& v : x)
    v = std::ldexp(normal(gen), scale(gen)); // magnitudes over 18 decades
  double const reference = fixedSum(x);
  double naive_spread = 0.0;
  for (int trial = 0; trial < 20; ++trial) {
    std::shuffle(x.begin(), x.end(), gen);
    EXPECT_EQ(fixedSum(x), reference); // bitwise: integer sums do not depend on the order
    double naive = 0.0;
    for (double v : x)
      naive += v;
    naive_spread = std::max(naive_spread, std::fabs(naive - reference));
  }
  EXPECT_GT(naive_spread, 0.0); // the plain double sum does depend on it (this test can fail)
  // the limbs of "rank" partial sums add to the same limbs as the whole: regrouping is exact
  std::int64_t const e = [&] {
    std::int64_t m = saddle::federated::kZeroExponent;
    for (double v : x)
      m = std::max(m, saddle::federated::exponentOf(v));
    return m;
  }();
  std::int64_t whole[3] = {0, 0, 0}, part_a[3] = {0, 0, 0}, part_b[3] = {0, 0, 0};
  for (std::size_t i = 0; i < x.size(); ++i) {
    saddle::federated::addFixedPoint(x[i], e, whole);
    saddle::federated::addFixedPoint(x[i], e, i % 3 == 0 ? part_a : part_b);
  }
  for (int l = 0; l < 3; ++l)
    EXPECT_EQ(whole[l], part_a[l] + part_b[l]);
}

TEST(FixedPoint, RoundOffIsWithinTwoUlpsOfTheExactSum) {
  // addends k_i 2^-30 with |k_i| < 2^50 are exact in the format; their exact sum is an integer
  // sum (int64) times 2^-30, and the conversion back may add at most 2 ulps (fixed_point.hpp)
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<std::int64_t> k(-(std::int64_t{1} << 50), std::int64_t{1} << 50);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<double> x(300);
    std::int64_t exact = 0; // |sum| < 300 2^50 < 2^59: exact in int64
    for (auto& v : x) {
      std::int64_t const ki = k(gen);
      exact += ki;
      v = std::ldexp(static_cast<double>(ki), -30);
    }
    double const want = std::ldexp(static_cast<double>(exact), -30);
    double const got = fixedSum(x);
    double const ulp = std::nextafter(std::fabs(want), 1e300) - std::fabs(want);
    EXPECT_LE(std::fabs(got - want), 2 * ulp) << trial;
  }
  // arbitrary doubles: within 2 ulps of the result plus n 2^(e - 121) of the rounding
  std::normal_distribution<double> normal;
  std::vector<double> x(500);
  long double compensated = 0.0L;
  for (auto& v : x) {
    v = normal(gen) * 1e3;
    compensated += v;
  }
  double const got = fixedSum(x);
  double const ulp = std::nextafter(std::fabs(got), 1e300) - std::fabs(got);
  EXPECT_LE(std::fabs(got - static_cast<double>(compensated)), 3 * ulp);
}

TEST(FixedPoint, ZerosAndNonFiniteEntries) {
  EXPECT_EQ(fixedSum({0.0, 0.0, -0.0}), 0.0);
  EXPECT_EQ(fixedSum({1.5, -1.5}), 0.0);
  EXPECT_EQ(fixedSum({0.25, 0.0, 0.5}), 0.75);
  EXPECT_EQ(fixedSum({-3.0, 1e-300}), -3.0);
  EXPECT_TRUE(std::isnan(fixedSum({1.0, std::numeric_limits<double>::infinity()})));
  EXPECT_TRUE(std::isnan(fixedSum({std::nan(""), 2.0})));
  EXPECT_EQ(fixedSum({std::numeric_limits<double>::denorm_min(),
                      std::numeric_limits<double>::denorm_min()}),
            2 * std::numeric_limits<double>::denorm_min());
}

// ---- per-silo ledgers
// -----------------------------------------------------------------------------

struct LedgerSetup {
  saddle::data::DataInfo info;
  saddle::PrivacyConfig privacy;
  saddle::MessageLayout layout;
  saddle::data::PoissonSampler sampler{0.05, 9};
  LedgerSetup(bool with_stats) {
    info.train_silo_counts = {400, 300, 500, 200, 0}; // the last silo holds no training rows
    info.n_train = 1400;
    privacy.noise_multiplier = 1.1;
    privacy.stats_noise_multiplier = 4.0;
    layout.n_grad = 6;
    layout.stats_offset = 6;
    layout.n_stats = with_stats ? 4 : 0;
    layout.stats_sensitivity = 1.0;
    layout.privacy_offset = layout.control_offset = 6 + layout.n_stats;
  }
  saddle::SiloLedgers ledgers(saddle::FederatedConfig const& f) const {
    return saddle::SiloLedgers(saddle::Privatizer(privacy, 9), sampler, info,
                               saddle::data::SiloPartition::block(5, 0, 1), layout, f, 9);
  }
};

TEST(SiloLedgersFederated, ASiloInRRoundsSpendsTheEpsilonOfRFullRounds) {
  LedgerSetup const setup(true);
  saddle::FederatedConfig partial;
  partial.participating = 2;
  auto ledgers = setup.ledgers(partial);
  std::int64_t const rounds = 60;
  for (std::int64_t t = 0; t < rounds; ++t)
    ledgers.composeRound(t);
  auto const taken = Participation(9, 5, 2).counts(rounds);
  double worst = 0.0;
  bool sat_out = false;
  for (std::int64_t s = 0; s < 4; ++s) {
    auto full = setup.ledgers({}); // everyone, every round
    for (std::int64_t t = 0; t < taken[s]; ++t)
      full.composeRound(t);
    EXPECT_EQ(ledgers.ledger(s).releases(), taken[s]);
    EXPECT_EQ(ledgers.ledger(s).epsilon(1e-5).epsilon, full.ledger(s).epsilon(1e-5).epsilon);
    worst = std::max(worst, ledgers.ledger(s).epsilon(1e-5).epsilon);
    sat_out = sat_out || taken[s] < rounds;
  }
  EXPECT_TRUE(sat_out);
  EXPECT_TRUE(ledgers.ledger(4).empty()); // no rows: nothing released
  // planning (budget, reports) uses the same per-silo accounting: the worst silo's ledger
  EXPECT_DOUBLE_EQ(ledgers.plannedEpsilon(rounds), worst);
  EXPECT_LT(ledgers.plannedEpsilon(rounds), setup.ledgers({}).plannedEpsilon(rounds));
}

TEST(SiloLedgersFederated, LocalSgdWithKStepsSpendsTheEpsilonOfKRSteps) {
  saddle::FederatedConfig local;
  local.algorithm = "local_sgd";
  local.local_steps = 4;
  std::int64_t const rounds = 25;
  { // gradient only: one kind, K R releases
    LedgerSetup const setup(false);
    auto ledgers = setup.ledgers(local);
    for (std::int64_t t = 0; t < rounds; ++t)
      ledgers.composeRound(t);
    saddle::PrivacyLedger want;
    want.compose(0.05, 1.1, 4 * rounds);
    EXPECT_EQ(ledgers.ledger(0).epsilon(1e-5).epsilon, want.epsilon(1e-5).epsilon);
    EXPECT_DOUBLE_EQ(ledgers.plannedEpsilon(rounds), want.epsilon(1e-5).epsilon);
  }
  { // with statistics on the first step: R joint releases and (K - 1) R gradient releases
    LedgerSetup const setup(true);
    auto ledgers = setup.ledgers(local);
    for (std::int64_t t = 0; t < rounds; ++t)
      ledgers.composeRound(t);
    double const joint = 1.0 / std::sqrt(1.0 / (1.1 * 1.1) + 1.0 / 16.0);
    saddle::PrivacyLedger want;
    want.compose(0.05, joint, rounds);
    want.compose(0.05, 1.1, 3 * rounds);
    EXPECT_EQ(ledgers.ledger(2).epsilon(1e-5).epsilon, want.epsilon(1e-5).epsilon);
    EXPECT_DOUBLE_EQ(ledgers.plannedEpsilon(rounds), want.epsilon(1e-5).epsilon);
  }
}

TEST(SiloLedgersFederated, SpiderComposesTwoKindsAndThePlanIsTheWorstLedger) {
  LedgerSetup const setup(true);
  saddle::FederatedConfig spider;
  spider.algorithm = "spider";
  spider.spider_period = 5;
  spider.spider_sampling_rate = 0.3;
  spider.participating = 3;
  auto ledgers = setup.ledgers(spider);
  std::int64_t const rounds = 40;
  for (std::int64_t t = 0; t < rounds; ++t)
    ledgers.composeRound(t);
  Participation const p(9, 5, 3);
  double const joint = 1.0 / std::sqrt(1.0 / (1.1 * 1.1) + 1.0 / 16.0);
  double worst = 0.0;
  for (std::int64_t s = 0; s < 4; ++s) {
    std::int64_t refresh = 0, diff = 0;
    for (std::int64_t t = 0; t < rounds; ++t)
      if (p.mask(t)[static_cast<std::size_t>(s)])
        ++(t % 5 == 0 ? refresh : diff);
    saddle::PrivacyLedger want;
    want.compose(0.3, joint, refresh);
    want.compose(0.05, joint, diff);
    EXPECT_EQ(ledgers.ledger(s).epsilon(1e-5).epsilon, want.epsilon(1e-5).epsilon) << s;
    worst = std::max(worst, want.epsilon(1e-5).epsilon);
  }
  EXPECT_DOUBLE_EQ(ledgers.plannedEpsilon(rounds), worst);
}

TEST(SiloLedgersFederated, CalibrationOfSeveralKindsMeetsTheTargetOnTheWorstSilo) {
  LedgerSetup setup(true);
  for (std::string const algorithm : {"local_sgd", "spider"}) {
    saddle::FederatedConfig f;
    f.algorithm = algorithm;
    f.local_steps = 3;
    f.spider_period = 4;
    f.participating = 3;
    double const sigma =
        saddle::SiloLedgers::calibrate(saddle::Privatizer(setup.privacy, 9), setup.sampler,
                                       setup.info, setup.layout, 50, 2.0, f, 9);
    setup.privacy.noise_multiplier = sigma;
    double const eps = setup.ledgers(f).plannedEpsilon(50);
    EXPECT_LE(eps, 2.0) << algorithm;
    EXPECT_GT(eps, 2.0 * (1 - 1e-3)) << algorithm; // sigma to 1e-6: epsilon just below 2
    setup.privacy.noise_multiplier = 1.1;
  }
}

} // namespace
