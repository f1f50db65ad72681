// Training across ranks agrees with the one-rank run: every batch and every noise draw is a
// pure function of (seed, silo, round, record), so only the order of the floating-point sums
// across ranks differs. Run at np = 1, 2, 4 with 4 silos and with 3 silos (np = 4 then has a
// rank without a silo).
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>

namespace {

using saddle::test::toHost;

class TrainingAcrossRanks : public ::testing::TestWithParam<int> {};

/// Largest |a - b| relative to max(1, max |b|).
double relDiff(std::vector<double> const& a, std::vector<double> const& b) {
  double diff = 0.0, scale = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return diff / scale;
}

TEST_P(TrainingAcrossRanks, AggregatedGradientAndModelMatchTheOneRankRun) {
  auto const deck = saddle::test::smallDeck(GetParam(), 40);
  saddle::mpi::Comm const world(MPI_COMM_WORLD);

  saddle::Experiment many(deck, world);
  saddle::Experiment one(deck, saddle::mpi::Comm::self()); // every silo on this rank
  ASSERT_EQ(one.data.train.silo_ids.size(), static_cast<std::size_t>(deck.silos.count));
  saddle::Trainer tm(many, {false, false}), t1(one, {false, false});

  // after one round the aggregated message (noisy gradient sum + noisy statistics) agrees
  tm.runRound();
  t1.runRound();
  auto const agg_many = toHost(many.federation.buffer());
  auto const agg_one = toHost(one.federation.buffer());
  // sums of <= 4 silo messages, each a sum of ~100 records of norm <= C: the reordering of
  // the cross-silo sum changes each entry by a few ulps of its magnitude
  EXPECT_LT(relDiff(agg_many, agg_one), 1e-13);

  for (int r = 1; r < deck.run.rounds; ++r) {
    tm.runRound();
    t1.runRound();
  }
  // 40 rounds of a contracting iteration: the rounding differences stay at ulp level; 1e-10
  // leaves room for their growth through the dual's thresholded rates (which they do not flip
  // here: the counts are exact integers plus noise that is identical on every rank count)
  EXPECT_LT(relDiff(toHost(many.model.theta()), toHost(one.model.theta())), 1e-10);
  EXPECT_LT(relDiff(many.dual->lambdaHost(), one.dual->lambdaHost()), 1e-10);
}

TEST_P(TrainingAcrossRanks, EvaluationMatchesTheOneRankRun) {
  auto const deck = saddle::test::smallDeck(GetParam(), 5);
  saddle::mpi::Comm const world(MPI_COMM_WORLD);
  saddle::Experiment many(deck, world), one(deck, saddle::mpi::Comm::self());
  saddle::Trainer tm(many, {false, false}), t1(one, {false, false});
  for (int r = 0; r < 5; ++r) {
    tm.runRound();
    t1.runRound();
  }
  auto const a = tm.summarize(), b = t1.summarize();
  EXPECT_EQ(a.train.n, b.train.n);
  EXPECT_EQ(a.test.n, b.test.n);
  EXPECT_EQ(a.train.group_count, b.train.group_count);
  EXPECT_NEAR(a.train.accuracy, b.train.accuracy, 1e-12);
  EXPECT_NEAR(a.train.loss, b.train.loss, 1e-12);
  EXPECT_NEAR(a.test.dp_gap, b.test.dp_gap, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Silos, TrainingAcrossRanks, ::testing::Values(4, 3));

} // namespace
