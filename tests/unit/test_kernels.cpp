// Kernels against plain host oracles, on every execution space of the Kokkos build.
#include "kernels/clip.hpp"
#include "kernels/dense.hpp"
#include "kernels/glm.hpp"
#include "kernels/group_stats.hpp"
#include "kernels/noise.hpp"
#include "kernels/sample.hpp"

#include <gtest/gtest.h>

#include "saddle_test_config.hpp"
#include "support/helpers.hpp"
#include "support/oracles.hpp"
#include <cmath>
#include <limits>
#include <random>

namespace {

using saddle::test::toDevice;
using saddle::test::toHost;
constexpr double kEps = std::numeric_limits<double>::epsilon();

template <class Space> class KernelTest : public ::testing::Test {
protected:
  using memory_space = typename Space::memory_space;
  // n rows of d features with values in [-2, 2], a batch of every other row.
  void SetUp() override {
    std::mt19937_64 gen(12345);
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    x_host.resize(n_rows * d);
    for (auto& v : x_host)
      v = u(gen);
    theta.resize(d + 1);
    for (auto& v : theta)
      v = u(gen);
    for (std::int64_t r = 0; r < n_rows; r += 2)
      batch.push_back(r);
  }
  Kokkos::View<double**, Kokkos::LayoutRight, memory_space> deviceX() const {
    Kokkos::View<double**, Kokkos::LayoutRight, memory_space> dx("x", n_rows, d);
    auto h = Kokkos::create_mirror_view(dx);
    for (std::int64_t r = 0; r < n_rows; ++r)
      for (std::int64_t j = 0; j < d; ++j)
        h(r, j) = x_host[r * d + j];
    Kokkos::deep_copy(dx, h);
    return dx;
  }
  std::int64_t const n_rows = 301, d = 7;
  std::vector<double> x_host, theta;
  std::vector<std::int64_t> batch;
};

using ExecSpaces = ::testing::Types<SADDLE_TEST_EXEC_SPACES>;
TYPED_TEST_SUITE(KernelTest, ExecSpaces);

TYPED_TEST(KernelTest, MarginsMatchOracle) {
  TypeParam space;
  auto const dx = this->deviceX();
  auto const didx = toDevice<std::int64_t, TypeParam>(this->batch);
  auto const dtheta = toDevice<double, TypeParam>(this->theta);
  Kokkos::View<double*, typename TypeParam::memory_space> z("z", this->batch.size());
  saddle::kernels::glmMargins(space, dx, didx, this->batch.size(), dtheta, z);
  auto const got = toHost(z);
  auto const want = saddle::test::oracleMargins(this->x_host, this->d, this->batch, this->theta);
  // same d + 1 products summed in the same order: equal to a few ulps of the magnitudes
  for (std::size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 4 * (this->d + 1) * kEps * 16.0) << "row " << i;
}

TYPED_TEST(KernelTest, ClippedSumMatchesPerSampleOracle) {
  TypeParam space;
  auto const dx = this->deviceX();
  std::int64_t const m = static_cast<std::int64_t>(this->batch.size());
  // coefficients spanning clipped and unclipped records, plus the edge cases: a zero gradient
  // and a record whose gradient norm is exactly C (C chosen from it below)
  std::vector<double> coef(m);
  for (std::int64_t i = 0; i < m; ++i)
    coef[i] = std::sin(0.37 * static_cast<double>(i)) * (i % 3 == 0 ? 3.0 : 0.05);
  coef[5] = 0.0;
  std::vector<double> norm(this->n_rows);
  for (std::int64_t r = 0; r < this->n_rows; ++r) {
    double sq = 1.0;
    for (std::int64_t j = 0; j < this->d; ++j)
      sq += this->x_host[r * this->d + j] * this->x_host[r * this->d + j];
    norm[r] = std::sqrt(sq);
  }
  double const clip = std::fabs(coef[7]) * norm[this->batch[7]]; // record 7 sits exactly at C
  auto const didx = toDevice<std::int64_t, TypeParam>(this->batch);
  auto const dcoef = toDevice<double, TypeParam>(coef);
  auto const dnorm = toDevice<double, TypeParam>(norm);
  Kokkos::View<double*, typename TypeParam::memory_space> w("w", m), out("out", this->d + 1);
  saddle::kernels::clipRankOneWeights(space, dcoef, dnorm, didx, m, clip, w);
  saddle::kernels::glmWeightedRowSum(space, dx, didx, m, w, w, out);
  auto const got = toHost(out);
  auto const wh = toHost(w);
  std::vector<std::vector<double>> per_sample;
  auto const want =
      saddle::test::oracleClippedSum(this->x_host, this->d, this->batch, coef, clip, &per_sample);
  // m terms each of norm <= C: the sums differ by rounding only, <= 8 m eps C per entry
  for (std::int64_t j = 0; j <= this->d; ++j)
    EXPECT_NEAR(got[j], want[j], 8.0 * m * kEps * clip) << "column " << j;
  EXPECT_EQ(wh[5], 0.0);             // zero gradient stays zero
  EXPECT_EQ(wh[7], coef[7]);         // norm exactly C: factor exactly 1
  for (auto const& g : per_sample) { // every clipped contribution has norm <= C
    double sq = 0.0;
    for (double v : g)
      sq += v * v;
    EXPECT_LE(std::sqrt(sq), clip * (1 + 4 * kEps));
  }
}

TYPED_TEST(KernelTest, DenseClipBoundsEveryRow) {
  TypeParam space;
  std::int64_t const rows = 50, cols = 33;
  Kokkos::View<double**, Kokkos::LayoutRight, typename TypeParam::memory_space> g("g", rows, cols);
  auto h = Kokkos::create_mirror_view(g);
  for (std::int64_t s = 0; s < rows; ++s)
    for (std::int64_t j = 0; j < cols; ++j)
      h(s, j) = (s == 3) ? 0.0 : std::cos(static_cast<double>(s * cols + j)) * (s % 5);
  Kokkos::deep_copy(g, h);
  double const clip = 1.5;
  saddle::kernels::clipPerSample(space, g, clip);
  auto const out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, g);
  for (std::int64_t s = 0; s < rows; ++s) {
    double sq = 0.0, sq_in = 0.0;
    for (std::int64_t j = 0; j < cols; ++j) {
      sq += out(s, j) * out(s, j);
      sq_in += h(s, j) * h(s, j);
    }
    EXPECT_LE(std::sqrt(sq), clip * (1 + 4 * kEps)) << "row " << s;
    if (std::sqrt(sq_in) <= clip) { // rows inside the ball are untouched, bit for bit
      for (std::int64_t j = 0; j < cols; ++j)
        EXPECT_EQ(out(s, j), h(s, j));
    }
  }
}

TYPED_TEST(KernelTest, LogisticLossIsStableAndMatchesOracle) {
  TypeParam space;
  std::vector<double> z = {-800.0, -30.0, -1.0, 0.0, 1e-8, 2.5, 40.0, 800.0};
  std::vector<double> y = {1, 0, 1, 0, 1, 1, 0, 1};
  std::vector<std::int64_t> idx(z.size());
  for (std::size_t i = 0; i < idx.size(); ++i)
    idx[i] = static_cast<std::int64_t>(i);
  auto const dz = toDevice<double, TypeParam>(z);
  auto const dy = toDevice<double, TypeParam>(y);
  auto const didx = toDevice<std::int64_t, TypeParam>(idx);
  double loss = 0.0;
  std::int64_t correct = 0;
  saddle::kernels::glmLossAndCorrect(space, false, dy, didx, z.size(), dz, loss, correct);
  double want = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i)
    want += saddle::test::oracleLogisticLoss(z[i], y[i]);
  EXPECT_TRUE(std::isfinite(loss));
  EXPECT_NEAR(loss, want, 1e-12 * want); // relative, the largest term is 800
  EXPECT_EQ(correct, 5);                 // yhat = 1[z > 0]: right at -30, 0, 1e-8, 2.5, 800
}

TYPED_TEST(KernelTest, NoiseIsReproducibleZeroAtZeroStdAndHasTheRightScale) {
  TypeParam space;
  std::int64_t const n = 200000;
  Kokkos::View<double*, typename TypeParam::memory_space> v("v", n);
  saddle::rng::Key const key{99, saddle::rng::Purpose::Test, 3, 11};
  saddle::kernels::addGaussianNoise(space, v, 0, n, 0.0, key);
  for (double x : toHost(v))
    ASSERT_EQ(x, 0.0);
  double const stddev = 2.5;
  saddle::kernels::addGaussianNoise(space, v, 0, n, stddev, key);
  auto const a = toHost(v);
  double mean = 0.0, sq = 0.0;
  for (double x : a) {
    mean += x;
    sq += x * x;
  }
  mean /= n;
  double const sd = std::sqrt(sq / n - mean * mean);
  // sample mean ~ N(0, sd^2/n), sample sd ~ N(sd, sd^2/(2n)): 6-sigma bounds
  EXPECT_NEAR(mean, 0.0, 6 * stddev / std::sqrt(double(n)));
  EXPECT_NEAR(sd, stddev, 6 * stddev / std::sqrt(2.0 * n));
  Kokkos::deep_copy(v, 0.0);
  saddle::kernels::addGaussianNoise(space, v, 0, n, stddev, key);
  EXPECT_EQ(toHost(v), a); // same key, same numbers
}

TYPED_TEST(KernelTest, PoissonSampleIsDeterministicSortedAndHasTheRate) {
  TypeParam space;
  std::int64_t const n = 100000;
  std::vector<std::int64_t> ids(n);
  for (std::int64_t i = 0; i < n; ++i)
    ids[i] = 1000 + 3 * i;
  auto const dids = toDevice<std::int64_t, TypeParam>(ids);
  Kokkos::View<std::int64_t*, typename TypeParam::memory_space> idx("idx", n), idx2("idx2", n);
  saddle::rng::Key const key{5, saddle::rng::Purpose::Sample, 2, 17};
  double const q = 0.05;
  auto const m = saddle::kernels::poissonSample(space, dids, 0, n, q, key, idx);
  auto const m2 = saddle::kernels::poissonSample(space, dids, 0, n, q, key, idx2);
  ASSERT_EQ(m, m2);
  auto const a = toHost(idx), b = toHost(idx2);
  for (std::int64_t i = 0; i < m; ++i) {
    ASSERT_EQ(a[i], b[i]);
    if (i > 0) {
      ASSERT_LT(a[i - 1], a[i]);
    }
    // membership is the pure draw of the record's id
    ASSERT_LT(saddle::rng::uniform(key, static_cast<std::uint64_t>(ids[a[i]])), q);
  }
  // Binomial(n, q): 6 standard deviations
  EXPECT_NEAR(static_cast<double>(m), n * q, 6 * std::sqrt(n * q * (1 - q)));
  // a sub-range draws the same records as the full range restricted to it
  auto const m_sub = saddle::kernels::poissonSample(space, dids, 500, 1500, q, key, idx2);
  auto const sub = toHost(idx2);
  std::int64_t expected = 0;
  for (std::int64_t i = 0; i < m; ++i)
    if (a[i] >= 500 && a[i] < 1500) {
      EXPECT_EQ(sub[expected++], a[i]);
    }
  EXPECT_EQ(m_sub, expected);
}

TYPED_TEST(KernelTest, GroupPositiveCountsMatchOracle) {
  TypeParam space;
  std::vector<int> group = {0, 1, 2, 1, 0, 2, 2, 1, 0, 0};
  std::vector<double> z = {1, -1, 0.5, 2, -0.1, 0.0, 3, -2, 0.2, 0.3};
  std::vector<std::int64_t> idx = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  Kokkos::View<double*, typename TypeParam::memory_space> out("out", 7);
  saddle::kernels::groupPositiveCounts(space, toDevice<int, TypeParam>(group),
                                       toDevice<std::int64_t, TypeParam>(idx), 10,
                                       toDevice<double, TypeParam>(z), 3, out, 1);
  std::vector<double> const want = {0, 4, 3, 3, 3, 1, 2}; // offset 1: counts, then positives
  EXPECT_EQ(toHost(out), want);
}

} // namespace
