// The counter-based generator: a draw is a pure function of its key and index.
#include "kernels/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace {

using saddle::rng::Key;
using saddle::rng::Purpose;

TEST(Rng, SameKeySameNumbers) {
  Key const k{42, Purpose::GradNoise, 3, 17};
  for (std::uint64_t i = 0; i < 100; ++i) {
    EXPECT_EQ(saddle::rng::uniform(k, i),
              saddle::rng::uniform(Key{42, Purpose::GradNoise, 3, 17}, i));
    EXPECT_EQ(saddle::rng::normal(k, i), saddle::rng::normal(k, i));
  }
}

TEST(Rng, EveryKeyFieldAndIndexChangesTheStream) {
  Key const base{42, Purpose::GradNoise, 3, 17};
  std::vector<Key> const others = {{43, Purpose::GradNoise, 3, 17},
                                   {42, Purpose::StatsNoise, 3, 17},
                                   {42, Purpose::GradNoise, 4, 17},
                                   {42, Purpose::GradNoise, 3, 18}};
  for (auto const& k : others) {
    int same = 0;
    for (std::uint64_t i = 0; i < 64; ++i)
      same += saddle::rng::bits(base, i)[0] == saddle::rng::bits(k, i)[0];
    EXPECT_EQ(same, 0);
  }
  std::set<std::uint64_t> words;
  for (std::uint64_t i = 0; i < 1000; ++i)
    words.insert(saddle::rng::bits(base, i)[0]);
  EXPECT_EQ(words.size(), 1000u); // 64-bit words: a collision among 1000 has probability ~3e-14
}

TEST(Rng, UniformAndNormalMoments) {
  Key const k{7, Purpose::Test, 0, 0};
  int const n = 400000;
  double su = 0, sn = 0, sn2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < n; ++i) {
    double const u = saddle::rng::uniform(k, i);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    su += u;
    double const z = saddle::rng::normal(k, i);
    sn += z;
    sn2 += z * z;
  }
  EXPECT_GE(lo, 0.0);
  EXPECT_LT(hi, 1.0);
  // 6-sigma bounds: mean of U(0,1) has sd 1/sqrt(12 n); normal mean sd 1/sqrt(n); var sd sqrt(2/n)
  EXPECT_NEAR(su / n, 0.5, 6 / std::sqrt(12.0 * n));
  EXPECT_NEAR(sn / n, 0.0, 6 / std::sqrt(double(n)));
  EXPECT_NEAR(sn2 / n, 1.0, 6 * std::sqrt(2.0 / n));
}

} // namespace
