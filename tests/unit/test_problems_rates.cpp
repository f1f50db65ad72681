// Rate-parity (demographic parity, equalized odds) and per-group accuracy constraints: proxy
// derivatives against finite differences of the full-data proxy Lagrangian, statistics and
// violations against host oracles, sensitivities by brute force (remove one record).
#include "saddle/problems/demographic_parity.hpp"
#include "saddle/problems/group_accuracy.hpp"
#include "saddle/problems/rate_parity.hpp"

#include <gtest/gtest.h>

#include "test_problems_common.hpp"
#include <algorithm>
#include <cmath>
#include <functional>

namespace {

using saddle::BatchScratch;
using saddle::ExecSpace;
using saddle::Problem;
using namespace saddle::test;

std::vector<double> statsOf(Problem const& p, saddle::data::SiloData const& split,
                            std::vector<std::int64_t> const& rows, std::vector<double> const& z) {
  auto b = makeBatch(rows, z);
  saddle::Vector<double> out("test::stats", p.statsSize());
  p.accumulateStats(ExecSpace(), split, b, out, 0);
  return toHost(out);
}

std::vector<double> proxyCoef(Problem& p, saddle::data::SiloData const& split,
                              std::vector<double> const& z, std::vector<double> const& lambda) {
  auto b = makeBatch(allRows(static_cast<std::int64_t>(z.size())), z);
  p.addProxyDerivative(ExecSpace(), split, b, toDevice<double, ExecSpace>(lambda));
  auto c = toHost(b.coef);
  c.resize(z.size());
  return c;
}

/// max over records of ||stats(all) - stats(all but i)||_2: the brute-force sensitivity.
double bruteSensitivity(Problem const& p, saddle::data::SiloData const& split,
                        std::vector<double> const& z) {
  auto const n = static_cast<std::int64_t>(z.size());
  auto const full = statsOf(p, split, allRows(n), z);
  double worst = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<std::int64_t> rows;
    std::vector<double> zs;
    for (std::int64_t j = 0; j < n; ++j)
      if (j != i) {
        rows.push_back(j);
        zs.push_back(z[j]);
      }
    auto const part = statsOf(p, split, rows, zs);
    double sq = 0.0;
    for (std::size_t j = 0; j < full.size(); ++j)
      sq += (full[j] - part[j]) * (full[j] - part[j]);
    worst = std::max(worst, std::sqrt(sq));
  }
  return worst;
}

/// Central finite difference of f at z along record i, step h.
double finiteDifference(std::function<double(std::vector<double> const&)> const& f,
                        std::vector<double> z, std::size_t i, double h) {
  double const z0 = z[i];
  z[i] = z0 + h;
  double const up = f(z);
  z[i] = z0 - h;
  return (up - f(z)) / (2.0 * h);
}

/// Full-data sigmoid-proxy Lagrangian of rate parity: sum_c mu_c (R_c - R_{r(c)}).
double rateLagrangian(HostSplit const& h, bool conditioned, std::vector<double> const& lambda,
                      std::vector<double> const& z) {
  std::int64_t const cells = conditioned ? 2 * h.k : h.k;
  std::vector<double> sum(cells, 0.0), cnt(cells, 0.0), ssum(2, 0.0), scnt(2, 0.0);
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    int const r = conditioned && h.y[i] > 0.5 ? 1 : 0;
    std::int64_t const c = r * h.k + h.group[i];
    sum[c] += sigmoidHost(z[i]);
    cnt[c] += 1.0;
    ssum[r] += sigmoidHost(z[i]);
    scnt[r] += 1.0;
  }
  double l = 0.0;
  for (std::int64_t c = 0; c < cells; ++c) {
    double const mu = lambda[2 * c] - lambda[2 * c + 1];
    auto const r = static_cast<std::size_t>(c / h.k);
    l += mu * (sum[c] / cnt[c] - ssum[r] / scnt[r]);
  }
  return l;
}

std::vector<std::int64_t> cellCounts(HostSplit const& h, bool conditioned) {
  std::vector<std::int64_t> n(conditioned ? 2 * h.k : h.k, 0);
  for (std::int64_t i = 0; i < h.rows(); ++i)
    ++n[(conditioned && h.y[i] > 0.5 ? h.k : 0) + h.group[i]];
  return n;
}

std::vector<double> randomLambda(std::size_t m, std::uint64_t seed) {
  auto l = randomMargins(static_cast<std::int64_t>(m), seed, 1.0);
  for (auto& v : l)
    v = std::fabs(v);
  return l;
}

// d/dz_i of the full-data proxy Lagrangian is coef_i / n (the per-record share).
// Tolerance: central differences with h = 1e-5 err by ~h^2 |f'''| ~ 1e-10, plus rounding
// ~eps |f| / h ~ 1e-11; 1e-8 leaves margin.
TEST(RateParity, ProxyDerivativeMatchesFiniteDifferences) {
  for (bool conditioned : {false, true}) {
    auto const h = randomSplit(120, 3, 3, 11);
    auto const split = toDevice(h);
    auto const z = randomMargins(h.rows(), 12);
    auto const counts = cellCounts(h, conditioned);
    saddle::RateParity p(h.k, conditioned, 0.0, counts);
    auto const lambda = randomLambda(static_cast<std::size_t>(p.numConstraints()), 13);
    auto const coef = proxyCoef(p, split, z, lambda);
    auto f = [&](std::vector<double> const& zz) {
      return rateLagrangian(h, conditioned, lambda, zz);
    };
    for (std::size_t i = 0; i < z.size(); ++i)
      EXPECT_NEAR(coef[i] / static_cast<double>(h.rows()), finiteDifference(f, z, i, 1e-5), 1e-8)
          << "record " << i << (conditioned ? " (equalized odds)" : " (demographic parity)");
  }
}

// Equalized odds with shares estimated from the released statistics: after one update with
// the exact statistics of the whole split, the proxy equals the one with exact cell counts.
TEST(RateParity, EstimatedSharesMatchExactCountsAfterExactUpdate) {
  auto const h = randomSplit(150, 2, 4, 21);
  auto const split = toDevice(h);
  auto const z = randomMargins(h.rows(), 22);
  saddle::EqualizedOdds exact(h.k, 0.0, cellCounts(h, true));
  saddle::EqualizedOdds estimated(h.k, 0.0);
  auto const lambda = randomLambda(static_cast<std::size_t>(exact.numConstraints()), 23);
  for (double v : proxyCoef(estimated, split, z, lambda))
    EXPECT_EQ(v, 0.0); // no shares before the first update
  estimated.update(ExecSpace(), statsOf(estimated, split, allRows(h.rows()), z), 0);
  auto const a = proxyCoef(exact, split, z, lambda);
  auto const b = proxyCoef(estimated, split, z, lambda);
  for (std::size_t i = 0; i < a.size(); ++i)
    EXPECT_NEAR(a[i], b[i], 1e-12 * (1.0 + std::fabs(a[i]))); // same formula, same inputs
  saddle::State st;
  estimated.saveState(st, "problem/");
  saddle::EqualizedOdds restored(h.k, 0.0);
  restored.loadState(st, "problem/");
  EXPECT_EQ(proxyCoef(restored, split, z, lambda), b); // bitwise after a restart
}

// Equalized-odds statistics, violations and gap against a host oracle; absent cells.
TEST(RateParity, EqualizedOddsViolationMatchesOracle) {
  auto const h = randomSplit(300, 2, 3, 31);
  auto const split = toDevice(h);
  auto const z = randomMargins(h.rows(), 32);
  saddle::EqualizedOdds p(h.k, 0.02);
  auto const stats = statsOf(p, split, allRows(h.rows()), z);
  std::vector<double> cnt(6, 0.0), pos(6, 0.0), scnt(2, 0.0), spos(2, 0.0);
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    int const y = h.y[i] > 0.5 ? 1 : 0;
    auto const c = static_cast<std::size_t>(y * h.k + h.group[i]);
    cnt[c] += 1;
    scnt[y] += 1;
    if (z[i] > 0) {
      pos[c] += 1;
      spos[y] += 1;
    }
  }
  double gap = 0.0;
  auto const v = p.violation(stats);
  ASSERT_EQ(v.size(), 12u);
  for (std::size_t c = 0; c < 6; ++c) {
    EXPECT_EQ(stats[c], cnt[c]); // exact integer counts
    EXPECT_EQ(stats[6 + c], pos[c]);
    double const diff = pos[c] / cnt[c] - spos[c / 3] / scnt[c / 3];
    gap = std::max(gap, std::fabs(diff));
    EXPECT_NEAR(v[2 * c], diff - 0.02, 1e-15); // rates of exact counts, a few roundings
    EXPECT_NEAR(v[2 * c + 1], -diff - 0.02, 1e-15);
  }
  EXPECT_NEAR(saddle::RateParity::maxGap(stats, h.k, true), gap, 1e-15);
  // a cell with noisy count < 1 is not observed; its rate is its stratum's (violation -tol)
  auto noisy = stats;
  noisy[4] = 0.7;
  auto const seen = p.observedConstraints(noisy);
  EXPECT_EQ(seen.size(), 10u);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 8), 0);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 9), 0);
  EXPECT_NEAR(p.violation(noisy)[8], -0.02, 1e-15);
  EXPECT_EQ(p.constraintName(8), "eo_y1_rate1_above");
}

TEST(RateParity, SensitivityIsTightByBruteForce) {
  auto const h = randomSplit(40, 2, 3, 41);
  auto const split = toDevice(h);
  auto const z = randomMargins(h.rows(), 42); // has positives: the bound sqrt(2) is attained
  saddle::DemographicParity dp(cellCounts(h, false), 0.0);
  saddle::EqualizedOdds eo(h.k, 0.0);
  for (Problem const* p : {static_cast<Problem const*>(&dp), static_cast<Problem const*>(&eo)}) {
    double const brute = bruteSensitivity(*p, split, z);
    EXPECT_LE(brute, p->statsSensitivity() + 1e-12);
    EXPECT_NEAR(brute, p->statsSensitivity(), 1e-12);
  }
}

/// Full-data smoothed-error Lagrangian sum_g lambda_g (E_g - E).
double errorLagrangian(HostSplit const& h, std::vector<double> const& lambda,
                       std::vector<double> const& z) {
  std::vector<double> sum(h.k, 0.0), cnt(h.k, 0.0);
  double total = 0.0;
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    double const e = sigmoidHost(-(2.0 * h.y[i] - 1.0) * z[i]);
    sum[h.group[i]] += e;
    cnt[h.group[i]] += 1.0;
    total += e;
  }
  double l = 0.0;
  for (std::int64_t g = 0; g < h.k; ++g)
    if (cnt[g] > 0)
      l += lambda[g] * (sum[g] / cnt[g] - total / static_cast<double>(h.rows()));
  return l;
}

std::vector<double> margins(HostSplit const& h, std::vector<double> const& theta) {
  std::vector<double> z;
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    double acc = theta[h.d];
    for (std::int64_t j = 0; j < h.d; ++j)
      acc += theta[j] * h.x[i * h.d + j];
    z.push_back(acc);
  }
  return z;
}

// 300 groups (issue 6: hundreds of intersectional groups), some absent from the batch.
TEST(GroupAccuracy, ThreeHundredGroupsMatchOracle) {
  std::int64_t const k = 300;
  auto const h = randomSplit(1500, 3, k, 51);
  auto const split = toDevice(h);
  auto const z = randomMargins(h.rows(), 52);
  std::vector<double> const ref_theta = {0.5, -1.0, 0.25, 0.1};
  auto const z_ref = margins(h, ref_theta);
  std::vector<std::int64_t> counts(k, 0);
  for (int g : h.group)
    ++counts[g];
  saddle::GroupAccuracy p(counts, 0.01, ref_theta);
  ASSERT_EQ(p.statsSize(), 3 * k);
  // the batch: the rows of groups >= 10 (groups 0..9 absent)
  std::vector<std::int64_t> rows;
  std::vector<double> zb;
  for (std::int64_t i = 0; i < h.rows(); ++i)
    if (h.group[i] >= 10) {
      rows.push_back(i);
      zb.push_back(z[i]);
    }
  auto const stats = statsOf(p, split, rows, zb);
  std::vector<double> cnt(k, 0.0), err(k, 0.0), ref(k, 0.0);
  double n = 0.0, e_all = 0.0, r_all = 0.0;
  for (auto i : rows) {
    bool const y = h.y[i] > 0.5;
    double const e = ((z[i] > 0) != y) ? 1.0 : 0.0, r = ((z_ref[i] > 0) != y) ? 1.0 : 0.0;
    cnt[h.group[i]] += 1;
    err[h.group[i]] += e;
    ref[h.group[i]] += r;
    n += 1;
    e_all += e;
    r_all += r;
  }
  auto const v = p.violation(stats);
  auto const seen = p.observedConstraints(stats);
  for (std::int64_t g = 0; g < k; ++g) {
    EXPECT_EQ(stats[g], cnt[g]);
    EXPECT_EQ(stats[k + g], err[g]);
    EXPECT_EQ(stats[2 * k + g], ref[g]);
    double const want = cnt[g] < 1 ? 0.0 : (err[g] - ref[g]) / cnt[g] - (e_all - r_all) / n - 0.01;
    EXPECT_NEAR(v[g], want, 1e-14) << "group " << g; // a few roundings of O(1) values
  }
  EXPECT_EQ(seen.size(),
            static_cast<std::size_t>(k - 10 - std::count(cnt.begin() + 10, cnt.end(), 0.0)));
  EXPECT_EQ(seen.front(), 10);
  // proxy derivative against finite differences of the full-data Lagrangian (tolerance as above)
  auto const lambda = randomLambda(k, 53);
  auto const coef = proxyCoef(p, split, z, lambda);
  auto f = [&](std::vector<double> const& zz) { return errorLagrangian(h, lambda, zz); };
  for (std::size_t i = 0; i < z.size(); i += 7)
    EXPECT_NEAR(coef[i] / static_cast<double>(h.rows()), finiteDifference(f, z, i, 1e-5), 1e-8)
        << "record " << i;
}

TEST(GroupAccuracy, SensitivityIsTightByBruteForce) {
  auto const h = randomSplit(40, 2, 4, 61);
  auto const split = toDevice(h);
  auto const z = randomMargins(h.rows(), 62); // records wrong for both models exist
  std::vector<std::int64_t> counts(h.k, 10);
  saddle::GroupAccuracy with_ref(counts, 0.0, {1.0, 1.0, 0.0});
  saddle::GroupAccuracy without(counts, 0.0, {});
  EXPECT_NEAR(bruteSensitivity(with_ref, split, z), std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(bruteSensitivity(without, split, z), std::sqrt(2.0), 1e-12);
  EXPECT_DOUBLE_EQ(with_ref.statsSensitivity(), std::sqrt(3.0));
  EXPECT_DOUBLE_EQ(without.statsSensitivity(), std::sqrt(2.0));
}

TEST(GroupAccuracy, ReferenceThetaFromState) {
  saddle::State st;
  st.putArray("model/theta", {1.0, 2.0, 3.0});
  EXPECT_EQ(saddle::referenceThetaFromState(st, 3, "ref.h5"), (std::vector<double>{1, 2, 3}));
  EXPECT_THROW(saddle::referenceThetaFromState(st, 4, "ref.h5"), saddle::InputError);
  EXPECT_THROW(saddle::referenceThetaFromState(saddle::State(), 3, "ref.h5"), saddle::InputError);
}

} // namespace
