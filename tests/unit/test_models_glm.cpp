// Fused GLM and softmax kernels (kernels/models_glm.hpp, models_softmax.hpp) against host
// oracles that form every per-sample gradient, on every execution space, in float and double.
#include "kernels/models_glm.hpp"
#include "kernels/models_softmax.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include "test_models_oracles.hpp"
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace {

using saddle::test::kEpsOf;
using saddle::test::roundedTo;
using saddle::test::toDevice;
using saddle::test::toHost;

template <class Combo> class ModelsGlmTest : public ::testing::Test {
public:
  using execution_space = typename Combo::space;
  using value_type = typename Combo::value_type;
  using memory_space = typename execution_space::memory_space;

  // n rows of d features in [-1, 1] (d = 45: one 32-lane block of the host dot plus a tail),
  // theta in [-0.3, 0.3], a batch of every other row (m = 129 odd, several teams).
  void SetUp() override {
    std::mt19937_64 gen(2024);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    x.resize(n * d);
    for (auto& v : x)
      v = u(gen);
    x = roundedTo<value_type>(x);
    theta.resize(d + 1);
    for (auto& v : theta)
      v = 0.3 * u(gen);
    theta = roundedTo<value_type>(theta);
    y01.resize(n);
    yreal.resize(n);
    for (std::int64_t r = 0; r < n; ++r) {
      y01[r] = u(gen) > 0.0 ? 1.0 : 0.0;
      yreal[r] = static_cast<double>(static_cast<value_type>(2.0 * u(gen)));
    }
    for (std::int64_t r = 0; r < n; r += 2)
      batch.push_back(r);
  }

  /// Row norms ||[x_r, 1]|| in T on the device (the kernel's own cache).
  Kokkos::View<value_type*, memory_space>
  rowNorms(Kokkos::View<value_type**, Kokkos::LayoutRight, memory_space> const& dx) const {
    Kokkos::View<value_type*, memory_space> rn("rn", n);
    saddle::kernels::glmRowNorms(execution_space{}, dx, rn);
    return rn;
  }

  std::int64_t const n = 257, d = 45;
  std::vector<double> x, theta, y01, yreal;
  std::vector<std::int64_t> batch;
};

TYPED_TEST_SUITE(ModelsGlmTest, saddle::test::ModelTypes);

// Runs loss `Loss` (oracle id `loss_id`) on the batch with clip C and compares the clipped sum,
// the loss sum and the per-sample norms against the oracle.
template <class Fixture, class Loss>
void checkGlmAgainstOracle(Fixture& f, int loss_id, std::vector<double> const& y,
                           double lipschitz) {
  using T = typename Fixture::value_type;
  using Space = typename Fixture::execution_space;
  using Mem = typename Fixture::memory_space;
  Space space;
  auto const dx = saddle::test::toDeviceMatrix<T, Space>(f.x, f.n, f.d);
  auto const dy = toDevice<T, Space>(std::vector<T>(y.begin(), y.end()));
  auto const dtheta = toDevice<T, Space>(std::vector<T>(f.theta.begin(), f.theta.end()));
  auto const didx = toDevice<std::int64_t, Space>(f.batch);
  auto const rn = f.rowNorms(dx);
  std::int64_t const m = static_cast<std::int64_t>(f.batch.size());
  auto const ps = saddle::test::oracleGlm(loss_id, f.x, f.d, y, f.batch, f.theta);
  auto norms = saddle::test::oracleClip(ps.grad, std::numeric_limits<double>::infinity()).norm;
  std::sort(norms.begin(), norms.end());
  double const clip = static_cast<double>(static_cast<T>(norms[norms.size() / 2])); // half clip
  auto const want = saddle::test::oracleClip(ps.grad, clip);

  Kokkos::View<double*, Mem> out("out", f.d + 1), loss("loss", 1);
  Kokkos::View<T*, Mem> sample_norm("sn", m);
  saddle::kernels::glmClippedGradient<Loss>(space, dx, dy, didx, m, dtheta, rn, T(clip), out, 0,
                                            loss, sample_norm);
  auto const got = toHost(out);
  auto const got_loss = toHost(loss)[0];
  auto const got_norm = toHost(sample_norm);
  // Rounding in T: the margin errs by <= gamma_{d+1} scale_i (Higham 3.1), the coefficient by
  // lipschitz times that plus a few ulps (sigmoid/exp, clip division), and the sum over m
  // samples by gamma_m sum_i |w_i x_ij|. Bound: 8 (d + m) eps_T (magnitude + L scale |x|).
  double const k = 8.0 * static_cast<double>(f.d + m) * kEpsOf<T>;
  for (std::int64_t j = 0; j <= f.d; ++j) {
    double input_mag = 0.0;
    for (std::int64_t i = 0; i < m; ++i)
      input_mag += ps.scale[i] * (j < f.d ? std::fabs(f.x[f.batch[i] * f.d + j]) : 1.0);
    EXPECT_NEAR(got[j], want.sum[j], k * (want.magnitude[j] + lipschitz * input_mag))
        << "entry " << j;
  }
  double loss_want = 0.0, loss_mag = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    loss_want += ps.loss[i];
    loss_mag += std::fabs(ps.loss[i]) + (std::fabs(ps.grad[i][f.d]) + 1.0) * ps.scale[i];
  }
  EXPECT_NEAR(got_loss, loss_want, k * loss_mag);
  for (std::int64_t i = 0; i < m; ++i) {
    double const row = ps.grad[i][f.d] == 0.0 ? 0.0 : want.norm[i] / std::fabs(ps.grad[i][f.d]);
    EXPECT_NEAR(got_norm[i], want.norm[i], k * (want.norm[i] + lipschitz * ps.scale[i] * row))
        << "sample " << i;
  }
}

TYPED_TEST(ModelsGlmTest, LogisticMatchesPerSampleOracle) {
  checkGlmAgainstOracle<TestFixture, saddle::kernels::LogisticLossFn>(*this, 0, this->y01, 0.25);
}

TYPED_TEST(ModelsGlmTest, HingeMatchesPerSampleOracleAwayFromTheKink) {
  // float and double may take different sides of the kink s z = 1: keep rows away from it
  std::vector<std::int64_t> kept;
  for (std::int64_t r : this->batch) {
    double z = this->theta[this->d];
    for (std::int64_t j = 0; j < this->d; ++j)
      z += this->theta[j] * this->x[r * this->d + j];
    if (std::fabs(1.0 - (2.0 * this->y01[r] - 1.0) * z) > 1e-3)
      kept.push_back(r);
  }
  ASSERT_GT(kept.size(), this->batch.size() / 2);
  this->batch = kept;
  checkGlmAgainstOracle<TestFixture, saddle::kernels::HingeLossFn>(*this, 1, this->y01, 0.0);
}

TYPED_TEST(ModelsGlmTest, SquaredHingeMatchesPerSampleOracle) {
  checkGlmAgainstOracle<TestFixture, saddle::kernels::SquaredHingeLossFn>(*this, 2, this->y01, 2.0);
}

TYPED_TEST(ModelsGlmTest, LeastSquaresMatchesPerSampleOracle) {
  checkGlmAgainstOracle<TestFixture, saddle::kernels::SquaredLossFn>(*this, 3, this->yreal, 1.0);
}

TYPED_TEST(ModelsGlmTest, EdgeCasesZeroGradientNormAtClipSingleSampleHingeKink) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  Space space;
  auto const dx = saddle::test::toDeviceMatrix<T, Space>(this->x, this->n, this->d);
  auto const rn = this->rowNorms(dx);
  Kokkos::View<double*, Mem> none_loss("none", 0);
  Kokkos::View<T*, Mem> none_norm("none", 0);
  auto const run = [&](auto loss_fn, std::vector<T> const& th, std::vector<T> const& y,
                       std::int64_t row, T clip, Kokkos::View<T*, Mem> norm) {
    Kokkos::View<double*, Mem> out("out", this->d + 1);
    saddle::kernels::glmClippedGradient<decltype(loss_fn)>(
        space, dx, toDevice<T, Space>(y), toDevice<std::int64_t, Space>({row}), 1,
        toDevice<T, Space>(th), rn, clip, out, 0, none_loss, norm);
    return toHost(out);
  };
  std::vector<T> zero_theta(this->d + 1, T(0)), y_zero(this->n, T(0));
  T const inf = std::numeric_limits<T>::infinity();
  // least squares at z = y = 0: zero gradient, norm 0, nothing added, no NaN (0/0 avoided)
  Kokkos::View<T*, Mem> norm("norm", 1);
  auto const z = run(saddle::kernels::SquaredLossFn{}, zero_theta, y_zero, 3, T(0.5), norm);
  for (double v : z)
    EXPECT_EQ(v, 0.0);
  EXPECT_EQ(toHost(norm)[0], T(0));
  // a single sample whose norm is exactly C: clipping does not bind, bit for bit
  std::vector<T> th(this->theta.begin(), this->theta.end());
  std::vector<T> y(this->y01.begin(), this->y01.end());
  auto const free = run(saddle::kernels::LogisticLossFn{}, th, y, 8, inf, norm);
  T const at_c = toHost(norm)[0];
  EXPECT_EQ(run(saddle::kernels::LogisticLossFn{}, th, y, 8, at_c, none_norm), free);
  // just below: every entry shrinks by C / norm
  T const below = at_c * T(0.5);
  auto const clipped = run(saddle::kernels::LogisticLossFn{}, th, y, 8, below, none_norm);
  for (std::size_t j = 0; j < free.size(); ++j)
    EXPECT_NEAR(clipped[j], 0.5 * free[j], 4 * kEpsOf<T> * std::fabs(free[j])) << j;
  // hinge exactly at the kink (z = 1 from the bias alone, y = 1): subgradient 0
  std::vector<T> kink_theta(this->d + 1, T(0));
  kink_theta[this->d] = T(1);
  std::vector<T> ones(this->n, T(1));
  for (double v : run(saddle::kernels::HingeLossFn{}, kink_theta, ones, 5, inf, none_norm))
    EXPECT_EQ(v, 0.0);
  // an empty batch adds nothing
  Kokkos::View<double*, Mem> out("out", this->d + 1);
  saddle::kernels::glmClippedGradient<saddle::kernels::LogisticLossFn>(
      space, dx, toDevice<T, Space>(y), toDevice<std::int64_t, Space>({0}), 0,
      toDevice<T, Space>(th), rn, inf, out, 0, none_loss, none_norm);
  for (double v : toHost(out))
    EXPECT_EQ(v, 0.0);
}

TYPED_TEST(ModelsGlmTest, SoftmaxMatchesPerSampleOracle) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  Space space;
  std::int64_t const k_classes = 5, nf = this->d, m = static_cast<std::int64_t>(this->batch.size());
  std::mt19937_64 gen(77);
  std::uniform_real_distribution<double> u(-0.3, 0.3);
  std::vector<double> w(k_classes * (nf + 1));
  for (auto& v : w)
    v = u(gen);
  w = roundedTo<T>(w);
  std::vector<int> y(this->n);
  for (std::int64_t r = 0; r < this->n; ++r)
    y[r] = static_cast<int>(r * 7 % k_classes);
  auto const dx = saddle::test::toDeviceMatrix<T, Space>(this->x, this->n, nf);
  auto const dw = saddle::test::toDeviceMatrix<T, Space>(w, k_classes, nf + 1);
  auto const rn = this->rowNorms(dx);
  auto const ps = saddle::test::oracleSoftmax(this->x, nf, y, this->batch, w, k_classes);
  auto norms = saddle::test::oracleClip(ps.grad, std::numeric_limits<double>::infinity()).norm;
  std::sort(norms.begin(), norms.end());
  double const clip = static_cast<double>(static_cast<T>(norms[norms.size() / 3]));
  auto const want = saddle::test::oracleClip(ps.grad, clip);
  Kokkos::View<double*, Mem> out("out", k_classes * (nf + 1)), loss("loss", 1);
  Kokkos::View<T*, Mem> sn("sn", m);
  saddle::kernels::softmaxClippedGradient(space, dx, toDevice<int, Space>(y),
                                          toDevice<std::int64_t, Space>(this->batch), m, dw, rn,
                                          T(clip), out, 0, loss, sn);
  auto const got = toHost(out);
  // logits err by <= gamma_d scale_i; softmax is 1-Lipschitz in the logits, and the m-term
  // sums add gamma_m of the magnitudes: 8 (nf + m) eps_T (magnitude + sum_i scale_i |x~_ij|)
  double const k = 8.0 * static_cast<double>(nf + m) * kEpsOf<T>;
  for (std::int64_t e = 0; e < k_classes * (nf + 1); ++e) {
    std::int64_t const j = e % (nf + 1);
    double input_mag = 0.0;
    for (std::int64_t i = 0; i < m; ++i)
      input_mag += ps.scale[i] * (j < nf ? std::fabs(this->x[this->batch[i] * nf + j]) : 1.0);
    EXPECT_NEAR(got[e], want.sum[e], k * (want.magnitude[e] + input_mag)) << "entry " << e;
  }
  double loss_want = 0.0, loss_mag = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    loss_want += ps.loss[i];
    loss_mag += ps.loss[i] + ps.scale[i];
  }
  EXPECT_NEAR(toHost(loss)[0], loss_want, k * loss_mag);
  auto const got_norm = toHost(sn);
  for (std::int64_t i = 0; i < m; ++i)
    EXPECT_NEAR(got_norm[i], want.norm[i], k * (want.norm[i] + ps.scale[i])) << i;
}

TYPED_TEST(ModelsGlmTest, SoftmaxSingleSampleAtClipIsUnchanged) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  Space space;
  std::int64_t const k_classes = 3, nf = this->d;
  std::vector<double> w(k_classes * (nf + 1), 0.0); // uniform p = 1/3: residual (1/3,-2/3,1/3)
  auto const dx = saddle::test::toDeviceMatrix<T, Space>(this->x, this->n, nf);
  auto const dw = saddle::test::toDeviceMatrix<T, Space>(w, k_classes, nf + 1);
  auto const dy = toDevice<int, Space>(std::vector<int>(this->n, 1));
  auto const didx = toDevice<std::int64_t, Space>({11});
  auto const rn = this->rowNorms(dx);
  Kokkos::View<double*, Mem> none("none", 0);
  Kokkos::View<T*, Mem> sn("sn", 1);
  auto const run = [&](T clip) {
    Kokkos::View<double*, Mem> out("out", k_classes * (nf + 1));
    saddle::kernels::softmaxClippedGradient(space, dx, dy, didx, 1, dw, rn, clip, out, 0, none, sn);
    return toHost(out);
  };
  auto const free = run(std::numeric_limits<T>::infinity());
  T const norm = toHost(sn)[0];
  // ||(1/3, -2/3, 1/3)|| = sqrt(6)/3 times ||[x_11, 1]||
  EXPECT_NEAR(norm, std::sqrt(6.0) / 3.0 * toHost(rn)[11], 8 * kEpsOf<T> * norm);
  EXPECT_EQ(run(norm), free); // norm exactly C: bit for bit unchanged
}

} // namespace
