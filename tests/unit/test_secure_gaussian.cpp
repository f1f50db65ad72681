// Secure-mode noise: the discrete Gaussian sampler (CKS 2020) with libsodium randomness.
// Statistical checks use 6-sigma bounds (a false alarm about once in 10^8 runs).
#include "saddle/core/error.hpp"
#include "saddle/privacy/secure_gaussian.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

namespace {

using saddle::SecureGaussian;

bool onGrid(double value, double grid) {
  double const k = value / grid; // exact: grid is a power of two
  return k == std::nearbyint(k);
}

// Sample mean and variance of n = 2 10^5 draws: |mean| <= 6 s / sqrt(n) and
// |var - s^2| <= 6 s^2 sqrt(2 / n) (Var of the sample variance of a Gaussian: 2 s^4 / n; the
// discrete Gaussian's variance differs from s^2 by a factor 1 - O(e^{-2 pi^2 s^2}) here).
TEST(SecureGaussian, MomentsMatch) {
  SecureGaussian noise(1.5); // default grid: 2^-12 (sigma / grid in [2^12, 2^13))
  EXPECT_EQ(noise.grid(), std::ldexp(1.0, -12));
  double const s = noise.sigma();
  EXPECT_GE(s, 1.5);
  EXPECT_LT(s, 1.5 * (1.0 + 1e-7));
  int const n = 200000;
  double sum = 0.0;
  double sum2 = 0.0;
  for (int i = 0; i < n; ++i) {
    double const x = noise.sample();
    ASSERT_TRUE(onGrid(x, noise.grid())) << x;
    sum += x;
    sum2 += x * x;
  }
  double const mean = sum / n;
  double const var = sum2 / n - mean * mean;
  EXPECT_LE(std::fabs(mean), 6.0 * s / std::sqrt(double(n)));
  EXPECT_LE(std::fabs(var - s * s), 6.0 * s * s * std::sqrt(2.0 / n));
}

// At a small scale (s^2 = 4 grid units) each probability P(k) = e^{-k^2/8} / Z is checked:
// |count - n p| <= 6 sqrt(n p (1 - p)).
TEST(SecureGaussian, SmallScaleProbabilities) {
  SecureGaussian noise(1.0, 0.5); // sigma / grid = 2
  ASSERT_EQ(noise.varianceInGridUnits(), 4u);
  double z = 0.0;
  for (int k = -60; k <= 60; ++k)
    z += std::exp(-k * k / 8.0);
  int const n = 100000;
  std::map<std::int64_t, int> counts;
  for (int i = 0; i < n; ++i)
    ++counts[noise.sampleInteger()];
  for (int k = -8; k <= 8; ++k) {
    double const p = std::exp(-k * k / 8.0) / z;
    EXPECT_LE(std::fabs(counts[k] - n * p), 6.0 * std::sqrt(n * p * (1.0 - p))) << k;
  }
}

// The variance in grid units is ceil((sigma / grid)^2): the realized sigma is never smaller.
TEST(SecureGaussian, VarianceRoundsUp) {
  SecureGaussian noise(1.3, 0.5); // (1.3 / 0.5)^2 = 6.76
  EXPECT_EQ(noise.varianceInGridUnits(), 7u);
  EXPECT_DOUBLE_EQ(noise.sigma(), 0.5 * std::sqrt(7.0));
}

// addNoise rounds each value to the grid and adds grid * k: outputs on the grid, differences
// of mean about 0 (6-sigma bound; rounding moves each value by <= grid / 2).
TEST(SecureGaussian, AddNoiseOutputsOnGrid) {
  SecureGaussian noise(0.25);
  int const n = 50000;
  std::vector<double> values(n);
  for (int i = 0; i < n; ++i)
    values[i] = 0.1234567 * i - 77.7;
  std::vector<double> noisy = values;
  noise.addNoise(noisy);
  double diff = 0.0;
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(onGrid(noisy[i], noise.grid())) << noisy[i];
    diff += noisy[i] - values[i];
  }
  EXPECT_LE(std::fabs(diff / n), 6.0 * noise.sigma() / std::sqrt(double(n)) + noise.grid());
}

// Two instances draw different streams (no seed exists; secure mode is not reproducible).
TEST(SecureGaussian, NotReproducible) {
  SecureGaussian a(1.0);
  SecureGaussian b(1.0);
  int same = 0;
  for (int i = 0; i < 64; ++i)
    same += a.sampleInteger() == b.sampleInteger() ? 1 : 0;
  EXPECT_LT(same, 64);
}

TEST(SecureGaussian, RejectsBadArguments) {
  EXPECT_THROW(SecureGaussian(0.0), saddle::InputError);
  EXPECT_THROW(SecureGaussian(-1.0), saddle::InputError);
  EXPECT_THROW(SecureGaussian(1.0, 0.3), saddle::InputError);             // not a power of two
  EXPECT_THROW(SecureGaussian(1.0, 2.0), saddle::InputError);             // sigma / grid < 1
  EXPECT_THROW(SecureGaussian(1.0, 1.0 / (1 << 21)), saddle::InputError); // > 2^20
  SecureGaussian noise(1.0);
  std::vector<double> inf{1.0, std::numeric_limits<double>::infinity()};
  EXPECT_THROW(noise.addNoise(inf), saddle::InputError);
}

} // namespace
