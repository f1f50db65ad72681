// The nuPI paper's hard-margin SVM task (Sohrabi et al. 2024): Iris without
// virginica (setosa -1, versicolor +1: 100 rows, 4 features standardized over them), 70
// training rows (35 per class, chosen by a seeded key), one indexed multiplier per sample.
// lambda* comes from PETSc/TAO ALMM on the primal QP, checked against the exact KKT solve on
// its support vectors. Simultaneous GDA with plain gradient ascent (K_I = 0.1) does not reach
// ||lambda - lambda*|| < 1e-6 within the step budget; nuPI with the same K_I does.
#include "saddle/linalg/kkt.hpp"
#include "saddle/linalg/tao_almm.hpp"

#include "test_optim_common.hpp"
#include <numeric>

namespace {

using saddle::test::Vec;

::testing::Environment* const kPetsc =
    ::testing::AddGlobalTestEnvironment(new saddle::test::PetscEnvironment);

constexpr std::uint64_t kSplitSeed = 70;
constexpr std::int64_t kBudget = 5000;

/// Exact multipliers on the support set S: w = sum_S lambda_i y_i x_i, sum_S lambda_i y_i = 0,
/// y_i (w . x_i + b) = 1 on S: a square linear system in (w, b, lambda_S).
Vec exactLambda(saddle::optim::LabelledRows const& r, std::vector<std::int64_t> const& s) {
  auto const d = static_cast<std::size_t>(r.d), k = s.size(), n = d + 1 + k;
  Vec m(n * n, 0.0), rhs(n, 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    m[j * n + j] = 1.0;
    for (std::size_t a = 0; a < k; ++a)
      m[j * n + d + 1 + a] = -r.y[s[a]] * r.x[s[a] * d + j];
  }
  for (std::size_t a = 0; a < k; ++a)
    m[d * n + d + 1 + a] = r.y[s[a]];
  for (std::size_t a = 0; a < k; ++a) {
    std::size_t const row = d + 1 + a;
    for (std::size_t j = 0; j < d; ++j)
      m[row * n + j] = r.y[s[a]] * r.x[s[a] * d + j];
    m[row * n + d] = r.y[s[a]];
    rhs[row] = 1.0;
  }
  Vec const z = saddle::test::solveDense(m, rhs);
  Vec lambda(static_cast<std::size_t>(r.n), 0.0);
  for (std::size_t a = 0; a < k; ++a)
    lambda[s[a]] = z[d + 1 + a];
  return lambda;
}

double norm2(Vec const& a, Vec const& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

/// Simultaneous GDA, primal SGD (lr 0.1), all samples in every batch (indexed multipliers).
/// Returns the first step after which ||lambda - lambda*|| < 1e-6 for good (-1: never) and the
/// final distance.
std::pair<std::int64_t, double> run(saddle::optim::ConstrainedProblem const& p,
                                    saddle::optim::DualConfig const& dual, Vec const& star) {
  saddle::test::Method m;
  m.formulation.name = "lagrangian";
  m.dual = dual;
  m.primal = {"sgd", 0.1};
  m.options.order = saddle::optim::UpdateOrder::Simultaneous;
  m.options.steps = kBudget;
  std::vector<std::int64_t> all(static_cast<std::size_t>(p.n_ineq));
  std::iota(all.begin(), all.end(), 0);
  m.options.batch = [all](std::int64_t) { return all; };
  std::int64_t last_far = 0;
  double dist = 0;
  auto const observe = [&](saddle::optim::GdaStep const& s) {
    dist = norm2(s.lambda, star);
    if (!(dist < 1e-6))
      last_far = s.step;
    return true;
  };
  saddle::test::runMethod(p, m, Vec(static_cast<std::size_t>(p.n_vars), 0.0), observe);
  return {last_far < kBudget ? last_far + 1 : -1, dist};
}

TEST(HardMarginSvmIris, NupiConvergesWhereGradientAscentDoesNot) {
  auto const all = saddle::test::irisPair(0, 1);
  ASSERT_EQ(all.n, 100);
  auto const train = saddle::test::stratifiedSubset(all, 35, kSplitSeed);
  ASSERT_EQ(train.n, 70);
  auto const p = saddle::optim::hardMarginSvmProblem(train);

  saddle::linalg::AlmmOptions o;
  o.tolerance = 1e-11;
  auto const ref = saddle::linalg::solveTaoAlmm(p, Vec(5, 0.0), o);
  ASSERT_TRUE(ref.converged) << ref.reason;
  std::vector<std::int64_t> support;
  for (std::int64_t i = 0; i < train.n; ++i)
    if (ref.lambda[i] > 1e-6)
      support.push_back(i);
  Vec const star = exactLambda(train, support);
  // TAO (tolerance 1e-11) against the exact solve on its support set
  EXPECT_LT(saddle::test::maxAbsDiff(ref.lambda, star), 1e-7);
  for (auto i : support)
    EXPECT_GT(star[i], 0.0);
  auto const cert = saddle::linalg::kktCertificate(p, ref.x, star);
  EXPECT_LT(cert.worst(), 1e-8);
  EXPECT_LT(cert.lagrangian_gradient, 1e-8);

  saddle::optim::DualConfig ga;
  ga.optimizer = "gradient_ascent";
  ga.lr = {0.1}; // K_I = 0.1
  saddle::optim::DualConfig pi;
  pi.optimizer = "nupi";
  pi.lr = {1.0};
  pi.ki = {0.1}; // the same K_I
  pi.kp = {0.5};
  pi.nu = {0.0};
  auto const [ga_round, ga_dist] = run(p, ga, star);
  auto const [pi_round, pi_dist] = run(p, pi, star);
  std::printf("[ figures  ] SVM on Iris (70 samples, %zu support vectors), budget %ld steps: "
              "nuPI(K_P = 0.5, K_I = 0.1) reaches ||lambda - lambda*|| < 1e-6 at step %ld "
              "(final %.2e); gradient ascent (K_I = 0.1) %s (final %.2e)\n",
              support.size(), static_cast<long>(kBudget), static_cast<long>(pi_round), pi_dist,
              ga_round < 0 ? "does not" : ("at step " + std::to_string(ga_round)).c_str(), ga_dist);
  EXPECT_GT(pi_round, 0);
  EXPECT_LT(pi_dist, 1e-6);
  EXPECT_LT(ga_round, 0);
  EXPECT_GT(ga_dist, 1e-6);
}

} // namespace
