// Fast Gaussian noise (kernels/models_noise.hpp), keyed permutation batches
// (kernels/models_batches.hpp) and the STREAM triad of saddle-bench, on every execution space.
#include "kernels/models_batches.hpp"
#include "kernels/models_bench_stream.hpp"
#include "kernels/models_noise.hpp"

#include <Random123/philox.h>
#include <gtest/gtest.h>

#include "saddle_test_config.hpp"
#include "support/helpers.hpp"
#include <algorithm>
#include <cmath>
#include <set>

namespace {

using saddle::test::toHost;
namespace nd = saddle::kernels::noise_detail;

template <class Space> class ModelsNoiseTest : public ::testing::Test {};
using ExecSpaces = ::testing::Types<SADDLE_TEST_EXEC_SPACES>;
TYPED_TEST_SUITE(ModelsNoiseTest, ExecSpaces);

TEST(ModelsNoise, LanePhiloxEqualsRandom123AndBoxMullerMatchesDouble) {
  std::uint32_t c0[nd::kLanes], c1[nd::kLanes], c2[nd::kLanes], c3[nd::kLanes];
  for (int l = 0; l < nd::kLanes; ++l) {
    c0[l] = 0x9E3779B9u * static_cast<std::uint32_t>(l + 1);
    c1[l] = 7u * static_cast<std::uint32_t>(l);
    c2[l] = 0xDEADBEEFu ^ static_cast<std::uint32_t>(l);
    c3[l] = 12345u;
  }
  std::uint32_t const k0 = 0x01234567u, k1 = 0x89ABCDEFu;
  r123::Philox4x32 gen;
  std::vector<r123::Philox4x32::ctr_type> want;
  for (int l = 0; l < nd::kLanes; ++l)
    want.push_back(gen({{c0[l], c1[l], c2[l], c3[l]}}, {{k0, k1}}));
  nd::philoxLanes(c0, c1, c2, c3, k0, k1);
  for (int l = 0; l < nd::kLanes; ++l) { // Random123's Philox4x32-10 is the reference
    EXPECT_EQ(c0[l], want[l][0]);
    EXPECT_EQ(c1[l], want[l][1]);
    EXPECT_EQ(c2[l], want[l][2]);
    EXPECT_EQ(c3[l], want[l][3]);
  }
  // Box-Muller in float vs double from the same uniforms, incl. both ends of u (w1 = 0 and
  // w1 = 2^31 give u = 2^-33 and u = 1 - 2^-33) and every quadrant boundary of the angle
  std::vector<std::uint32_t> words = {0u,          1u,          0x7FFFFFFFu, 0x80000000u,
                                      0xFFFFFFFFu, 0x40000000u, 0xC0000000u, 0x3FFFFFFFu};
  for (std::uint32_t t = 0; t < 20000; ++t)
    words.push_back(t * 2654435761u);
  for (std::uint32_t const w1 : words)
    for (std::uint32_t const w2 : {words[words.size() - 1 - (w1 % 100)], w1 ^ 0x5A5A5A5Au}) {
      float nc = 0.0f, ns = 0.0f;
      nd::boxMuller(w1, w2, nc, ns);
      double const x = (static_cast<double>(w1 & 0x7FFFFFFFu) + 0.5) * std::ldexp(1.0, -32);
      double const r = std::sqrt(-2.0 * ((w1 >> 31) ? std::log1p(-x) : std::log(x)));
      double const th = 2.0 * M_PI * static_cast<double>(w2) * std::ldexp(1.0, -32);
      // float log/sincos/sqrt of a few ulps each, and the 24-bit rounding of the uniforms
      EXPECT_NEAR(nc, r * std::cos(th), 2e-6 * (1.0 + r)) << w1 << " " << w2;
      EXPECT_NEAR(ns, r * std::sin(th), 2e-6 * (1.0 + r)) << w1 << " " << w2;
      EXPECT_LE(r, 6.77); // the tail bound of the header
    }
}

TYPED_TEST(ModelsNoiseTest, FastNoiseIsReproducibleSplittableAndStandardNormal) {
  TypeParam space;
  std::int64_t const n = 400003;
  saddle::rng::Key const key{17, saddle::rng::Purpose::GradNoise, 2, 9};
  Kokkos::View<double*, typename TypeParam::memory_space> v("v", n + 5), w("w", n + 5);
  saddle::kernels::addGaussianNoiseFast(space, v, 5, n, 0.0, key);
  for (double x : toHost(v))
    ASSERT_EQ(x, 0.0); // stddev 0 adds exact zeros
  saddle::kernels::addGaussianNoiseFast(space, v, 5, n, 1.0, key);
  // any split of the message gives the same numbers: [0, 1001) and [1001, n) as two launches
  saddle::kernels::addGaussianNoiseFast(space, w, 5, 1001, 1.0, key);
  saddle::kernels::addGaussianNoiseFast(space, w, 5 + 1001, n - 1001, 1.0, key, 1001);
  auto const a = toHost(v), b = toHost(w);
  EXPECT_EQ(a, b);
  // moments and tail shares of N(0, 1) over n draws: 6-sigma bounds of the estimators
  double mean = 0.0, sq = 0.0, quad = 0.0;
  std::int64_t beyond1 = 0, beyond2 = 0, beyond3 = 0;
  for (std::int64_t i = 5; i < n + 5; ++i) {
    mean += a[i];
    sq += a[i] * a[i];
    quad += a[i] * a[i] * a[i] * a[i];
    beyond1 += std::fabs(a[i]) > 1.0;
    beyond2 += std::fabs(a[i]) > 2.0;
    beyond3 += std::fabs(a[i]) > 3.0;
  }
  double const dn = static_cast<double>(n);
  EXPECT_NEAR(mean / dn, 0.0, 6.0 / std::sqrt(dn));
  EXPECT_NEAR(sq / dn, 1.0, 6.0 * std::sqrt(2.0 / dn));
  EXPECT_NEAR(quad / dn, 3.0, 6.0 * std::sqrt(96.0 / dn));
  for (auto const& [count, p] : {std::pair{beyond1, 0.3173105}, std::pair{beyond2, 0.0455003},
                                 std::pair{beyond3, 0.0026998}}) // 2 (1 - Phi(k)), k = 1, 2, 3
    EXPECT_NEAR(count / dn, p, 6.0 * std::sqrt(p * (1 - p) / dn)) << p;
  // another key gives other numbers
  Kokkos::deep_copy(w, 0.0);
  saddle::kernels::addGaussianNoiseFast(
      space, w, 5, n, 1.0, saddle::rng::Key{17, saddle::rng::Purpose::GradNoise, 2, 10});
  EXPECT_NE(toHost(w), a);
}

TYPED_TEST(ModelsNoiseTest, KeyedPermutationIsABijectionAndDependsOnTheKey) {
  TypeParam space;
  for (std::int64_t const n : {1, 2, 3, 1000, 1025}) {
    saddle::rng::Key const key{3, saddle::rng::Purpose::Sample, 1, 4};
    auto const perm = saddle::kernels::KeyedPermutation::make(n, key);
    Kokkos::View<std::int64_t*, typename TypeParam::memory_space> idx("idx", n);
    // two half batches, as consecutive batches of an epoch would be drawn
    saddle::kernels::permutedBatch(space, perm, 0, n / 2, 10,
                                   Kokkos::subview(idx, std::make_pair(std::int64_t(0), n / 2)));
    saddle::kernels::permutedBatch(space, perm, n / 2, n - n / 2, 10,
                                   Kokkos::subview(idx, std::make_pair(n / 2, n)));
    auto const got = toHost(idx);
    std::set<std::int64_t> const seen(got.begin(), got.end());
    EXPECT_EQ(static_cast<std::int64_t>(seen.size()), n);
    EXPECT_EQ(*seen.begin(), 10);
    EXPECT_EQ(*seen.rbegin(), 10 + n - 1);
    if (n >= 1000) {
      auto const other = saddle::kernels::KeyedPermutation::make(
          n, saddle::rng::Key{3, saddle::rng::Purpose::Sample, 1, 5});
      std::int64_t same = 0, fixed = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        same += perm(i) == other(i);
        fixed += static_cast<std::int64_t>(perm(i)) == i;
      }
      EXPECT_LT(same, n / 20); // a random pair of permutations agrees in ~1 place
      EXPECT_LT(fixed, n / 20);
    }
  }
}

TYPED_TEST(ModelsNoiseTest, TriadComputesBPlusSC) {
  TypeParam space;
  std::int64_t const n = 1000;
  Kokkos::View<double*, typename TypeParam::memory_space> a("a", n), b("b", n), c("c", n);
  Kokkos::deep_copy(b, 1.5);
  Kokkos::deep_copy(c, 2.0);
  saddle::kernels::streamTriad(space, a, b, c, 3.0);
  for (double x : toHost(a))
    ASSERT_EQ(x, 7.5);
}

} // namespace
