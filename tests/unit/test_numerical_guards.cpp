// Numerical guards: the overflow-safe sigmoid, softplus, logistic loss, log-sum-exp and softmax
// of kernels/ at extreme inputs, and the training path on data that pushes them there (features
// of 1e30, all-equal labels, an empty group): finite results or a clear error, never a silent NaN.
#include "kernels/glm.hpp"
#include "kernels/models_common.hpp"
#include "kernels/models_softmax.hpp"
#include "saddle/run/app.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cfenv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace {

namespace k = saddle::kernels;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// These tests feed NaN and infinity on purpose; the test main traps FE_INVALID (a NaN made on
/// the host fails a test), so the guards' own tests run with the traps off and restore them.
class NumericalGuards : public ::testing::Test {
protected:
#if defined(__GLIBC__)
  void SetUp() override {
    _saved = fedisableexcept(FE_ALL_EXCEPT);
  }
  void TearDown() override {
    if (_saved > 0)
      feenableexcept(_saved);
  }

private:
  int _saved = 0;
#endif
};

/// log(1 + e^z) - y z for y in {0, 1} in long double: log1p(e^z) (y = 0) or log1p(e^-z) (y = 1),
/// the same identity as the kernel but 11 more bits, so it checks the double rounding (the
/// textbook log1p(e^z) - z cancels catastrophically for large z, even in long double).
double referenceLoss(double z, double y) {
  long double const t = y == 0.0 ? z : -static_cast<long double>(z);
  return static_cast<double>(std::log1p(std::exp(t)));
}

TEST_F(NumericalGuards, SigmoidHasExactLimitsAndNoOverflow) {
  for (double const z : {1e30, 1e308, 750.0, 40.0})
    EXPECT_EQ(k::sigmoid(z), 1.0) << z; // 1 / (1 + e^-z), e^-z below half an ulp of 1
  for (double const z : {-1e30, -1e308, -750.0})
    EXPECT_EQ(k::sigmoid(z), 0.0) << z; // e^z underflows to 0
  EXPECT_EQ(k::sigmoid(kInf), 1.0);
  EXPECT_EQ(k::sigmoid(-kInf), 0.0);
  EXPECT_EQ(k::sigmoid(0.0), 0.5);
  EXPECT_TRUE(std::isnan(k::sigmoid(kNaN))); // NaN reaches the divergence check
  EXPECT_EQ(k::sigmoidOf(1e30f), 1.0f);
  EXPECT_EQ(k::sigmoidOf(-1e30f), 0.0f);
  EXPECT_EQ(k::sigmoidOf(std::numeric_limits<float>::infinity()), 1.0f);
  // a float margin whose e^|z| overflows float (|z| > 88.7) still gives the tiny probability
  // (e^-87 = 1.6e-38 is still a normal float: 4 ulp)
  EXPECT_NEAR(k::sigmoidOf(-87.0f), std::exp(-87.0), 4 * 1.2e-7 * std::exp(-87.0));
  EXPECT_EQ(k::sigmoidOf(-100.0f) < 1e-40f, true);
}

TEST_F(NumericalGuards, LogisticLossIsFiniteOrInfiniteNeverNaN) {
  // Closed forms: loss(z, 1) = softplus(-z), loss(z, 0) = softplus(z); softplus(t) = t for
  // t >= 40 up to e^-40 < half an ulp, and 0 for t <= -746 (e^t underflows).
  EXPECT_EQ(k::logisticLoss(1e30, 1.0), 0.0);
  EXPECT_EQ(k::logisticLoss(1e30, 0.0), 1e30);
  EXPECT_EQ(k::logisticLoss(-1e30, 1.0), 1e30);
  EXPECT_EQ(k::logisticLoss(-1e30, 0.0), 0.0);
  EXPECT_EQ(k::logisticLoss(1e308, 0.0), 1e308);
  EXPECT_EQ(k::logisticLoss(kInf, 1.0), 0.0); // was inf - inf = NaN before the guard
  EXPECT_EQ(k::logisticLoss(kInf, 0.0), kInf);
  EXPECT_EQ(k::logisticLoss(-kInf, 0.0), 0.0);
  EXPECT_EQ(k::logisticLoss(-kInf, 1.0), kInf);
  EXPECT_TRUE(std::isnan(k::logisticLoss(kNaN, 1.0)));
  // Moderate margins against the same identity in long double (referenceLoss), 4 ulp relative.
  for (double const z : {-700.0, -30.0, -1.5, -1e-8, 0.0, 1e-8, 0.75, 36.0, 700.0})
    for (double const y : {0.0, 1.0}) {
      double const want = referenceLoss(z, y);
      EXPECT_NEAR(k::logisticLoss(z, y), want, 4 * 2.3e-16 * std::fabs(want) + 1e-300)
          << "z " << z << " y " << y;
    }
  // float: e^z overflows float at z > 88.7, the guarded loss does not
  EXPECT_EQ(k::logisticLossOf(100.0f, 0.0f), 100.0f);
  float const tiny = k::logisticLossOf(100.0f, 1.0f); // e^-100: a float subnormal
  EXPECT_TRUE(tiny >= 0.0f && tiny < 1e-40f) << tiny;
  EXPECT_EQ(k::softplusOf(-kInf), 0.0);
  EXPECT_EQ(k::softplusOf(kInf), kInf);
}

TEST_F(NumericalGuards, LogSumExpShiftsByTheLargestEntry) {
  double const ln2 = std::log(2.0);
  double const big[] = {1000.0, 1000.0}; // e^1000 overflows a double
  EXPECT_DOUBLE_EQ(k::logSumExpOf(big, 2), 1000.0 + ln2);
  double const small[] = {-1000.0, -1000.0}; // e^-1000 underflows to 0
  EXPECT_DOUBLE_EQ(k::logSumExpOf(small, 2), -1000.0 + ln2);
  double const huge[] = {1e30, 0.0, -1e30};
  EXPECT_EQ(k::logSumExpOf(huge, 3), 1e30);
  double const with_inf[] = {3.0, kInf};
  EXPECT_EQ(k::logSumExpOf(with_inf, 2), kInf);
  double const all_minus_inf[] = {-kInf, -kInf};
  EXPECT_EQ(k::logSumExpOf(all_minus_inf, 2), -kInf);
  double const with_nan[] = {1.0, kNaN};
  EXPECT_TRUE(std::isnan(k::logSumExpOf(with_nan, 2)));
  float const big_float[] = {100.0f, 100.0f}; // e^100 overflows a float
  EXPECT_FLOAT_EQ(k::logSumExpOf(big_float, 2), 100.0f + static_cast<float>(ln2));
}

/// One softmax sample on the host: K = 3 logits w [x, 1] from one feature x. Returns the loss;
/// `out` gets the clipped gradient (clip C = 1), `norm` its unclipped norm.
template <class T>
T softmaxOne(T x, std::vector<T> const& w, int label, std::vector<double>& out, T& norm) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  using Mem = Space::memory_space;
  Kokkos::View<T**, Kokkos::LayoutRight, Mem> dx("x", 1, 1), dw("w", 3, 2);
  dx(0, 0) = x;
  for (int e = 0; e < 6; ++e)
    dw(e / 2, e % 2) = w[static_cast<std::size_t>(e)];
  Kokkos::View<int*, Mem> y("y", 1);
  y(0) = label;
  Kokkos::View<std::int64_t*, Mem> idx("idx", 1);
  Kokkos::View<T*, Mem> rn("rn", 1), sn("sn", 1);
  rn(0) = std::sqrt(x * x + T(1)); // ||[x, 1]||
  Kokkos::View<double*, Mem> dout("out", 6), loss("loss", 1);
  k::softmaxClippedGradient(Space{}, dx, y, idx, 1, dw, rn, T(1), dout, 0, loss, sn);
  Space{}.fence();
  out.assign(dout.data(), dout.data() + 6);
  norm = sn(0);
  return static_cast<T>(loss(0));
}

template <class T> void expectAllFinite(std::vector<double> const& v) {
  for (std::size_t e = 0; e < v.size(); ++e)
    EXPECT_TRUE(std::isfinite(v[e])) << "entry " << e;
}

TEST_F(NumericalGuards, SoftmaxOfHugeAndInfiniteLogits) {
  std::vector<double> out;
  double norm = 0;
  // logits (1e30, -1e30, 0): p = (1, 0, 0); label 1 pays 2e30, the residual is (1, -1, 0)
  double loss = softmaxOne<double>(1e30, {1, 0, -1, 0, 0, 0}, 1, out, norm);
  EXPECT_EQ(loss, 2e30);
  EXPECT_DOUBLE_EQ(norm, std::sqrt(2.0) * 1e30);
  expectAllFinite<double>(out);
  EXPECT_NEAR(out[0], 1.0 / std::sqrt(2.0), 1e-15); // clipped to norm 1: x / ||[x, 1]|| -> 1
  // float logits that overflow to +-inf (1e25 * 1e15 > 3.4e38): no NaN, the loss is exact
  // (x = 1e15 keeps ||[x, 1]||^2 = 1e30 a float)
  std::vector<float> const wf = {1e25f, 0, -1e25f, 0, 0, 0};
  float normf = 0;
  EXPECT_EQ(softmaxOne<float>(1e15f, wf, 0, out, normf), 0.0f); // p(label) = 1
  expectAllFinite<float>(out);
  EXPECT_EQ(normf, 0.0f);
  EXPECT_EQ(softmaxOne<float>(1e15f, wf, 1, out, normf), std::numeric_limits<float>::infinity());
  expectAllFinite<float>(out);
  EXPECT_FLOAT_EQ(normf, std::sqrt(2.0f) * 1e15f);
}

// ---- the training path -----------------------------------------------------------------------

/// A CSV of `n` rows: label, sensitive_g, x1, x2. Row i: group = group_of(i), x1 in [-1, 1],
/// x2 = x1 scaled by `x2_scale`, label = label_of(i, x1).
template <class GroupOf, class LabelOf>
std::string writeCsv(std::string const& dir, char const* name, int n, double x2_scale,
                     GroupOf group_of, LabelOf label_of) {
  std::string const path = dir + "/" + name;
  std::ofstream out(path);
  out << "label,sensitive_g,x1,x2\n";
  out.precision(17);
  for (int i = 0; i < n; ++i) {
    double const x1 = std::sin(0.7 * i + 0.3);
    out << label_of(i, x1) << "," << group_of(i) << "," << x1 << "," << x2_scale * x1 << "\n";
  }
  return path;
}

/// saddle-train's application on the quickstart deck with the CSV `path`, in-process.
int train(std::string const& path, std::string const& dir, std::vector<std::string> extra,
          std::string& err) {
  saddle::TrainOptions o;
  o.deck_path = std::string(SADDLE_INPUTS_DIR) + "/quickstart.toml";
  o.overrides = {"data.source=\"csv\"",
                 "data.path=\"" + path + "\"",
                 "run.rounds=40",
                 "run.log_every=10",
                 "silos.count=2",
                 "privacy.target_epsilon=0",
                 "run.output_dir=\"" + dir + "\""};
  o.overrides.insert(o.overrides.end(), extra.begin(), extra.end());
  o.verbose = false;
  testing::internal::CaptureStderr();
  int const code = saddle::runTraining(o, saddle::mpi::Comm::self());
  err = testing::internal::GetCapturedStderr();
  return code;
}

/// Every number of summary.csv is finite (epsilon: unless privacy is off, where it is inf).
void expectFiniteSummary(std::string const& dir, bool private_run = true) {
  auto const summary = saddle::test::readKeyValueCsv(dir + "/summary.csv");
  ASSERT_FALSE(summary.empty());
  for (auto const& [key, value] : summary)
    if (private_run || key != "epsilon") {
      EXPECT_TRUE(std::isfinite(value)) << key << " = " << value;
    }
}

auto const kTwoGroups = [](int i) { return i % 2; };
auto const kLinearLabel = [](int i, double x1) { return x1 + 0.3 * std::cos(1.3 * i) > 0 ? 1 : 0; };

TEST_F(NumericalGuards, FeaturesOf1e30TrainToFiniteResults) {
  auto const dir = saddle::test::freshDir("guards_1e30");
  auto const path = writeCsv(dir, "big.csv", 400, 1e30, kTwoGroups, kLinearLabel);
  std::string err;
  // standardized (the default): the z-score brings the column back to unit scale
  ASSERT_EQ(train(path, dir + "/std", {}, err), 0) << err;
  expectFiniteSummary(dir + "/std");
  // raw, private: per-record clipping bounds every record's step whatever its scale
  ASSERT_EQ(train(path, dir + "/raw", {"data.standardize=false"}, err), 0) << err;
  expectFiniteSummary(dir + "/raw");
}

TEST_F(NumericalGuards, FeaturesOf1e30WithoutClippingStayFinite) {
  auto const dir = saddle::test::freshDir("guards_1e30_noclip");
  auto const path = writeCsv(dir, "big.csv", 400, 1e30, kTwoGroups, kLinearLabel);
  std::string err;
  // No privacy, raw features: steps of ~1e30 push margins to ~1e62; the sigmoid saturates and
  // the loss, though huge, stays finite (the divergence stop, exit 1, is for NaN and inf only).
  ASSERT_EQ(train(path, dir + "/out", {"data.standardize=false", "privacy.enabled=false"}, err), 0)
      << err;
  expectFiniteSummary(dir + "/out", false); // epsilon is inf: no privacy
}

TEST_F(NumericalGuards, AllEqualLabelsTrainToFiniteResults) {
  auto const dir = saddle::test::freshDir("guards_labels");
  for (int const label : {0, 1}) {
    auto const path = writeCsv(dir, label == 0 ? "zeros.csv" : "ones.csv", 300, 1.0, kTwoGroups,
                               [label](int, double) { return label; });
    std::string err;
    auto const out = dir + "/out" + std::to_string(label);
    ASSERT_EQ(train(path, out, {}, err), 0) << err;
    expectFiniteSummary(out);
    EXPECT_EQ(saddle::test::readKeyValueCsv(out + "/summary.csv").at("train_dp_gap"), 0.0);
  }
}

TEST_F(NumericalGuards, AnEmptyGroupTrainsToFiniteResults) {
  auto const dir = saddle::test::freshDir("guards_empty_group");
  // groups 0 and 2: group 1 (counted, n_groups = 3) has no rows. Its rate has no data (0/0): it
  // must not turn into NaN anywhere; the summary reports it at the overall rate (gap 0).
  auto const path = writeCsv(
      dir, "gap.csv", 300, 1.0, [](int i) { return 2 * (i % 2); }, kLinearLabel);
  std::string err;
  ASSERT_EQ(train(path, dir + "/out", {}, err), 0) << err;
  expectFiniteSummary(dir + "/out");
}

} // namespace
