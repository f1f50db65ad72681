// ERMI reference values. ERMI is the chi-squared mutual information (Lowy, Baharlouei et al.
// 2022, Sec. 2: ERMI(Yhat; S) = sum_{c,g} P(c,g)^2 / (P(c) P(g)) - 1 = chi^2(P_{Yhat,S} ||
// P_Yhat x P_S)). Closed forms: 0 under independence; k - 1 when Yhat = S with S uniform over k
// values (the joint is diagonal with mass 1/k: k (1/k)^2 / (1/k)^2 - 1); for binary Yhat = S
// with P(S = 1) = q, also 1 (2 classes: min(m, k) - 1). Tolerance: the fixed-point soft sums
// are exact for 0/1 probabilities, so the values agree to a few roundings (1e-12).
#include "saddle/problems/fermi.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

/// FERMI statistics [n_g, S_g0 .. S_g(m-1)] of hard predictions with joint counts[g][c].
std::vector<double> statsOf(std::vector<std::vector<double>> const& counts) {
  std::vector<double> s;
  for (auto const& row : counts) {
    double n = 0.0;
    for (double v : row)
      n += v;
    s.push_back(n);
    s.insert(s.end(), row.begin(), row.end());
  }
  return s;
}

TEST(ErmiReference, ClosedForms) {
  using saddle::FermiShape;
  // Yhat = S uniform over 4 groups and 4 classes: k - 1 = 3
  EXPECT_NEAR(saddle::fermiErmi(statsOf({{5, 0, 0, 0}, {0, 5, 0, 0}, {0, 0, 5, 0}, {0, 0, 0, 5}}),
                                FermiShape{1, 4, 4}),
              3.0, 1e-12);
  // independence: every group has the same prediction distribution
  EXPECT_NEAR(saddle::fermiErmi(statsOf({{3, 1}, {6, 2}, {9, 3}}), FermiShape{1, 3, 2}), 0.0,
              1e-12);
  // binary Yhat = S with P(S = 1) = 0.2: 1
  EXPECT_NEAR(saddle::fermiErmi(statsOf({{8, 0}, {0, 2}}), FermiShape{1, 2, 2}), 1.0, 1e-12);
  // conditioned on the label: P(y) weights, y = 0 independent, y = 1 Yhat = S: 0.5 * 0 + 0.5 * 1
  EXPECT_NEAR(saddle::fermiErmi(statsOf({{2, 2}, {2, 2}, {4, 0}, {0, 4}}), FermiShape{2, 2, 2}),
              0.5, 1e-12);
}

} // namespace
