// Fairness metrics and problem statistics across ranks (np 1, 2, 4): each rank holds the rows
// i with i % size == rank of one global split; evaluate() and exactProblemStats() must equal a
// one-rank evaluation of the whole split. Counts and fixed-point soft sums are exact integers,
// so every fairness metric is bitwise independent of the rank count; only the loss (a double
// sum) gets a tolerance.
#include "saddle/core/comm.hpp"
#include "saddle/problems/factory.hpp"
#include "saddle/run/metrics.hpp"

#include <gtest/gtest.h>
#include <mpi.h>

#include "../unit/test_problems_common.hpp"
#include "support/helpers.hpp"

namespace {

using saddle::ExecSpace;
using namespace saddle::test;

HostSplit rowsOf(HostSplit const& all, int rank, int size) {
  HostSplit mine;
  mine.d = all.d;
  mine.k = all.k;
  for (std::int64_t i = rank; i < all.rows(); i += size) {
    for (std::int64_t j = 0; j < all.d; ++j)
      mine.x.push_back(all.x[i * all.d + j]);
    mine.y.push_back(all.y[i]);
    mine.group.push_back(all.group[i]);
  }
  return mine;
}

saddle::LogisticModel model() {
  saddle::LogisticModel m(3);
  saddle::State st;
  st.putArray("model/theta", {0.8, -0.6, 0.3, 0.1});
  m.loadState(st, "model/");
  return m;
}

TEST(ProblemsMpi, MetricsAndStatsAreIndependentOfRankCount) {
  saddle::mpi::Comm world(MPI_COMM_WORLD);
  auto const all = randomSplit(701, 3, 7, 9001);
  auto const whole = toDevice(all);
  auto const mine = toDevice(rowsOf(all, world.rank(), world.size()));
  auto const m = model();
  auto const self = saddle::mpi::Comm::self();
  auto const e1 = saddle::evaluate(ExecSpace(), m, whole, all.k, self);
  auto const en = saddle::evaluate(ExecSpace(), m, mine, all.k, world);
  EXPECT_EQ(en.n, e1.n);
  EXPECT_NEAR(en.loss, e1.loss, 1e-13); // sums of 701 O(1) terms in another order
  EXPECT_EQ(en.accuracy, e1.accuracy);
  EXPECT_EQ(en.dp_gap, e1.dp_gap);
  EXPECT_EQ(en.eo_gap, e1.eo_gap);
  EXPECT_EQ(en.group_accuracy, e1.group_accuracy);
  EXPECT_EQ(en.ermi, e1.ermi);
  EXPECT_EQ(en.ermi_soft, e1.ermi_soft);
  EXPECT_EQ(en.ermi_eo, e1.ermi_eo);

  auto deck = smallDeck();
  saddle::data::DataInfo info;
  info.n_features = 3;
  info.n_groups = all.k;
  info.train_group_counts.assign(all.k, 0);
  for (int g : all.group)
    ++info.train_group_counts[g];
  for (char const* c : {"demographic_parity", "equalized_odds", "group_accuracy", "fermi_eo"}) {
    deck.problem.constraint = c;
    auto const p = saddle::makeProblem(deck, info);
    // fixed-point soft sums of <= 701 records are exact in a double: bitwise equal
    EXPECT_EQ(saddle::exactProblemStats(ExecSpace(), m, *p, mine, world),
              saddle::exactProblemStats(ExecSpace(), m, *p, whole, self))
        << c;
  }
}

} // namespace
