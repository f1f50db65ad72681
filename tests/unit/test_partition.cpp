// Unit tests of the row -> silo schemes of data/partition.hpp: every row exactly once, no empty
// silo, deterministic and independent of the input order; Dirichlet shares have the Dirichlet
// moments and skew labels more as alpha shrinks; group dominance and quantile blocks follow h.
#include "saddle/core/error.hpp"
#include "saddle/data/partition.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {

using saddle::data::assignSilos;
using saddle::data::PartitionSpec;
using saddle::data::SplitRows;

/// n rows with ids 5, 12, 19, ... (not 0..n-1, as a split's ids are not), labels ~ B(0.4),
/// groups ~ B(group_one) in {0, 1} or uniform in [0, n_groups), values ~ N(0, 1) rounded to
/// 1/8 (so that ties occur).
SplitRows makeRows(std::size_t n, std::int64_t n_groups, double group_one, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> z(0.0, 1.0);
  SplitRows rows;
  rows.n_groups = n_groups;
  for (std::size_t i = 0; i < n; ++i) {
    rows.row_ids.push_back(static_cast<std::int64_t>(7 * i + 5));
    rows.labels.push_back(u(gen) < 0.4 ? 1 : 0);
    rows.groups.push_back(n_groups == 2 ? (u(gen) < group_one ? 1 : 0)
                                        : static_cast<int>(u(gen) * static_cast<double>(n_groups)));
    rows.values.push_back(std::round(8.0 * z(gen)) / 8.0);
  }
  return rows;
}

PartitionSpec spec(std::string const& scheme, std::int64_t n_silos, double alpha, double h,
                   std::uint64_t seed = 42) {
  PartitionSpec s;
  s.scheme = scheme;
  s.n_silos = n_silos;
  s.alpha = alpha;
  s.heterogeneity = h;
  s.seed = seed;
  return s;
}

std::vector<std::int64_t> sizesOf(std::vector<std::int64_t> const& silo, std::int64_t n_silos) {
  std::vector<std::int64_t> sizes(static_cast<std::size_t>(n_silos), 0);
  for (auto const s : silo) {
    EXPECT_GE(s, 0);
    EXPECT_LT(s, n_silos);
    if (s >= 0 && s < n_silos)
      ++sizes[static_cast<std::size_t>(s)];
  }
  return sizes;
}

/// The rows in reverse order: a partition must not depend on the input order.
SplitRows reversed(SplitRows rows) {
  std::reverse(rows.row_ids.begin(), rows.row_ids.end());
  std::reverse(rows.labels.begin(), rows.labels.end());
  std::reverse(rows.groups.begin(), rows.groups.end());
  std::reverse(rows.values.begin(), rows.values.end());
  return rows;
}

TEST(PartitionSchemes, EveryRowOnceNoEmptySiloDeterministicOrderFree) {
  SplitRows const rows = makeRows(3001, 3, 0.0, 1);
  for (std::string const scheme : {"iid", "dirichlet", "group", "quantile"})
    for (double const knob : {0.0, 0.3, 1.0}) {
      SCOPED_TRACE(scheme + " knob " + std::to_string(knob));
      // knob is h for group/quantile; alpha = 0.05 + knob for dirichlet (0.05: very skewed).
      auto const s = spec(scheme, 13, 0.05 + knob, knob);
      auto const silo = assignSilos(s, rows);
      ASSERT_EQ(silo.size(), rows.row_ids.size()); // one silo per row: every row exactly once
      auto const sizes = sizesOf(silo, 13);
      EXPECT_EQ(std::accumulate(sizes.begin(), sizes.end(), std::int64_t{0}), 3001);
      EXPECT_GT(*std::min_element(sizes.begin(), sizes.end()), 0);
      EXPECT_EQ(assignSilos(s, rows), silo);
      auto back = assignSilos(s, reversed(rows));
      std::reverse(back.begin(), back.end());
      EXPECT_EQ(back, silo);
      if (scheme != "quantile" || knob < 1.0) { // h = 1: the blocks themselves, no randomness
        EXPECT_NE(assignSilos(spec(scheme, 13, 0.05 + knob, knob, 43), rows), silo);
      }
    }
}

TEST(PartitionSchemes, FewerRowsThanSilosAndEmptyInput) {
  SplitRows const rows = makeRows(5, 2, 0.5, 2);
  SplitRows empty;
  empty.n_groups = 2;
  for (std::string const scheme : {"iid", "dirichlet", "group", "quantile"}) {
    auto const sizes = sizesOf(assignSilos(spec(scheme, 8, 0.01, 0.5), rows), 8);
    EXPECT_EQ(std::count(sizes.begin(), sizes.end(), 1), 5) << scheme; // one row each
    EXPECT_TRUE(assignSilos(spec(scheme, 3, 0.5, 0.5), empty).empty()) << scheme;
  }
}

TEST(PartitionSchemes, BadSettingsNameTheDeckKey) {
  SplitRows const rows = makeRows(50, 2, 0.5, 3);
  auto const message = [&](PartitionSpec const& s) {
    try {
      assignSilos(s, rows);
    } catch (saddle::InputError const& e) {
      return std::string(e.what());
    }
    return std::string("no InputError");
  };
  EXPECT_NE(message(spec("shards", 4, 0.5, 0.5)).find("silos.partition = 'shards'"),
            std::string::npos);
  EXPECT_NE(message(spec("dirichlet", 0, 0.5, 0.5)).find("silos.count = 0"), std::string::npos);
  EXPECT_NE(message(spec("dirichlet", 4, 0.0, 0.5)).find("silos.alpha = 0"), std::string::npos);
  EXPECT_NE(message(spec("group", 4, 0.5, 1.5)).find("silos.heterogeneity = 1.5"),
            std::string::npos);
  EXPECT_NE(message(spec("quantile", 4, 0.5, -0.1)).find("silos.heterogeneity"), std::string::npos);
  SplitRows nan_rows = rows;
  nan_rows.values[7] = std::nan("");
  EXPECT_THROW(assignSilos(spec("quantile", 4, 0.5, 0.5), nan_rows), saddle::InputError);
}

// Dirichlet(alpha 1_K) marginals: E p_k = 1/K, Var p_k = (1/K)(1 - 1/K) / (K alpha + 1).
// 3000 independent draws (labels 0..2999 key independent streams), all K components pooled
// (they are exchangeable, so the pooled mean and variance estimate the marginal ones).
// Tolerances: mean within 5 standard errors sqrt(Var / 3000); variance within 10 % (its
// relative standard error at these alphas is below 2.5 % per component, 4 components pooled).
TEST(PartitionSchemes, DirichletSharesHaveDirichletMoments) {
  constexpr int kDraws = 3000;
  constexpr std::int64_t K = 4;
  for (double const alpha : {0.3, 1.0, 4.0}) {
    double sum = 0.0, sum_sq = 0.0;
    for (int c = 0; c < kDraws; ++c) {
      auto const p = saddle::data::dirichletShares(c, K, alpha, 9);
      ASSERT_EQ(p.size(), static_cast<std::size_t>(K));
      EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
      for (double const v : p) {
        ASSERT_GE(v, 0.0);
        sum += v;
        sum_sq += v * v;
      }
    }
    double const n = kDraws * K;
    double const mean = sum / n, var = sum_sq / n - mean * mean;
    double const expected_var = 0.25 * 0.75 / (static_cast<double>(K) * alpha + 1.0);
    EXPECT_NEAR(mean, 0.25, 5.0 * std::sqrt(expected_var / kDraws)) << "alpha " << alpha;
    EXPECT_NEAR(var, expected_var, 0.1 * expected_var) << "alpha " << alpha;
  }
  // Tiny alpha: one share takes (almost) everything, and nothing underflows to NaN.
  auto const p = saddle::data::dirichletShares(0, 10, 1e-3, 9);
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
  EXPECT_GT(*std::max_element(p.begin(), p.end()), 0.99);
}

/// Mean over silos of the largest label share within the silo.
double meanMaxLabelShare(SplitRows const& rows, std::vector<std::int64_t> const& silo,
                         std::int64_t n_silos) {
  std::vector<double> ones(static_cast<std::size_t>(n_silos), 0.0), all(ones.size(), 0.0);
  for (std::size_t i = 0; i < silo.size(); ++i) {
    ones[static_cast<std::size_t>(silo[i])] += rows.labels[i];
    all[static_cast<std::size_t>(silo[i])] += 1.0;
  }
  double total = 0.0;
  for (std::size_t k = 0; k < ones.size(); ++k)
    total += std::max(ones[k], all[k] - ones[k]) / all[k];
  return total / static_cast<double>(n_silos);
}

// Labels are 40 % ones. At alpha = 100 every silo's label mix stays near 60/40 (the shares of a
// label over 10 silos have relative sd ~ 1/sqrt(K alpha) = 0.03), at alpha = 0.1 most silos
// hold almost only one label; the mean largest share must grow as alpha shrinks.
TEST(PartitionSchemes, DirichletSkewGrowsAsAlphaShrinks) {
  SplitRows const rows = makeRows(20000, 2, 0.5, 4);
  std::vector<double> skew;
  for (double const alpha : {100.0, 1.0, 0.1}) {
    double mean = 0.0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) // average over seeds: less noise at alpha 0.1
      mean += meanMaxLabelShare(rows, assignSilos(spec("dirichlet", 10, alpha, 0, seed), rows), 10);
    skew.push_back(mean / 5.0);
  }
  EXPECT_LT(skew[0], 0.65);
  EXPECT_LT(skew[0], skew[1]);
  EXPECT_LT(skew[1], skew[2]);
  EXPECT_GT(skew[2], 0.85);
}

// Silo k (nominal size n_k: 20000 / 6) takes t_k = round(h n_k) rows of its group k mod 2, or,
// when the group has fewer rows than its silos want, an even share of the group; the other
// n_k - t_k rows come at random from the pool P of rows not taken. So the expected share of
// own-group rows is (t_k + (n_k - t_k) P_g / |P|), with P_g the rows of group g in the pool.
TEST(PartitionSchemes, GroupDominanceIsHeterogeneity) {
  constexpr std::int64_t K = 6;
  SplitRows const rows = makeRows(20000, 2, 0.3, 5); // group 1 is ~30 % of the rows
  std::vector<double> n_g(2, 0.0);
  for (int const g : rows.groups)
    n_g[static_cast<std::size_t>(g)] += 1.0;
  for (double const h : {0.0, 0.5, 0.9, 1.0}) {
    auto const silo = assignSilos(spec("group", K, 0, h), rows);
    auto const sizes = sizesOf(silo, K);
    std::vector<double> own(K, 0.0), taken(K, 0.0);
    for (std::size_t i = 0; i < silo.size(); ++i)
      own[static_cast<std::size_t>(silo[i])] += rows.groups[i] == silo[i] % 2 ? 1.0 : 0.0;
    std::vector<double> pool_g = n_g;
    for (std::size_t g = 0; g < 2; ++g) { // silos g, g + 2, g + 4
      double demand = 0.0;
      for (std::size_t k = g; k < K; k += 2)
        demand += std::round(h * static_cast<double>(sizes[k]));
      for (std::size_t k = g; k < K; k += 2) {
        taken[k] = demand <= n_g[g] ? std::round(h * static_cast<double>(sizes[k]))
                                    : std::floor(n_g[g] / 3.0) + (k / 2 < std::fmod(n_g[g], 3.0));
        pool_g[g] -= taken[k];
      }
    }
    double const pool = pool_g[0] + pool_g[1];
    for (std::size_t k = 0; k < K; ++k) {
      auto const n_k = static_cast<double>(sizes[k]);
      EXPECT_NEAR(n_k, 20000.0 / K, 1.0); // the iid sizes
      double const pi = pool > 0 ? pool_g[k % 2] / pool : 0.0;
      double const expected = (taken[k] + (n_k - taken[k]) * pi) / n_k;
      // Pool rows of a silo are a draw without replacement: sd <= sqrt(r pi (1 - pi)) / n_k
      // with r = n_k - t_k; tolerance 5 sd, plus 1e-9 for the exact cases (pi in {0, 1}).
      double const sd = std::sqrt((n_k - taken[k]) * pi * (1.0 - pi)) / n_k;
      EXPECT_NEAR(own[k] / n_k, expected, 5.0 * sd + 1e-9) << "h " << h << " silo " << k;
      if (h == 0.5) {
        EXPECT_GT(own[k] / n_k, 0.5); // dominated by its group, even the minority's silos
      }
    }
  }
}

TEST(PartitionSchemes, QuantileBlocksAtFullHeterogeneityAndAlikeAtZero) {
  constexpr std::int64_t K = 5;
  SplitRows const rows = makeRows(10000, 2, 0.5, 6);
  auto const stats = [&](std::vector<std::int64_t> const& silo) {
    std::vector<double> mean(K, 0.0), count(K, 0.0), lo(K, 1e300), hi(K, -1e300);
    for (std::size_t i = 0; i < silo.size(); ++i) {
      auto const k = static_cast<std::size_t>(silo[i]);
      mean[k] += rows.values[i];
      count[k] += 1.0;
      lo[k] = std::min(lo[k], rows.values[i]);
      hi[k] = std::max(hi[k], rows.values[i]);
    }
    for (std::size_t k = 0; k < K; ++k)
      mean[k] /= count[k];
    return std::vector<std::vector<double>>{mean, lo, hi, count};
  };
  auto const full = stats(assignSilos(spec("quantile", K, 0, 1.0), rows));
  for (std::size_t k = 0; k + 1 < K; ++k) {
    EXPECT_LT(full[0][k], full[0][k + 1]); // means increase with k
    EXPECT_LE(full[2][k], full[1][k + 1]); // blocks: values of silo k <= those of silo k + 1
    EXPECT_EQ(full[3][k], 2000.0);
  }
  auto const half = stats(assignSilos(spec("quantile", K, 0, 0.5), rows));
  for (std::size_t k = 0; k + 1 < K; ++k)
    EXPECT_LT(half[0][k], half[0][k + 1]);
  // h = 0: every silo is a random 2000 of the rows; its mean has sd <= 1 / sqrt(2000) = 0.022
  // around the overall mean (values ~ N(0, 1)); tolerance 5 sd.
  auto const zero = stats(assignSilos(spec("quantile", K, 0, 0.0), rows));
  double const overall =
      std::accumulate(rows.values.begin(), rows.values.end(), 0.0) / rows.values.size();
  for (std::size_t k = 0; k < K; ++k)
    EXPECT_NEAR(zero[0][k], overall, 5.0 / std::sqrt(2000.0)) << "silo " << k;
}

} // namespace
