// The trainer's least-squares classifier (issue 6): per-record gradients against finite
// differences of its loss, the loss switch of LogisticModel, and the ridge step of Sgd against
// a host formula (bitwise the plain step when l2 = 0).
#include "kernels/dense.hpp"
#include "kernels/glm_losses.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/state.hpp"
#include "saddle/models/logistic.hpp"
#include "saddle/optim/sgd.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <cstring>
#include <random>

namespace {

using saddle::test::toDevice;
using saddle::test::toHost;

constexpr std::int64_t kRows = 7, kFeatures = 4;

/// A split of kRows rows with features in [-2, 2] and labels 0/1 (only x and y are read).
saddle::data::SiloData smallSplit(std::uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  saddle::data::SiloData s;
  s.x = saddle::Matrix<double>("x", kRows, kFeatures);
  auto xh = Kokkos::create_mirror_view(s.x);
  std::vector<double> y(kRows);
  for (std::int64_t i = 0; i < kRows; ++i) {
    for (std::int64_t j = 0; j < kFeatures; ++j)
      xh(i, j) = u(gen);
    y[i] = static_cast<double>(i % 2);
  }
  Kokkos::deep_copy(s.x, xh);
  s.y = toDevice<double, saddle::ExecSpace>(y, "y");
  return s;
}

void setTheta(saddle::LogisticModel& m, std::vector<double> const& theta) {
  saddle::State st;
  st.putArray("theta", theta);
  m.loadState(st, "");
}

/// Loss of record i at the model's current theta: margin from perSample, loss from the kernel.
double recordLoss(saddle::LogisticModel const& m, saddle::data::SiloData const& s, std::int64_t i) {
  saddle::BatchScratch b(1);
  b.size = 1;
  Kokkos::deep_copy(b.idx, i);
  m.perSample(saddle::ExecSpace{}, s, b);
  double const z = toHost(b.z)[0];
  double const y = toHost(s.y)[i];
  return saddle::kernels::leastSquaresClassifierLoss(z, y);
}

TEST(LeastSquaresModel, PerRecordGradientMatchesFiniteDifferences) {
  auto const split = smallSplit(11);
  saddle::LogisticModel model(kFeatures, saddle::GlmLoss::LeastSquares);
  std::vector<double> const theta0 = {0.3, -0.7, 0.2, 1.1, -0.4};
  for (std::int64_t i = 0; i < kRows; ++i) {
    // analytic: coef_i [x_i, 1] through perSample + accumulateGradient (one record)
    setTheta(model, theta0);
    saddle::BatchScratch b(1);
    b.size = 1;
    Kokkos::deep_copy(b.idx, i);
    model.perSample(saddle::ExecSpace{}, split, b);
    saddle::Vector<double> grad("grad", kFeatures + 1);
    model.accumulateGradient(saddle::ExecSpace{}, split, b, {b.coef, b.coef}, grad, 0);
    auto const g = toHost(grad);
    for (std::int64_t j = 0; j <= kFeatures; ++j) {
      // central differences of a quadratic are exact up to rounding: |loss| <= ~50 here, so
      // the rounding error is ~ 50 eps / h = 1e-10 with h = 1e-4; tolerance 1e-8
      double const h = 1e-4;
      auto plus = theta0, minus = theta0;
      plus[j] += h;
      minus[j] -= h;
      setTheta(model, plus);
      double const lp = recordLoss(model, split, i);
      setTheta(model, minus);
      double const lm = recordLoss(model, split, i);
      EXPECT_NEAR(g[j], (lp - lm) / (2 * h), 1e-8) << "record " << i << " parameter " << j;
    }
  }
}

TEST(LeastSquaresModel, RegressesTwoYMinusOne) {
  // theta = 0: z = 0, so coef = -(2 y - 1) = +1 for y = 0 and -1 for y = 1
  auto const split = smallSplit(3);
  saddle::LogisticModel model(kFeatures);
  EXPECT_EQ(model.loss(), saddle::GlmLoss::Logistic); // the default is unchanged
  model.setLoss(saddle::LogisticModel::lossFromKind("least_squares"));
  saddle::BatchScratch b(kRows);
  b.size = kRows;
  auto idx = Kokkos::create_mirror_view(b.idx);
  for (std::int64_t i = 0; i < kRows; ++i)
    idx(i) = i;
  Kokkos::deep_copy(b.idx, idx);
  model.perSample(saddle::ExecSpace{}, split, b);
  auto const coef = toHost(b.coef), y = toHost(split.y);
  for (std::int64_t i = 0; i < kRows; ++i)
    EXPECT_EQ(coef[i], y[i] > 0.5 ? -1.0 : 1.0);
}

TEST(LeastSquaresModel, RejectsOtherKinds) {
  EXPECT_EQ(saddle::LogisticModel::lossFromKind("logistic"), saddle::GlmLoss::Logistic);
  EXPECT_THROW(saddle::LogisticModel::lossFromKind("hinge"), saddle::InputError);
  EXPECT_THROW(saddle::LogisticModel(3, saddle::GlmLoss::Hinge), saddle::Error);
}

TEST(SgdRidge, StepMatchesHostFormula) {
  double const lr = 0.3, scale = 0.25, l2 = 0.1;
  std::int64_t const offset = 2;
  std::vector<double> const theta0 = {1.0, -2.0, 0.5, 3.0};
  std::vector<double> const grad = {9.0, 9.0, 0.4, -1.2, 2.0, 0.8, 9.0};
  auto theta = toDevice<double, saddle::ExecSpace>(theta0, "theta");
  auto const g = toDevice<double, saddle::ExecSpace>(grad, "grad");
  saddle::Sgd(lr, l2).step(saddle::ExecSpace{}, theta, g, offset, scale);
  auto const out = toHost(theta);
  for (std::size_t j = 0; j < theta0.size(); ++j) {
    // weights: theta - lr (scale g + l2 theta); bias (last): theta - lr scale g. A few
    // roundings of O(1) values: 1e-15
    double const decay = j + 1 < theta0.size() ? l2 * theta0[j] : 0.0;
    double const expect = theta0[j] - lr * (scale * grad[offset + j] + decay);
    EXPECT_NEAR(out[j], expect, 1e-15) << j;
  }
}

TEST(SgdRidge, ZeroL2IsBitwiseThePlainStep) {
  std::mt19937_64 gen(5);
  std::normal_distribution<double> n01;
  std::vector<double> theta0(33), grad(40);
  for (auto& v : theta0)
    v = n01(gen);
  for (auto& v : grad)
    v = n01(gen);
  auto const g = toDevice<double, saddle::ExecSpace>(grad, "grad");
  auto a = toDevice<double, saddle::ExecSpace>(theta0, "a");
  auto b = toDevice<double, saddle::ExecSpace>(theta0, "b");
  double const lr = 0.37, scale = 1.0 / 3.0;
  saddle::Sgd(lr).step(saddle::ExecSpace{}, a, g, 5, scale);
  saddle::Sgd(lr, 0.0).step(saddle::ExecSpace{}, b, g, 5, scale);
  // the pre-l2 path: one axpy with -lr * scale
  auto c = toDevice<double, saddle::ExecSpace>(theta0, "c");
  saddle::kernels::axpy(saddle::ExecSpace{}, -lr * scale, g, c, 33, 5);
  auto const ha = toHost(a), hb = toHost(b), hc = toHost(c);
  EXPECT_EQ(0, std::memcmp(ha.data(), hc.data(), ha.size() * sizeof(double)));
  EXPECT_EQ(0, std::memcmp(hb.data(), hc.data(), hb.size() * sizeof(double)));
}

} // namespace
