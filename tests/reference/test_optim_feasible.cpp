// Feasible Learning (Ramirez et al. 2025): one constraint loss_i(theta) <= eps per training
// sample, no objective, one indexed multiplier per sample.
//  - Resilient variant (dual weight decay delta = 1/alpha, Hounie et al. 2023) on Iris
//    versicolor vs virginica (not separable: not every sample can reach eps): the min-max
//    loop's fixed point equals PETSc/TAO ALMM's solution of the relaxed problem
//    min (alpha/2)||s||^2 s.t. loss_i - eps <= s_i, with lambda_i = alpha s_i.
//  - Plain variant with minibatches (only the batch's multipliers move) on setosa vs
//    versicolor (separable): every sample ends within eps.
#include "saddle/linalg/kkt.hpp"
#include "saddle/linalg/tao_almm.hpp"

#include "test_optim_common.hpp"
#include <numeric>

namespace {

using saddle::test::Vec;

::testing::Environment* const kPetsc =
    ::testing::AddGlobalTestEnvironment(new saddle::test::PetscEnvironment);

TEST(FeasibleLearning, ResilientFixedPointIsTheRelaxedProblemsSolution) {
  auto const rows = saddle::test::irisPair(1, 2);
  double const eps = 0.2, alpha = 4.0;
  auto const p = saddle::optim::perSampleLossProblem(rows, eps);
  auto const relaxed = saddle::optim::resilientRelaxation(p, alpha);
  saddle::linalg::AlmmOptions o;
  o.tolerance = 1e-11;
  auto const ref =
      saddle::linalg::solveTaoAlmm(relaxed, Vec(static_cast<std::size_t>(relaxed.n_vars), 0.0), o);
  ASSERT_TRUE(ref.converged) << ref.reason;
  Vec const theta_star(ref.x.begin(), ref.x.begin() + p.n_vars);
  int relaxed_count = 0;
  for (std::int64_t i = 0; i < p.n_ineq; ++i) {
    double const s = ref.x[p.n_vars + i];
    // KKT of the relaxed problem: lambda_i = alpha s_i (to TAO's tolerance)
    EXPECT_NEAR(ref.lambda[i], alpha * s, 1e-7) << i;
    relaxed_count += s > 1e-6;
  }
  EXPECT_GT(relaxed_count, 0); // some samples cannot reach eps: the relaxation is used

  saddle::test::Method m;
  m.formulation.name = "lagrangian";
  m.dual.optimizer = "gradient_ascent";
  m.dual.lr = {0.2};
  m.dual.decay = {1.0 / alpha};
  m.primal = {"sgd", 0.02};
  m.options.order = saddle::optim::UpdateOrder::DualFirst;
  m.options.steps = 8000;
  auto const r = saddle::test::runMethod(p, m, Vec(static_cast<std::size_t>(p.n_vars), 0.0));
  double const dtheta = saddle::test::maxAbsDiff(r.x, theta_star);
  double const dlambda =
      saddle::test::maxAbsDiff(r.lambda, Vec(ref.lambda.begin(), ref.lambda.begin() + p.n_ineq));
  std::printf("[ figures  ] resilient Feasible Learning (100 samples, eps %.1f, alpha %.0f): %d "
              "relaxed constraints; |theta - theta*| = %.2e, |lambda - lambda*| = %.2e\n",
              eps, alpha, relaxed_count, dtheta, dlambda);
  EXPECT_LT(dtheta, 1e-6);
  EXPECT_LT(dlambda, 1e-6);
}

TEST(FeasibleLearning, MinibatchesWithIndexedMultipliersReachFeasibility) {
  auto const rows = saddle::test::stratifiedSubset(saddle::test::irisPair(0, 1), 35, 3);
  double const eps = 0.05;
  auto const p = saddle::optim::perSampleLossProblem(rows, eps);
  // batches of 10: a seeded permutation of the 70 samples, cut in 7, cycled
  std::vector<std::int64_t> order(static_cast<std::size_t>(rows.n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [](std::int64_t a, std::int64_t b) {
    return saddle::test::seededUniform(5, a) < saddle::test::seededUniform(5, b);
  });
  saddle::test::Method m;
  m.formulation.name = "lagrangian";
  m.dual.optimizer = "nupi";
  m.dual.lr = {1.0};
  m.dual.ki = {0.5};
  m.dual.kp = {0.5};
  m.primal = {"sgd", 0.2};
  m.options.steps = 3500;
  m.options.batch = [order](std::int64_t t) {
    auto const b = (t % 7) * 10;
    return std::vector<std::int64_t>(order.begin() + b, order.begin() + b + 10);
  };
  std::int64_t moved_outside = 0;
  Vec previous;
  m.options.order = saddle::optim::UpdateOrder::Simultaneous;
  auto const observe = [&](saddle::optim::GdaStep const& s) {
    if (!previous.empty()) { // multipliers outside step t's batch did not move
      auto const batch = m.options.batch(s.step - 1);
      for (std::int64_t i = 0; i < rows.n; ++i)
        if (std::find(batch.begin(), batch.end(), i) == batch.end())
          moved_outside += s.lambda[i] != previous[i];
    }
    previous = s.lambda;
    return true;
  };
  auto const r =
      saddle::test::runMethod(p, m, Vec(static_cast<std::size_t>(p.n_vars), 0.0), observe);
  double worst = -1e300;
  for (double g : r.constraints)
    worst = std::max(worst, g);
  std::printf("[ figures  ] Feasible Learning, 70 samples, batches of 10, 500 epochs: max_i "
              "(loss_i - eps) = %.3g\n",
              worst);
  EXPECT_EQ(moved_outside, 0);
  EXPECT_LE(worst, 0.0); // every sample within eps
}

} // namespace
