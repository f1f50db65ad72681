// MlpModel (ghost norms + weighted gemm, src/saddle/models/mlp.hpp) and the GLM/softmax model
// classes against host oracles that form every per-sample gradient, in float and double, on the
// default execution space the library is compiled for.
#include "saddle/core/error.hpp"
#include "saddle/models/glm_model.hpp"
#include "saddle/models/mlp.hpp"
#include "saddle/models/model_kinds.hpp"
#include "saddle/models/softmax.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include "test_models_oracles.hpp"
#include <cmath>
#include <limits>
#include <random>

namespace {

using saddle::ExecSpace;
using saddle::test::kEpsOf;
using saddle::test::toDevice;
using saddle::test::toHost;

template <class T> class ModelsMlpTest : public ::testing::Test {
public:
  // a 3-layer net 13-9-11-4 on n rows, batch of 17 rows in shuffled order
  void SetUp() override {
    std::mt19937_64 gen(99);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    x.resize(n * widths[0]);
    for (auto& v : x)
      v = u(gen);
    x = saddle::test::roundedTo<T>(x);
    y.resize(n);
    for (std::int64_t r = 0; r < n; ++r)
      y[r] = static_cast<int>((r * 5 + 1) % widths.back());
    for (std::int64_t i = 0; i < 17; ++i)
      batch.push_back((i * 13 + 3) % n);
  }
  std::vector<double> params(saddle::MlpModel<T> const& model) const {
    auto const p = toHost(model.params());
    return std::vector<double>(p.begin(), p.end());
  }

  std::int64_t const n = 40;
  std::vector<std::int64_t> const widths = {13, 9, 11, 4};
  std::vector<double> x;
  std::vector<int> y;
  std::vector<std::int64_t> batch;
};

using Scalars = ::testing::Types<float, double>;
TYPED_TEST_SUITE(ModelsMlpTest, Scalars);

// One clippedGradient against the oracle: sum, loss, per-sample norms.
template <class T>
void checkMlp(ModelsMlpTest<T>& f, saddle::MlpModel<T>& model, int activation, double clip) {
  ExecSpace space;
  std::int64_t const m = static_cast<std::int64_t>(f.batch.size());
  auto const dx = saddle::test::toDeviceMatrix<T, ExecSpace>(f.x, f.n, f.widths[0]);
  saddle::Vector<double> out("out", model.numParams() + 3), loss("loss", 1);
  saddle::Vector<T> sn("sn", m);
  model.clippedGradient(space, dx, toDevice<int, ExecSpace>(f.y),
                        toDevice<std::int64_t, ExecSpace>(f.batch), m, static_cast<T>(clip), out, 3,
                        loss, sn);
  double min_pre = 0.0;
  auto const ps =
      saddle::test::oracleMlp(f.widths, activation, f.params(model), f.x, f.y, f.batch, &min_pre);
  // float and double must take the same side of every ReLU kink for the comparison to hold
  ASSERT_GT(min_pre, 1e-4);
  auto const want = saddle::test::oracleClip(ps.grad, clip);
  auto const got = toHost(out);
  // each entry passes through L layers of dot products of length <= w_max and m-term sums:
  // normwise |err| <= 16 (L w_max + m) eps_T max_i ||c_i g_i||, 16 covering exp/tanh, the
  // clip factor and the ghost norm roundings
  double max_norm = 0.0;
  for (std::size_t i = 0; i < want.norm.size(); ++i)
    max_norm = std::max(max_norm, std::min(want.norm[i], clip));
  double const tol = 16.0 * (3 * 13 + m) * kEpsOf<T> * (max_norm + 1.0);
  for (std::int64_t j = 0; j < 3; ++j)
    EXPECT_EQ(got[j], 0.0); // before the offset: untouched
  for (std::int64_t p = 0; p < model.numParams(); ++p)
    EXPECT_NEAR(got[3 + p], want.sum[p], tol * (1.0 + want.magnitude[p])) << "param " << p;
  double loss_want = 0.0;
  for (double l : ps.loss)
    loss_want += l;
  EXPECT_NEAR(toHost(loss)[0], loss_want, tol * m * (1.0 + loss_want));
  auto const got_norm = toHost(sn);
  for (std::int64_t i = 0; i < m; ++i)
    EXPECT_NEAR(got_norm[i], want.norm[i], tol * (1.0 + want.norm[i])) << "sample " << i;
}

TYPED_TEST(ModelsMlpTest, ReluMatchesPerSampleOracleClippedAndUnclipped) {
  saddle::MlpModel<TypeParam> model(this->widths, saddle::kernels::Activation::Relu, 32, 5);
  checkMlp(*this, model, 1, 0.7);
  checkMlp(*this, model, 1, std::numeric_limits<double>::infinity());
}

TYPED_TEST(ModelsMlpTest, OverwriteModeNeedsNoZeroedOutput) {
  using T = TypeParam;
  ExecSpace space;
  saddle::MlpModel<T> model(this->widths, saddle::kernels::Activation::Relu, 32, 5);
  auto const dx = saddle::test::toDeviceMatrix<T, ExecSpace>(this->x, this->n, this->widths[0]);
  auto const dy = toDevice<int, ExecSpace>(this->y);
  auto const didx = toDevice<std::int64_t, ExecSpace>(this->batch);
  std::int64_t const m = static_cast<std::int64_t>(this->batch.size());
  saddle::Vector<double> added("added", model.numParams() + 2), set("set", model.numParams() + 2),
      none("none", 0);
  saddle::Vector<T> no_norms("no_norms", 0);
  Kokkos::deep_copy(set, 7.0); // stale contents: every parameter entry must be overwritten
  model.clippedGradient(space, dx, dy, didx, m, T(0.7), added, 1, none, no_norms);
  model.clippedGradient(space, dx, dy, didx, m, T(0.7), set, 1, none, no_norms, true);
  auto const a = toHost(added), b = toHost(set);
  EXPECT_EQ(b[0], 7.0); // outside [offset, offset + P): untouched
  EXPECT_EQ(b.back(), 7.0);
  for (std::int64_t p = 1; p <= model.numParams(); ++p)
    EXPECT_EQ(a[p], b[p]) << p; // the same sums, "=" instead of "+=" onto zeros
}

TYPED_TEST(ModelsMlpTest, TanhMatchesPerSampleOracle) {
  saddle::MlpModel<TypeParam> model(this->widths, saddle::kernels::Activation::Tanh, 17, 6);
  checkMlp(*this, model, 2, 0.5);
}

TYPED_TEST(ModelsMlpTest, SingleSampleAndReluAtZero) {
  using T = TypeParam;
  ExecSpace space;
  saddle::MlpModel<T> model(this->widths, saddle::kernels::Activation::Relu, 4, 7);
  // hidden unit 2 of layer 0 gets W_0[:, 2] = 0 and b = 0: its pre-activation is exactly 0
  auto p = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, model.params());
  std::int64_t const w1 = this->widths[1];
  for (std::int64_t i = 0; i < this->widths[0]; ++i)
    p(i * w1 + 2) = T(0);
  Kokkos::deep_copy(model.params(), p);
  auto const dx = saddle::test::toDeviceMatrix<T, ExecSpace>(this->x, this->n, this->widths[0]);
  saddle::Vector<double> out("out", model.numParams()), none("none", 0);
  model.clippedGradient(
      space, dx, toDevice<int, ExecSpace>(this->y), toDevice<std::int64_t, ExecSpace>({21}), 1,
      std::numeric_limits<T>::infinity(), out, 0, none, saddle::Vector<T>("no_norms", 0));
  auto const got = toHost(out);
  // ReLU'(0) = 0: no gradient reaches unit 2's weights and bias, nor the row of W_1 fed by it
  for (std::int64_t i = 0; i < this->widths[0]; ++i)
    EXPECT_EQ(got[model.weightOffset(0) + i * w1 + 2], 0.0);
  EXPECT_EQ(got[model.biasOffset(0) + 2], 0.0);
  for (std::int64_t o = 0; o < this->widths[2]; ++o)
    EXPECT_EQ(got[model.weightOffset(1) + 2 * this->widths[2] + o], 0.0);
  auto const ps =
      saddle::test::oracleMlp(this->widths, 1, this->params(model), this->x, this->y, {21});
  double mag = 0.0;
  for (double v : ps.grad[0])
    mag = std::max(mag, std::fabs(v));
  for (std::int64_t q = 0; q < model.numParams(); ++q)
    EXPECT_NEAR(got[q], ps.grad[0][q], 16.0 * 60 * kEpsOf<T> * (mag + 1.0)) << q;
}

TYPED_TEST(ModelsMlpTest, ModelClassesCountParametersAndRoundTripState) {
  using T = TypeParam;
  saddle::MlpModel<T> mlp(this->widths, saddle::kernels::Activation::Tanh, 8, 1);
  EXPECT_EQ(mlp.numParams(), 14 * 9 + 10 * 11 + 12 * 4);
  EXPECT_EQ(mlp.forwardMacs(), 13 * 9 + 9 * 11 + 11 * 4);
  saddle::State state;
  mlp.saveState(state, "mlp/");
  saddle::MlpModel<T> other(this->widths, saddle::kernels::Activation::Tanh, 8, 2);
  other.loadState(state, "mlp/");
  EXPECT_EQ(toHost(other.params()), toHost(mlp.params()));
  saddle::GlmModel<T> glm(saddle::GlmLoss::Hinge, 6);
  EXPECT_EQ(glm.numParams(), 7);
  saddle::SoftmaxModel<T> soft(6, 3);
  EXPECT_EQ(soft.numParams(), 21);
  soft.saveState(state, "soft/");
  soft.loadState(state, "soft/");
}

TEST(ModelKinds, NamesParseAndBadValuesNameKeyAndAllowedValues) {
  EXPECT_EQ(saddle::glmLossFromName("squared_hinge", "model.loss"), saddle::GlmLoss::SquaredHinge);
  for (auto l : {saddle::GlmLoss::Logistic, saddle::GlmLoss::Hinge, saddle::GlmLoss::SquaredHinge,
                 saddle::GlmLoss::LeastSquares})
    EXPECT_EQ(saddle::glmLossFromName(saddle::glmLossName(l), "k"), l);
  EXPECT_EQ(saddle::activationFromName("tanh", "k"), saddle::kernels::Activation::Tanh);
  EXPECT_EQ(saddle::parseWidths("256-512-512-10", "model.widths"),
            (std::vector<std::int64_t>{256, 512, 512, 10}));
  try {
    saddle::glmLossFromName("svm", "model.loss");
    FAIL() << "no throw";
  } catch (saddle::InputError const& e) {
    EXPECT_NE(std::string(e.what()).find("model.loss"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("squared_hinge"), std::string::npos);
  }
  for (char const* bad : {"256", "256--10", "256-0-10", "a-2", "", "99999999999-2"})
    EXPECT_THROW(saddle::parseWidths(bad, "model.widths"), saddle::InputError) << bad;
  EXPECT_THROW(saddle::activationFromName("sigmoid", "k"), saddle::InputError);
}

} // namespace
