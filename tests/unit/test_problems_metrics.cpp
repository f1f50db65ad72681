// Evaluation metrics of issue 6 (equalized-odds gap, per-group accuracy, ERMI) and the
// per-constraint satisfied flags against host oracles; the factory's problems.
#include "saddle/problems/demographic_parity.hpp"
#include "saddle/problems/factory.hpp"
#include "saddle/problems/group_accuracy.hpp"
#include "saddle/run/metrics.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include "test_problems_common.hpp"
#include <cmath>

namespace {

using saddle::ExecSpace;
using namespace saddle::test;

struct Oracle {
  double accuracy = 0, dp_gap = 0, eo_gap = 0, ermi = 0, ermi_soft = 0, ermi_eo = 0;
  std::vector<double> group_accuracy;
};

/// ERMI from the definition for a joint table joint[g][c] of counts (any scale).
double ermiOfJoint(std::vector<double> const& joint, std::int64_t k) {
  double n = 0.0;
  std::vector<double> pc(2, 0.0), pg(k, 0.0);
  for (std::int64_t g = 0; g < k; ++g)
    for (int c = 0; c < 2; ++c) {
      n += joint[g * 2 + c];
      pc[c] += joint[g * 2 + c];
      pg[g] += joint[g * 2 + c];
    }
  double v = -1.0;
  for (std::int64_t g = 0; g < k; ++g)
    for (int c = 0; c < 2; ++c)
      if (pc[c] > 0 && pg[g] > 0)
        v += (joint[g * 2 + c] / n) * (joint[g * 2 + c] / n) / ((pc[c] / n) * (pg[g] / n));
  return v;
}

Oracle oracleOf(HostSplit const& h, std::vector<double> const& z) {
  std::int64_t const k = h.k;
  Oracle o;
  std::vector<double> n_g(k, 0), pos_g(k, 0), cor_g(k, 0), n_yg(2 * k, 0), pos_yg(2 * k, 0);
  std::vector<double> hard(2 * k, 0), soft(2 * k, 0), hard_y0(2 * k, 0), hard_y1(2 * k, 0);
  double pos = 0, n_y[2] = {0, 0}, pos_y[2] = {0, 0};
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    int const g = h.group[i], y = h.y[i] > 0.5 ? 1 : 0, yhat = z[i] > 0 ? 1 : 0;
    double const p = sigmoidHost(z[i]);
    n_g[g] += 1;
    pos_g[g] += yhat;
    pos += yhat;
    cor_g[g] += yhat == y ? 1 : 0;
    o.accuracy += yhat == y ? 1 : 0;
    n_yg[y * k + g] += 1;
    pos_yg[y * k + g] += yhat;
    n_y[y] += 1;
    pos_y[y] += yhat;
    hard[g * 2 + yhat] += 1;
    soft[g * 2 + 1] += p;
    soft[g * 2] += 1 - p;
    (y == 1 ? hard_y1 : hard_y0)[g * 2 + yhat] += 1;
  }
  double const n = static_cast<double>(h.rows());
  o.accuracy /= n;
  for (std::int64_t g = 0; g < k; ++g) {
    o.dp_gap = std::max(o.dp_gap, std::fabs(pos_g[g] / n_g[g] - pos / n));
    o.group_accuracy.push_back(cor_g[g] / n_g[g]);
    for (int y = 0; y < 2; ++y)
      if (n_yg[y * k + g] > 0)
        o.eo_gap =
            std::max(o.eo_gap, std::fabs(pos_yg[y * k + g] / n_yg[y * k + g] - pos_y[y] / n_y[y]));
  }
  o.ermi = ermiOfJoint(hard, k);
  o.ermi_soft = ermiOfJoint(soft, k);
  o.ermi_eo = n_y[0] / n * ermiOfJoint(hard_y0, k) + n_y[1] / n * ermiOfJoint(hard_y1, k);
  return o;
}

saddle::LogisticModel modelWith(std::vector<double> const& theta) {
  saddle::LogisticModel m(static_cast<std::int64_t>(theta.size()) - 1);
  saddle::State st;
  st.putArray("model/theta", theta);
  m.loadState(st, "model/");
  return m;
}

std::vector<double> marginsOf(HostSplit const& h, std::vector<double> const& theta) {
  std::vector<double> z;
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    double acc = theta[h.d];
    for (std::int64_t j = 0; j < h.d; ++j)
      acc += theta[j] * h.x[i * h.d + j];
    z.push_back(acc);
  }
  return z;
}

// Hard-prediction metrics come from exact integer counts (a few roundings: 1e-12); soft ERMI
// from fixed-point sums (2^-33 per record: 1e-8).
TEST(Metrics, EvaluationMatchesOracle) {
  auto h = randomSplit(500, 3, 5, 701);
  // groups shift the margin: unfair predictions
  for (std::int64_t i = 0; i < h.rows(); ++i)
    h.x[i * h.d] += 0.4 * h.group[i];
  auto const split = toDevice(h);
  std::vector<double> const theta = {1.2, -0.4, 0.3, -0.5};
  auto const model = modelWith(theta);
  auto const e = saddle::evaluate(ExecSpace(), model, split, h.k, saddle::mpi::Comm::self());
  auto const o = oracleOf(h, marginsOf(h, theta));
  EXPECT_NEAR(e.accuracy, o.accuracy, 1e-12);
  EXPECT_NEAR(e.dp_gap, o.dp_gap, 1e-12);
  EXPECT_NEAR(e.eo_gap, o.eo_gap, 1e-12);
  EXPECT_GT(e.eo_gap, 0.05);
  ASSERT_EQ(e.group_accuracy.size(), 5u);
  double min_acc = 1.0;
  for (std::size_t g = 0; g < 5; ++g) {
    EXPECT_NEAR(e.group_accuracy[g], o.group_accuracy[g], 1e-12);
    min_acc = std::min(min_acc, o.group_accuracy[g]);
  }
  EXPECT_NEAR(e.min_group_accuracy, min_acc, 1e-12);
  EXPECT_NEAR(e.ermi, o.ermi, 1e-12);
  EXPECT_GT(e.ermi, 0.01);
  EXPECT_NEAR(e.ermi_soft, o.ermi_soft, 1e-8);
  EXPECT_NEAR(e.ermi_eo, o.ermi_eo, 1e-12);
}

TEST(Metrics, ConstraintsSatisfiedFollowsTheProblemsViolation) {
  auto h = randomSplit(400, 2, 3, 801);
  for (std::int64_t i = 0; i < h.rows(); ++i)
    h.x[i * h.d] += 0.5 * h.group[i];
  auto const split = toDevice(h);
  std::vector<double> const theta = {1.0, 0.5, -0.2};
  auto const model = modelWith(theta);
  auto const self = saddle::mpi::Comm::self();
  auto const e = saddle::evaluate(ExecSpace(), model, split, h.k, self);
  std::vector<std::int64_t> counts(h.k, 0);
  for (int g : h.group)
    ++counts[g];
  saddle::DemographicParity dp(counts, 0.0);
  double const tol = 0.05;
  auto const flags = saddle::constraintsSatisfied(ExecSpace(), model, dp, split, tol, self);
  ASSERT_EQ(flags.size(), 6u);
  int violated = 0;
  for (std::int64_t g = 0; g < h.k; ++g) {
    double const diff = e.group_rate[g] - e.positive_rate;
    EXPECT_EQ(flags[2 * g], diff <= tol);
    EXPECT_EQ(flags[2 * g + 1], -diff <= tol);
    violated += (diff > tol) + (-diff > tol);
  }
  EXPECT_GT(violated, 0); // the data is unfair: the test can fail either way
  // group accuracy against a reference model: (err_g - ref_g) - (err - ref) <= tol
  std::vector<double> const ref = {0.2, 1.0, 0.1};
  saddle::GroupAccuracy ga(counts, 0.0, ref);
  auto const ga_flags = saddle::constraintsSatisfied(ExecSpace(), model, ga, split, tol, self);
  auto const r = saddle::evaluate(ExecSpace(), modelWith(ref), split, h.k, self);
  for (std::int64_t g = 0; g < h.k; ++g) {
    double const gap = ((1 - e.group_accuracy[g]) - (1 - r.group_accuracy[g])) -
                       ((1 - e.accuracy) - (1 - r.accuracy));
    EXPECT_EQ(ga_flags[g], gap <= tol + 1e-12) << g;
  }
}

TEST(Factory, BuildsEveryProblemOfTheDeck) {
  auto deck = smallDeck();
  saddle::data::DataInfo info;
  info.n_features = 4;
  info.n_groups = 3;
  info.train_group_counts = {10, 20, 30};
  struct Case {
    char const* constraint;
    std::int64_t constraints, stats;
  };
  for (auto const& c :
       {Case{"none", 0, 0}, Case{"demographic_parity", 6, 6}, Case{"equalized_odds", 12, 12},
        Case{"group_accuracy", 3, 6}, Case{"fermi_dp", 0, 9}, Case{"fermi_eo", 0, 18}}) {
    deck.problem.constraint = c.constraint;
    auto const p = saddle::makeProblem(deck, info);
    EXPECT_EQ(p->numConstraints(), c.constraints) << c.constraint;
    EXPECT_EQ(p->statsSize(), c.stats) << c.constraint;
  }
  deck.problem.constraint = "group_accuracy";
  EXPECT_EQ(saddle::makeProblem(deck, info, std::vector<double>(5, 0.1))->statsSize(), 6);
  deck.problem.reference_model = "ref.h5";
  EXPECT_EQ(saddle::makeProblem(deck, info, std::vector<double>(5, 0.1))->statsSize(), 9);
  EXPECT_THROW(saddle::makeProblem(deck, info), saddle::InputError);
  EXPECT_THROW(saddle::makeProblem(deck, info, std::vector<double>(4, 0.1)), saddle::InputError);
}

} // namespace
