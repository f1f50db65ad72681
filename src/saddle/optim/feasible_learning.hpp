#pragma once
/// Problems with one constraint per training sample, as host callback problems:
///  - Feasible Learning (Ramirez et al. 2025): find theta such that loss_i(theta) <= eps for
///    every sample i, no objective; here with the logistic loss of a linear model,
///    loss_i = log(1 + exp(-y_i (w . x_i + b))), theta = [w; b]. Its resilient variant relaxes
///    every constraint by a slack with cost (alpha/2)||s||^2 (resilientRelaxation(), or dual
///    weight decay 1/alpha on the multipliers).
///  - the hard-margin linear SVM: min (1/2)||w||^2 s.t. 1 - y_i (w . x_i + b) <= 0.
/// One inequality, hence one (indexed) multiplier, per sample.
#include "saddle/optim/constrained_problem.hpp"

#include <cstdint>
#include <vector>

namespace saddle::optim {

/// Labelled rows: x [n][d] row-major, y [n] in {-1, +1}.
struct LabelledRows {
  std::int64_t n = 0;
  std::int64_t d = 0;
  std::vector<double> x;
  std::vector<double> y;
};

/// Feasible Learning with the logistic loss: variables [w (d); b], n_ineq = n,
/// g_i = loss_i(theta) - eps. No objective. eps > 0.
ConstrainedProblem perSampleLossProblem(LabelledRows rows, double eps);

/// The logistic loss log(1 + exp(-z)) of a margin z, computed without overflow.
double logisticLoss(double margin);

/// The hard-margin linear SVM: variables [w (d); b], f = (1/2)||w||^2,
/// g_i = 1 - y_i (w . x_i + b) <= 0.
ConstrainedProblem hardMarginSvmProblem(LabelledRows rows);

} // namespace saddle::optim
