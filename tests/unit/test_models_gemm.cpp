// The tiled gemm with per-k weights and the dense-layer kernels of the MLP
// (kernels/models_gemm.hpp, models_mlp.hpp) against plain host loops, on every execution
// space, in float and double.
#include "kernels/models_gemm.hpp"
#include "kernels/models_mlp.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include "test_models_oracles.hpp"
#include <cmath>
#include <random>

namespace {

using saddle::kernels::GemmOp;
using saddle::test::kEpsOf;
using saddle::test::toDevice;
using saddle::test::toHost;

template <class Combo> class ModelsGemmTest : public ::testing::Test {
public:
  using execution_space = typename Combo::space;
  using value_type = typename Combo::value_type;
  using memory_space = typename execution_space::memory_space;

  static std::vector<double> randomValues(std::int64_t n, std::uint64_t seed, double lo = -1.0,
                                          double hi = 1.0) {
    std::mt19937_64 gen(seed);
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<double> v(n);
    for (auto& x : v)
      x = u(gen);
    return saddle::test::roundedTo<value_type>(v);
  }
  template <class View> static std::vector<double> matrixToHost(View const& v) {
    auto const h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
    std::vector<double> out;
    for (std::size_t i = 0; i < h.extent(0); ++i)
      for (std::size_t j = 0; j < h.extent(1); ++j)
        out.push_back(static_cast<double>(h(i, j)));
    return out;
  }
};

TYPED_TEST_SUITE(ModelsGemmTest, saddle::test::ModelTypes);

// C = beta C0 + alpha op(A) diag(s) op(B) for every op pair, sizes that cross every tile edge
// of the host tiling (MC = 128 rows, KC = 256, NR up to 32 columns) and of the device tiling.
TYPED_TEST(ModelsGemmTest, GemmMatchesHostLoopsForEveryOpPairWithScaleAndBeta) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  Space space;
  std::int64_t const m = 131, n = 45, k = 300;
  for (auto const op_a : {GemmOp::N, GemmOp::T})
    for (auto const op_b : {GemmOp::N, GemmOp::T}) {
      bool const ta = op_a == GemmOp::T, tb = op_b == GemmOp::T;
      auto const a = TestFixture::randomValues(m * k, 1), b = TestFixture::randomValues(k * n, 2);
      auto const s = TestFixture::randomValues(k, 3, 0.0, 2.0);
      auto const c0 = TestFixture::randomValues(m * n, 4);
      auto const da = saddle::test::toDeviceMatrix<T, Space>(a, ta ? k : m, ta ? m : k);
      auto const db = saddle::test::toDeviceMatrix<T, Space>(b, tb ? n : k, tb ? k : n);
      auto const dc = saddle::test::toDeviceMatrix<double, Space>(c0, m, n);
      double const alpha = 0.75, beta = -0.5;
      saddle::kernels::gemm(space, op_a, op_b, alpha, da, db, beta, dc,
                            toDevice<T, Space>(std::vector<T>(s.begin(), s.end())));
      auto const got = TestFixture::matrixToHost(dc);
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) {
          double want = 0.0, mag = 0.0;
          for (std::int64_t p = 0; p < k; ++p) {
            double const av = ta ? a[p * m + i] : a[i * k + p];
            double const bv = tb ? b[j * k + p] : b[p * n + j];
            want += av * s[p] * bv;
            mag += std::fabs(av * s[p] * bv);
          }
          want = beta * c0[i * n + j] + alpha * want;
          // k products summed in T (and the scale product): |err| <= gamma_{k+1} alpha mag
          EXPECT_NEAR(got[i * n + j], want, 2.0 * (k + 2) * kEpsOf<T> * (mag + 1.0))
              << "op " << ta << tb << " at " << i << "," << j;
        }
    }
}

TYPED_TEST(ModelsGemmTest, GemmWithBetaZeroIgnoresCAndEmptyKScalesC) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  Space space;
  Kokkos::View<T**, Kokkos::LayoutRight, Mem> a("a", 3, 2), b("b", 2, 4), c("c", 3, 4);
  Kokkos::deep_copy(a, T(1));
  Kokkos::deep_copy(b, T(2));
  Kokkos::deep_copy(c, std::numeric_limits<T>::quiet_NaN()); // beta = 0 must not read C
  Kokkos::View<T*, Mem> none("none", 0);
  saddle::kernels::gemm(space, GemmOp::N, GemmOp::N, 1.0, a, b, 0.0, c, none);
  for (double v : TestFixture::matrixToHost(c))
    EXPECT_EQ(v, 4.0);
  Kokkos::View<T**, Kokkos::LayoutRight, Mem> a0("a0", 3, 0), b0("b0", 0, 4);
  saddle::kernels::gemm(space, GemmOp::N, GemmOp::N, 1.0, a0, b0, 0.5, c, none); // K = 0
  for (double v : TestFixture::matrixToHost(c))
    EXPECT_EQ(v, 2.0);
}

TYPED_TEST(ModelsGemmTest, GhostNormsAndClipFactorsMatchHostLoops) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  using saddle::kernels::Activation;
  Space space;
  std::int64_t const m = 9, w_in = 37, w_out = 6;
  auto a_h = TestFixture::randomValues(m * w_in, 5);
  a_h[3] = 0.0; // a ReLU output exactly at 0: slope 0 there
  auto const d_h = TestFixture::randomValues(m * w_out, 6);
  auto const c_h = TestFixture::randomValues(m, 7, 0.0, 1.0);
  auto const a = saddle::test::toDeviceMatrix<T, Space>(a_h, m, w_in);
  auto const delta = saddle::test::toDeviceMatrix<T, Space>(d_h, m, w_out);
  // ghost norms: sq_i = (||a_i||^2 + 1) ||delta_i||^2, from the formed outer product
  Kokkos::View<T*, Mem> sq("sq", m);
  saddle::kernels::ghostNormAccumulate(space, a, delta, m, sq);
  auto const got_sq = toHost(sq);
  for (std::int64_t i = 0; i < m; ++i) {
    double want = 0.0;
    for (std::int64_t o = 0; o < w_out; ++o) {
      for (std::int64_t j = 0; j < w_in; ++j)
        want += std::pow(a_h[i * w_in + j] * d_h[i * w_out + o], 2);
      want += std::pow(d_h[i * w_out + o], 2);
    }
    EXPECT_NEAR(got_sq[i], want, 4.0 * (w_in + w_out) * kEpsOf<T> * want) << i;
  }
  // clip factors: exactly 1 at and below C, C / norm above
  T const clip = static_cast<T>(std::sqrt(static_cast<double>(got_sq[2])));
  Kokkos::View<T*, Mem> c("c", m), norm("norm", m);
  saddle::kernels::clipFactorsFromSquares(space, sq, m, clip, c, norm);
  auto const got_c = toHost(c);
  auto const got_norm = toHost(norm);
  for (std::int64_t i = 0; i < m; ++i) {
    double const want = got_norm[i] > clip ? clip / got_norm[i] : 1.0;
    EXPECT_NEAR(got_c[i], want, 2 * kEpsOf<T>) << i;
  }
  EXPECT_EQ(got_c[2], T(1)); // norm exactly C
}

TYPED_TEST(ModelsGemmTest, ColumnSumsAndActivationBackwardMatchHostLoops) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  using saddle::kernels::Activation;
  Space space;
  std::int64_t const m = 9, w_in = 37, w_out = 6;
  auto a_h = TestFixture::randomValues(m * w_in, 5);
  a_h[3] = 0.0; // a ReLU output exactly at 0: slope 0 there
  auto const d_h = TestFixture::randomValues(m * w_out, 6);
  auto const c_h = TestFixture::randomValues(m, 7, 0.0, 1.0);
  auto const a = saddle::test::toDeviceMatrix<T, Space>(a_h, m, w_in);
  auto const delta = saddle::test::toDeviceMatrix<T, Space>(d_h, m, w_out);
  // weighted column sums
  Kokkos::View<double*, Mem> out("out", w_out + 2);
  saddle::kernels::weightedColumnSum(
      space, delta, toDevice<T, Space>(std::vector<T>(c_h.begin(), c_h.end())), m, out, 2);
  auto const got_out = toHost(out);
  for (std::int64_t o = 0; o < w_out; ++o) {
    double want = 0.0, mag = 0.0;
    for (std::int64_t i = 0; i < m; ++i) {
      want += c_h[i] * d_h[i * w_out + o];
      mag += std::fabs(c_h[i] * d_h[i * w_out + o]);
    }
    EXPECT_NEAR(got_out[2 + o], want, 2.0 * (m + 1) * kEpsOf<T> * mag) << o;
  }
  // activation backward: relu slope 1[a > 0] (0 at a = 0), tanh 1 - a^2
  for (auto const f : {Activation::Relu, Activation::Tanh}) {
    auto const dd = saddle::test::toDeviceMatrix<T, Space>(a_h, m, w_in);
    saddle::kernels::activationBackward(space, dd, a, m, f);
    auto const got = TestFixture::matrixToHost(dd);
    for (std::size_t e = 0; e < a_h.size(); ++e) {
      double const s = f == Activation::Relu ? (a_h[e] > 0.0 ? 1.0 : 0.0) : 1.0 - a_h[e] * a_h[e];
      EXPECT_NEAR(got[e], a_h[e] * s, 4 * kEpsOf<T>) << e;
    }
    EXPECT_EQ(got[3], 0.0);
  }
}

TYPED_TEST(ModelsGemmTest, BiasActivationAndSoftmaxDeltaMatchHostLoops) {
  using T = typename TestFixture::value_type;
  using Space = typename TestFixture::execution_space;
  using Mem = typename TestFixture::memory_space;
  using saddle::kernels::Activation;
  Space space;
  std::int64_t const m = 7, w = 4;
  auto z_h = TestFixture::randomValues(m * w, 8, -3.0, 3.0);
  auto b_h = TestFixture::randomValues(w, 9);
  z_h[0] = -static_cast<double>(static_cast<T>(b_h[0])); // pre-activation exactly 0
  std::vector<T> b(b_h.begin(), b_h.end());
  for (auto const f : {Activation::Identity, Activation::Relu, Activation::Tanh}) {
    auto const z = saddle::test::toDeviceMatrix<T, Space>(z_h, m, w);
    saddle::kernels::biasActivation(space, z, toDevice<T, Space>(b), m, f);
    auto const got = TestFixture::matrixToHost(z);
    for (std::int64_t e = 0; e < m * w; ++e) {
      double const pre = z_h[e] + b_h[e % w];
      double const want = f == Activation::Relu ? std::max(pre, 0.0)
                                                : (f == Activation::Tanh ? std::tanh(pre) : pre);
      EXPECT_NEAR(got[e], want, 8 * kEpsOf<T> * (1.0 + std::fabs(pre))) << e;
    }
    EXPECT_EQ(got[0], 0.0);
  }
  // softmax cross-entropy delta p - e_y and the loss sum
  std::vector<int> y = {0, 3, 1, 2, 3, 0, 1};
  std::vector<std::int64_t> idx = {0, 1, 2, 3, 4, 5, 6};
  auto const z = saddle::test::toDeviceMatrix<T, Space>(z_h, m, w);
  Kokkos::View<double*, Mem> loss("loss", 1);
  saddle::kernels::softmaxCrossEntropyDelta(space, z, toDevice<int, Space>(y),
                                            toDevice<std::int64_t, Space>(idx), m, loss);
  auto const got = TestFixture::matrixToHost(z);
  double loss_want = 0.0;
  for (std::int64_t i = 0; i < m; ++i) {
    double mx = -1e300, s = 0.0;
    for (std::int64_t k = 0; k < w; ++k)
      mx = std::max(mx, z_h[i * w + k]);
    for (std::int64_t k = 0; k < w; ++k)
      s += std::exp(z_h[i * w + k] - mx);
    loss_want += std::log(s) + mx - z_h[i * w + y[i]];
    for (std::int64_t k = 0; k < w; ++k) // |z| <= 3: exp and the division round to a few ulps
      EXPECT_NEAR(got[i * w + k], std::exp(z_h[i * w + k] - mx) / s - (k == y[i] ? 1.0 : 0.0),
                  16 * kEpsOf<T>);
  }
  EXPECT_NEAR(toHost(loss)[0], loss_want, 16 * m * kEpsOf<T> * (1.0 + loss_want));
}

} // namespace
