// Federated algorithms across ranks (issue 6), at np = 1, 2, 4 with 5 silos (np = 4 puts two
// silos on rank 0): the reproducible aggregation gives bitwise the one-rank result for
// minibatch_sgd, local_sgd and spider (also with partial participation); the fast one agrees to
// rounding; a run restarted from its State continues bitwise.
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>

namespace {

using saddle::test::toHost;

saddle::Deck federatedDeck(std::string const& algorithm, std::string const& aggregation,
                           std::int64_t participating, std::int64_t rounds) {
  auto d = saddle::test::smallDeck(5, rounds);
  d.data.n_samples = 3000;
  d.federated.algorithm = algorithm;
  d.federated.aggregation = aggregation;
  d.federated.participating = participating;
  d.federated.local_steps = 3;
  d.federated.spider_period = 4;
  d.federated.spider_sampling_rate = 0.3;
  d.optim.lr = 0.3;
  return d;
}

/// Largest |a - b| relative to max(1, max |b|).
double relDiff(std::vector<double> const& a, std::vector<double> const& b) {
  double diff = 0.0, scale = 1.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::fabs(a[i] - b[i]));
    scale = std::max(scale, std::fabs(b[i]));
  }
  return diff / scale;
}

struct Case {
  std::string algorithm;
  std::int64_t participating;
};

class FederatedAcrossRanks : public ::testing::TestWithParam<Case> {};

TEST_P(FederatedAcrossRanks, ReproducibleAggregationIsBitwiseTheOneRankRun) {
  auto const deck =
      federatedDeck(GetParam().algorithm, "reproducible", GetParam().participating, 9);
  saddle::Experiment many(deck, saddle::mpi::Comm(MPI_COMM_WORLD));
  saddle::Experiment one(deck, saddle::mpi::Comm::self()); // every silo on this rank
  saddle::Trainer tm(many, {false, false}), t1(one, {false, false});
  for (int r = 0; r < deck.run.rounds; ++r) {
    tm.runRound();
    t1.runRound();
    ASSERT_EQ(toHost(many.federation.buffer()), toHost(one.federation.buffer())) << "round " << r;
  }
  EXPECT_EQ(toHost(many.model.theta()), toHost(one.model.theta()));
  EXPECT_EQ(many.dual->lambdaHost(), one.dual->lambdaHost());
  auto const theta = toHost(one.model.theta());
  EXPECT_GT(std::fabs(theta[0]) + std::fabs(theta[1]), 0.0); // the model did move
}

TEST_P(FederatedAcrossRanks, FastAggregationAgreesToRounding) {
  if (GetParam().algorithm == "minibatch_sgd" && GetParam().participating == 0)
    GTEST_SKIP() << "test_training_mpi.cpp and test_restart.cpp cover it";
  auto const deck = federatedDeck(GetParam().algorithm, "fast", GetParam().participating, 9);
  saddle::Experiment many(deck, saddle::mpi::Comm(MPI_COMM_WORLD));
  saddle::Experiment one(deck, saddle::mpi::Comm::self());
  saddle::Trainer tm(many, {false, false}), t1(one, {false, false});
  for (int r = 0; r < deck.run.rounds; ++r) {
    tm.runRound();
    t1.runRound();
  }
  // sums of <= 5 silo messages in another order: ulp-level differences, kept at that level by
  // 9 contracting rounds; 1e-10 as in test_training_mpi.cpp
  EXPECT_LT(relDiff(toHost(many.model.theta()), toHost(one.model.theta())), 1e-10);
  EXPECT_LT(relDiff(many.dual->lambdaHost(), one.dual->lambdaHost()), 1e-10);
}

TEST_P(FederatedAcrossRanks, RestartFromTheStateIsBitwiseTheUninterruptedRun) {
  if (GetParam().algorithm == "minibatch_sgd" && GetParam().participating == 0)
    GTEST_SKIP() << "test_training_mpi.cpp and test_restart.cpp cover it";
  auto const deck = federatedDeck(GetParam().algorithm, "fast", GetParam().participating, 10);
  saddle::mpi::Comm const world(MPI_COMM_WORLD);
  saddle::Experiment whole(deck, world);
  saddle::Trainer tw(whole, {false, false});
  for (int r = 0; r < 10; ++r)
    tw.runRound();
  saddle::State saved;
  { // k = 6 rounds (SPIDER difference rounds follow), then a fresh experiment goes on
    saddle::Experiment first(deck, world);
    saddle::Trainer tf(first, {false, false});
    for (int r = 0; r < 6; ++r)
      tf.runRound();
    saved = tf.state();
  }
  saddle::Experiment second(deck, world);
  saddle::Trainer ts(second, {false, false});
  ts.loadState(saved, "run/");
  for (int r = 6; r < 10; ++r)
    ts.runRound();
  EXPECT_EQ(ts.state(), tw.state()); // theta, lambda, ledgers, SPIDER's theta_{t-1} and v
}

INSTANTIATE_TEST_SUITE_P(Algorithms, FederatedAcrossRanks,
                         ::testing::Values(Case{"minibatch_sgd", 0}, Case{"local_sgd", 0},
                                           Case{"spider", 0}, Case{"minibatch_sgd", 3},
                                           Case{"local_sgd", 3}, Case{"spider", 2}),
                         [](auto const& param_info) {
                           return param_info.param.algorithm + "_" +
                                  (param_info.param.participating == 0
                                       ? std::string("all")
                                       : std::to_string(param_info.param.participating) + "_of_5");
                         });

} // namespace
