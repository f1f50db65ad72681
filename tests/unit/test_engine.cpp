// The training path end to end on one rank: the per-record Lagrangian gradient against finite
// differences of the full-data Lagrangian, and the non-private limit of the private path.
#include "kernels/glm.hpp"
#include "saddle/core/view_state.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <limits>

namespace {

using saddle::test::toHost;

/// Full-data Lagrangian (1/n) sum_i loss_i + sum_g mu_g (sum_{i in g} s_i / n_g - sum_i s_i / n)
/// on the host, s_i = sigmoid(z_i), mu_g = lambda_2g - lambda_2g+1.
double lagrangian(std::vector<double> const& theta, std::vector<double> const& lambda,
                  std::vector<double> const& x, std::vector<double> const& y,
                  std::vector<int> const& g, std::int64_t d, std::int64_t k) {
  std::int64_t const n = static_cast<std::int64_t>(y.size());
  std::vector<double> rate(k, 0.0), count(k, 0.0);
  double loss = 0.0, overall = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    double z = theta[d];
    for (std::int64_t j = 0; j < d; ++j)
      z += theta[j] * x[i * d + j];
    loss += saddle::kernels::logisticLoss(z, y[i]);
    double const s = saddle::kernels::sigmoid(z);
    rate[g[i]] += s;
    count[g[i]] += 1;
    overall += s;
  }
  double value = loss / n;
  for (std::int64_t h = 0; h < k; ++h)
    value += (lambda[2 * h] - lambda[2 * h + 1]) * (rate[h] / count[h] - overall / n);
  return value;
}

TEST(Engine, PerRecordLagrangianGradientMatchesFiniteDifferences) {
  auto deck = saddle::test::smallDeck(1, 1);
  deck.data.n_samples = 600;
  deck.data.n_groups = 3;
  deck.privacy.enabled = false;
  deck.privacy.sampling_rate = 1.0; // every record in the batch
  saddle::Experiment x(deck, saddle::mpi::Comm::self());
  std::int64_t const d = x.data.info.n_features, k = x.data.info.n_groups;
  std::vector<double> theta(d + 1), lambda = {0.7, 0.1, 0.0, 1.3, 0.4, 0.2};
  for (std::int64_t j = 0; j <= d; ++j)
    theta[j] = 0.3 * std::sin(1.0 + j);
  saddle::State st;
  st.putArray("model/theta", theta);
  st.putArray("dual/lambda", lambda);
  x.model.loadState(st, "model/");
  x.dual->loadState(st, "dual/");

  auto const& train = x.data.train;
  saddle::BatchScratch batch(train.rows());
  x.sampler->draw(x.space, train, 0, 0, batch);
  ASSERT_EQ(batch.size, train.rows());
  x.model.perSample(x.space, train, batch);
  x.problem->addProxyDerivative(x.space, train, batch, x.dual->lambda());
  saddle::Vector<double> grad("grad", d + 1);
  x.model.accumulateGradient(x.space, train, batch, {batch.coef, batch.coef}, grad, 0);
  auto const g = toHost(grad);

  auto const xs = toHost(Kokkos::View<double*, saddle::MemSpace>(train.x.data(), train.rows() * d));
  auto const ys = toHost(train.y);
  auto const gs = toHost(train.group);
  double const n = static_cast<double>(train.rows());
  for (std::int64_t j = 0; j <= d; ++j) {
    // central differences: truncation ~ h^2 L''' ~ 1e-10, rounding ~ eps L / h ~ 1e-11
    double const h = 1e-5;
    auto plus = theta, minus = theta;
    plus[j] += h;
    minus[j] -= h;
    double const fd =
        (lagrangian(plus, lambda, xs, ys, gs, d, k) - lagrangian(minus, lambda, xs, ys, gs, d, k)) /
        (2 * h);
    EXPECT_NEAR(g[j] / n, fd, 1e-8) << "parameter " << j;
  }
}

std::pair<std::vector<double>, std::vector<double>> train(saddle::Deck const& deck) {
  saddle::Experiment x(deck, saddle::mpi::Comm::self());
  saddle::Trainer t(x, {false, false});
  for (std::int64_t r = 0; r < deck.run.rounds; ++r)
    t.runRound();
  return {toHost(x.model.theta()), x.dual->lambdaHost()};
}

TEST(Engine, ZeroNoiseAndInfiniteClipReproduceTheNonPrivateRunExactly) {
  auto deck = saddle::test::smallDeck(4, 25);
  deck.privacy.noise_multiplier = 0.0;
  deck.privacy.clip_norm = std::numeric_limits<double>::infinity();
  auto off = deck;
  off.privacy.enabled = false; // a different code path: no clipping kernel, no noise kernel
  auto const a = train(deck), b = train(off);
  EXPECT_EQ(a.first, b.first);                                         // bitwise
  EXPECT_EQ(a.second, b.second);                                       // bitwise
  EXPECT_GT(*std::max_element(a.second.begin(), a.second.end()), 0.0); // the dual moved
  // and noise or binding clipping do change the result
  auto noisy = deck;
  noisy.privacy.noise_multiplier = 1.0;
  noisy.privacy.clip_norm = 1.0;
  EXPECT_NE(train(noisy).first, a.first);
}

} // namespace

namespace {

std::pair<std::vector<double>, std::vector<double>> trainWith(saddle::Deck deck) {
  return train(deck);
}

TEST(Engine, NuPIWithoutProportionalTermIsGradientAscentInTheFederatedTrainer) {
  auto deck = saddle::test::smallDeck(3, 40);
  deck.dual.lr = 0.3;
  auto nupi = deck;
  nupi.dual.optimizer = "nupi"; // K_P = 0, K_I = 1, nu = 0: the nuPI paper's GA special case
  nupi.dual.kp = 0.0;
  nupi.dual.ki = 1.0;
  nupi.dual.nu = 0.0;
  auto const a = trainWith(deck), b = trainWith(nupi);
  for (std::size_t j = 0; j < a.first.size(); ++j)
    EXPECT_NEAR(a.first[j], b.first[j], 1e-12) << j; // same iterates up to rounding
  for (std::size_t j = 0; j < a.second.size(); ++j)
    EXPECT_NEAR(a.second[j], b.second[j], 1e-12) << j;
}

TEST(Engine, EveryDualOptimizerAndFormulationRunsTheFederatedRound) {
  std::vector<std::pair<std::string, std::string>> const choices = {
      {"dual.optimizer", "nupi"},
      {"dual.optimizer", "optimistic"},
      {"dual.optimizer", "adam"},
      {"formulation.name", "augmented_lagrangian"},
      {"formulation.name", "quadratic_penalty"},
      {"formulation.name", "fixed_penalty"}};
  for (auto const& [key, value] : choices) {
    auto deck = saddle::test::smallDeck(2, 60);
    if (key == "dual.optimizer")
      deck.dual.optimizer = value;
    else
      deck.formulation.name = value;
    deck.dual.kp = 1.0;
    deck.dual.lr = value == "adam" ? 0.01 : 0.3;
    auto const [theta, lambda] = trainWith(deck);
    for (double v : theta)
      EXPECT_TRUE(std::isfinite(v)) << value;
    for (double l : lambda)
      EXPECT_GE(l, 0.0) << value; // inequality multipliers stay projected
    if (value == "fixed_penalty" || value == "quadratic_penalty") {
      for (double l : lambda)
        EXPECT_EQ(l, 0.0) << value; // penalties do not move multipliers
    }
  }
}

TEST(Engine, ScheduleShiftsTheViolationsAndRestartsZeroFeasibleMultipliers) {
  auto deck = saddle::test::smallDeck(2, 1);
  deck.problem.tolerance = 0.05;
  deck.schedule.kind = "linear";
  deck.schedule.start = 0.5; // a loose start: every constraint strictly satisfied at round 0
  deck.schedule.rounds = 100;
  deck.dual.restarts = true;
  saddle::Experiment x(deck, saddle::mpi::Comm::self());
  saddle::Trainer t(x, {false, false});
  saddle::State st = t.state();
  st.putArray("dual/lambda", std::vector<double>(x.dual->size(), 0.7));
  t.loadState(st, "run/");
  t.runRound();
  for (double v : t.lastViolation())
    EXPECT_LT(v, -0.3); // |rate gap| - 0.5 with gaps well below 0.2
  for (double l : x.dual->lambdaHost())
    EXPECT_EQ(l, 0.0); // strictly feasible: restarted
  EXPECT_DOUBLE_EQ(x.schedule.value(0), 0.5);
  EXPECT_DOUBLE_EQ(x.schedule.value(50), 0.275);
  EXPECT_DOUBLE_EQ(x.schedule.value(100), 0.05);
}

TEST(Engine, TrainerRejectsChoicesItCannotHonour) {
  auto deck = saddle::test::smallDeck(2, 1);
  deck.optim.update_order = "alternating_dual_first";
  EXPECT_THROW(saddle::Experiment(deck, saddle::mpi::Comm::self()), saddle::InputError);
  deck = saddle::test::smallDeck(2, 1);
  deck.dual.optimizer = "extragradient";
  EXPECT_THROW(saddle::Experiment(deck, saddle::mpi::Comm::self()), saddle::InputError);
}

} // namespace

namespace {

TEST(Engine, KktCertificateShrinksAsTheRunConverges) {
#if !defined(SADDLE_HAVE_PETSC)
  GTEST_SKIP() << "PETSc disabled at build time";
#endif
  auto cert = [](std::int64_t rounds) {
    auto deck = saddle::test::smallDeck(2, rounds);
    deck.privacy.enabled = false; // the noise floor would hide the convergence
    deck.privacy.sampling_rate = 0.5;
    saddle::Experiment x(deck, saddle::mpi::Comm::self());
    saddle::Trainer t(x, {false, false});
    for (std::int64_t r = 0; r < rounds; ++r)
      t.runRound();
    return t.summarize();
  };
  auto const early = cert(5), late = cert(1500);
  EXPECT_FALSE(late.kkt_note.empty());
  EXPECT_LT(late.kkt_stationarity, early.kkt_stationarity);
  // stochastic GDA with constant steps stops at a noise floor; 1500 rounds of half-batches on
  // 3000 rows reach ~1e-2 of a gradient whose norm starts near 0.5
  EXPECT_LT(late.kkt_stationarity, 0.05);
  EXPECT_LT(late.kkt_feasibility, 0.02);
  EXPECT_LT(late.kkt_complementarity, 0.02);
}

} // namespace

namespace {

TEST(Engine, ConstraintsCanStayOutOfThePrimalOrTheDualUpdate) {
  auto deck = saddle::test::smallDeck(2, 30);
  auto unconstrained = deck;
  unconstrained.problem.constraint = "none";
  auto monitor = deck; // the multipliers move, but the model does not see the constraints
  monitor.problem.enters_primal = false;
  auto const a = trainWith(monitor), b = trainWith(unconstrained);
  EXPECT_EQ(a.first, b.first);
  EXPECT_GT(*std::max_element(a.second.begin(), a.second.end()), 0.0);
  auto frozen = deck; // lambda never moves from 0: the primal update is the unconstrained one
  frozen.problem.enters_dual = false;
  auto const c = trainWith(frozen);
  EXPECT_EQ(c.first, b.first);
  for (double l : c.second)
    EXPECT_EQ(l, 0.0);
}

} // namespace
