#pragma once
// Plain host oracles of saddle's kernels: straightforward loops that form per-sample
// gradients explicitly, against which the fused kernels are compared.
#include <cstdint>
#include <vector>

namespace saddle::test {

/// z_i = theta . [x_{idx_i}, 1]; x row-major [n][d].
std::vector<double> oracleMargins(std::vector<double> const& x, std::int64_t d,
                                  std::vector<std::int64_t> const& idx,
                                  std::vector<double> const& theta);

/// sum_i clip(coef_i [x_{idx_i}, 1], C): forms each per-sample gradient, clips it by its own
/// Euclidean norm (no clipping when norm <= C), sums. Also returns the clipped per-sample
/// gradients in `per_sample` ([m][d + 1]) when non-null.
std::vector<double> oracleClippedSum(std::vector<double> const& x, std::int64_t d,
                                     std::vector<std::int64_t> const& idx,
                                     std::vector<double> const& coef, double clip,
                                     std::vector<std::vector<double>>* per_sample = nullptr);

/// log(1 + e^z) - y z computed in long double.
double oracleLogisticLoss(double z, double y);

} // namespace saddle::test
