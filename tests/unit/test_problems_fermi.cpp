// FERMI (Lowy, Baharlouei et al. 2022): per-record psi_i and its derivatives against finite
// differences (m = 3 classes with softmax probabilities, and the binary model), the best
// response W* maximizes psi and psi(W*) equals ERMI computed from its definition, projected
// ascent converges to W*, sensitivity by brute force, checkpoint round trip bitwise.
#include "kernels/fermi.hpp"
#include "saddle/problems/fermi.hpp"

#include <gtest/gtest.h>

#include "test_problems_common.hpp"
#include <cmath>
#include <random>

namespace {

using saddle::ExecSpace;
using saddle::FermiShape;
using namespace saddle::test;

struct SoftData {
  HostSplit h;
  std::int64_t m = 3;
  std::vector<double> logits, probs; ///< [n][m]
};

std::vector<double> softmax(std::vector<double> const& logits, std::int64_t m) {
  std::vector<double> p(logits.size());
  for (std::size_t i = 0; i < logits.size() / m; ++i) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < m; ++c)
      sum += std::exp(logits[i * m + c]);
    for (std::int64_t c = 0; c < m; ++c)
      p[i * m + c] = std::exp(logits[i * m + c]) / sum;
  }
  return p;
}

SoftData softData(std::int64_t n, std::int64_t k, std::int64_t m, std::uint64_t seed) {
  SoftData s;
  s.h = randomSplit(n, 1, k, seed);
  s.m = m;
  s.logits = randomMargins(n * m, seed + 1, 2.0);
  // make the predictions depend on the group, so that ERMI is clearly positive
  for (std::int64_t i = 0; i < n; ++i)
    s.logits[i * m + s.h.group[i] % m] += 1.5;
  s.probs = softmax(s.logits, m);
  return s;
}

saddle::Matrix<double> deviceMatrix(std::vector<double> const& v, std::int64_t cols) {
  saddle::Matrix<double> out("test::matrix", v.size() / cols, cols);
  auto h = Kokkos::create_mirror_view(out);
  for (std::size_t j = 0; j < v.size(); ++j)
    h(j / cols, j % cols) = v[j];
  Kokkos::deep_copy(out, h);
  return out;
}

std::vector<double> softStats(SoftData const& s, saddle::data::SiloData const& split,
                              bool conditioned) {
  FermiShape const shape{conditioned ? 2 : 1, s.h.k, s.m};
  auto const probs = deviceMatrix(s.probs, s.m);
  auto const b = makeBatch(allRows(s.h.rows()), std::vector<double>(s.h.rows(), 0.0));
  saddle::Vector<double> out("test::stats", shape.statsSize());
  Kokkos::View<std::int64_t*, saddle::MemSpace> fixed("test::fixed", shape.statsSize());
  saddle::kernels::fermiSoftStats(ExecSpace(), split.group, split.y, b.idx, b.size, probs,
                                  static_cast<int>(s.h.k), conditioned, fixed, out, 0);
  return toHost(out);
}

/// psi_i and dpsi_i/dp_ic from the kernel for probabilities `probs` [n][m].
void recordTerms(SoftData const& s, saddle::data::SiloData const& split, bool conditioned,
                 std::vector<double> const& probs, std::vector<double> const& w,
                 std::vector<double> const& inv, std::vector<double>& psi,
                 std::vector<double>& dpsi) {
  int const k = static_cast<int>(s.h.k);
  auto const w_dev = deviceMatrix(w, s.m);
  saddle::Matrix<double> colsq("test::colsq", conditioned ? 2 : 1, s.m);
  saddle::kernels::fermiColumnSquares(ExecSpace(), w_dev, k, colsq);
  auto const b = makeBatch(allRows(s.h.rows()), std::vector<double>(s.h.rows(), 0.0));
  saddle::Matrix<double> d("test::dpsi", s.h.rows(), s.m);
  saddle::Vector<double> p("test::psi", s.h.rows());
  saddle::kernels::fermiRecordTerms(ExecSpace(), split.group, split.y, b.idx, b.size,
                                    deviceMatrix(probs, s.m), w_dev, colsq,
                                    toDevice<double, ExecSpace>(inv), k, conditioned, d, p);
  psi = toHost(p);
  auto dh = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, d);
  dpsi.assign(dh.data(), dh.data() + dh.size());
}

/// ERMI from its definition: sum_r P(r) (sum_{c,g} P(c,g|r)^2 / (P(c|r) P(g|r)) - 1), with the
/// joint distribution of the soft predictions.
double ermiOracle(SoftData const& s, bool conditioned) {
  std::int64_t const k = s.h.k, m = s.m, strata = conditioned ? 2 : 1;
  double const n = static_cast<double>(s.h.rows());
  double total = 0.0;
  for (std::int64_t r = 0; r < strata; ++r) {
    std::vector<double> joint(k * m, 0.0), pc(m, 0.0), pg(k, 0.0);
    double nr = 0.0;
    for (std::int64_t i = 0; i < s.h.rows(); ++i) {
      if (conditioned && (s.h.y[i] > 0.5 ? 1 : 0) != r)
        continue;
      nr += 1.0;
      for (std::int64_t c = 0; c < m; ++c)
        joint[s.h.group[i] * m + c] += s.probs[i * m + c];
    }
    for (std::int64_t g = 0; g < k; ++g)
      for (std::int64_t c = 0; c < m; ++c) {
        joint[g * m + c] /= nr;
        pc[c] += joint[g * m + c];
        pg[g] += joint[g * m + c];
      }
    double value = -1.0;
    for (std::int64_t g = 0; g < k; ++g)
      for (std::int64_t c = 0; c < m; ++c)
        value += joint[g * m + c] * joint[g * m + c] / (pc[c] * pg[g]);
    total += nr / n * value;
  }
  return total;
}

// Tolerance of comparisons through the released statistics: soft sums are exact fixed-point
// sums with rounding <= 2^-33 per record, i.e. relative ~1e-10 on O(1) quantities; 1e-8.
constexpr double kStatsTol = 1e-8;

TEST(Fermi, BestResponseMaximizesPsiAndEqualsErmi) {
  for (bool conditioned : {false, true}) {
    auto const s = softData(400, 4, 3, 101);
    auto const split = toDevice(s.h);
    FermiShape const shape{conditioned ? 2 : 1, s.h.k, s.m};
    auto const stats = softStats(s, split, conditioned);
    std::vector<double> w(shape.cells() * s.m, 0.0), inv(shape.cells(), 0.0);
    saddle::fermiBestResponse(stats, shape, w, inv);
    double const best = saddle::fermiPsi(stats, shape, w);
    double const oracle = ermiOracle(s, conditioned);
    EXPECT_GT(oracle, 0.05); // the data is unfair by construction
    EXPECT_NEAR(best, oracle, kStatsTol);
    EXPECT_NEAR(saddle::fermiErmi(stats, shape), oracle, kStatsTol);
    // the plug-in psi is the mean of the per-record psi_i (the minibatch form is unbiased)
    std::vector<double> psi, dpsi;
    recordTerms(s, split, conditioned, s.probs, w, inv, psi, dpsi);
    double mean = 0.0;
    for (double v : psi)
      mean += v / static_cast<double>(psi.size());
    EXPECT_NEAR(mean, best, kStatsTol);
    // psi is strictly concave in W: every perturbation lowers it
    std::mt19937_64 gen(7);
    std::normal_distribution<double> nd(0.0, 0.1);
    for (int t = 0; t < 100; ++t) {
      auto wp = w;
      for (auto& v : wp)
        v += nd(gen);
      EXPECT_LT(saddle::fermiPsi(stats, shape, wp), best);
    }
  }
}

// dpsi_i/dlogit_j = sum_c d_ic p_ic (delta_cj - p_ij) against central differences of psi_i
// through the softmax; h = 1e-5, error ~h^2 ~ 1e-10 plus rounding ~1e-11: tolerance 1e-8.
TEST(Fermi, SoftmaxGradientMatchesFiniteDifferences) {
  for (bool conditioned : {false, true}) {
    auto const s = softData(60, 3, 3, 201);
    auto const split = toDevice(s.h);
    FermiShape const shape{conditioned ? 2 : 1, s.h.k, s.m};
    auto w = randomMargins(shape.cells() * s.m, 202, 1.0);
    auto inv = randomMargins(shape.cells(), 203, 1.0);
    for (auto& v : inv)
      v = 1.0 + std::fabs(v);
    std::vector<double> psi, dpsi;
    recordTerms(s, split, conditioned, s.probs, w, inv, psi, dpsi);
    double const h = 1e-5;
    for (std::int64_t j = 0; j < s.m; ++j) {
      auto up = s.logits, down = s.logits;
      for (std::int64_t i = 0; i < s.h.rows(); ++i) {
        up[i * s.m + j] += h; // psi_i depends on record i's logits only
        down[i * s.m + j] -= h;
      }
      std::vector<double> psi_up, psi_down, unused;
      recordTerms(s, split, conditioned, softmax(up, s.m), w, inv, psi_up, unused);
      recordTerms(s, split, conditioned, softmax(down, s.m), w, inv, psi_down, unused);
      for (std::int64_t i = 0; i < s.h.rows(); ++i) {
        double grad = 0.0;
        for (std::int64_t c = 0; c < s.m; ++c)
          grad += dpsi[i * s.m + c] * s.probs[i * s.m + c] *
                  ((c == j ? 1.0 : 0.0) - s.probs[i * s.m + j]);
        EXPECT_NEAR(grad, (psi_up[i] - psi_down[i]) / (2 * h), 1e-8) << i << "," << j;
      }
    }
  }
}

std::vector<double> binaryProbs(std::vector<double> const& z) {
  std::vector<double> p;
  for (double v : z) {
    p.push_back(1.0 - sigmoidHost(v));
    p.push_back(sigmoidHost(v));
  }
  return p;
}

// The binary model's lambda dpsi_i/dz_i (what the primal player adds) against central
// differences of lambda psi_i(z); tolerance as above.
TEST(Fermi, BinaryDerivativeMatchesFiniteDifferences) {
  for (bool conditioned : {false, true}) {
    SoftData s;
    s.h = randomSplit(80, 1, 5, 301);
    s.m = 2;
    auto const split = toDevice(s.h);
    FermiShape const shape{conditioned ? 2 : 1, s.h.k, 2};
    auto const w = randomMargins(shape.cells() * 2, 302, 1.0);
    auto inv = randomMargins(shape.cells(), 303, 1.0);
    for (auto& v : inv)
      v = 1.0 + std::fabs(v);
    auto const z = randomMargins(s.h.rows(), 304, 3.0);
    double const lambda = 0.7;
    saddle::FermiConfig cfg;
    cfg.conditioned = conditioned;
    cfg.n_groups = s.h.k;
    cfg.lambda = lambda;
    saddle::Fermi f(cfg);
    f.setW(w, inv);
    auto b = makeBatch(allRows(s.h.rows()), z);
    f.addProxyDerivative(ExecSpace(), split, b, saddle::Vector<double>());
    auto const coef = toHost(b.coef);
    double const h = 1e-5;
    auto up = z, down = z;
    for (auto& v : up)
      v += h;
    for (auto& v : down)
      v -= h;
    std::vector<double> psi_up, psi_down, unused;
    recordTerms(s, split, conditioned, binaryProbs(up), w, inv, psi_up, unused);
    recordTerms(s, split, conditioned, binaryProbs(down), w, inv, psi_down, unused);
    for (std::int64_t i = 0; i < s.h.rows(); ++i)
      EXPECT_NEAR(coef[i], lambda * (psi_up[i] - psi_down[i]) / (2 * h), 1e-8) << i;
  }
}

TEST(Fermi, ProjectedAscentConvergesToBestResponse) {
  auto const s = softData(300, 3, 3, 401);
  auto const split = toDevice(s.h);
  FermiShape const shape{1, s.h.k, s.m};
  auto const stats = softStats(s, split, false);
  std::vector<double> w_star(shape.cells() * s.m, 0.0), inv(shape.cells(), 0.0);
  saddle::fermiBestResponse(stats, shape, w_star, inv);
  // lr = 1: the iteration W <- W + lr (-2 W P(c) + ...) contracts by |1 - 2 P(c)| < 1
  std::vector<double> w(w_star.size(), 0.0), inv2(inv.size(), 0.0);
  for (int t = 0; t < 300; ++t)
    saddle::fermiAscentStep(stats, shape, 1.0, 100.0, w, inv2);
  for (std::size_t j = 0; j < w.size(); ++j)
    EXPECT_NEAR(w[j], w_star[j], 1e-10);
  // a small ball binds: the iterate stays on it
  std::vector<double> w_small(w_star.size(), 0.0);
  for (int t = 0; t < 50; ++t)
    saddle::fermiAscentStep(stats, shape, 1.0, 0.5, w_small, inv2);
  double norm = 0.0;
  for (double v : w_small)
    norm += v * v;
  EXPECT_NEAR(std::sqrt(norm), 0.5, 1e-12);
}

saddle::FermiConfig binaryConfig(bool conditioned, std::int64_t k) {
  saddle::FermiConfig cfg;
  cfg.conditioned = conditioned;
  cfg.n_groups = k;
  cfg.lambda = 0.5;
  return cfg;
}

std::vector<double> fermiStats(saddle::Fermi const& f, saddle::data::SiloData const& split,
                               std::vector<std::int64_t> const& rows,
                               std::vector<double> const& z) {
  auto const b = makeBatch(rows, z);
  saddle::Vector<double> out("test::stats", f.statsSize());
  f.accumulateStats(ExecSpace(), split, b, out, 0);
  return toHost(out);
}

TEST(Fermi, SensitivityIsTightByBruteForce) {
  for (bool conditioned : {false, true}) {
    auto const h = randomSplit(30, 1, 3, 501);
    auto const split = toDevice(h);
    auto z = randomMargins(h.rows(), 502);
    z[3] = 50.0; // sigmoid = 1 in double: p = (0, 1), the worst case
    saddle::Fermi f(binaryConfig(conditioned, h.k));
    auto const full = fermiStats(f, split, allRows(h.rows()), z);
    double worst = 0.0;
    for (std::int64_t i = 0; i < h.rows(); ++i) {
      std::vector<std::int64_t> rows;
      std::vector<double> zs;
      for (std::int64_t j = 0; j < h.rows(); ++j)
        if (j != i) {
          rows.push_back(j);
          zs.push_back(z[j]);
        }
      auto const part = fermiStats(f, split, rows, zs);
      double sq = 0.0;
      for (std::size_t j = 0; j < full.size(); ++j)
        sq += (full[j] - part[j]) * (full[j] - part[j]);
      worst = std::max(worst, std::sqrt(sq));
    }
    EXPECT_LE(worst, f.statsSensitivity() + 1e-12);
    EXPECT_NEAR(worst, f.statsSensitivity(), 1e-12);
  }
}

TEST(Fermi, UpdateSetsBestResponseAndCheckpointIsBitwise) {
  for (bool conditioned : {false, true}) {
    auto const h = randomSplit(200, 2, 4, 601);
    auto const split = toDevice(h);
    auto const z = randomMargins(h.rows(), 602);
    saddle::Fermi f(binaryConfig(conditioned, h.k));
    auto const stats = fermiStats(f, split, allRows(h.rows()), z);
    f.update(ExecSpace(), stats, 0);
    std::vector<double> w(f.w().size(), 0.0), inv(f.invSqrtPs().size(), 0.0);
    saddle::fermiBestResponse(stats, f.shape(), w, inv);
    EXPECT_EQ(f.w(), w);
    EXPECT_NEAR(f.roundMetrics()[0].second, saddle::fermiErmi(stats, f.shape()), 1e-15);
    saddle::State st;
    f.saveState(st, "problem/");
    saddle::Fermi g(binaryConfig(conditioned, h.k));
    g.loadState(st, "problem/");
    EXPECT_EQ(g.w(), f.w()); // bitwise
    EXPECT_EQ(g.invSqrtPs(), f.invSqrtPs());
    auto b1 = makeBatch(allRows(h.rows()), z);
    auto b2 = makeBatch(allRows(h.rows()), z);
    f.addProxyDerivative(ExecSpace(), split, b1, saddle::Vector<double>());
    g.addProxyDerivative(ExecSpace(), split, b2, saddle::Vector<double>());
    EXPECT_EQ(toHost(b1.coef), toHost(b2.coef));
    saddle::State st2;
    g.saveState(st2, "problem/");
    EXPECT_TRUE(st == st2);
  }
}

} // namespace
