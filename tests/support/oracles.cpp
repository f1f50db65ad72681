#include "support/oracles.hpp"

#include <cmath>

namespace saddle::test {

std::vector<double> oracleMargins(std::vector<double> const& x, std::int64_t d,
                                  std::vector<std::int64_t> const& idx,
                                  std::vector<double> const& theta) {
  std::vector<double> z;
  for (auto r : idx) {
    double acc = theta[d];
    for (std::int64_t j = 0; j < d; ++j)
      acc += theta[j] * x[r * d + j];
    z.push_back(acc);
  }
  return z;
}

std::vector<double> oracleClippedSum(std::vector<double> const& x, std::int64_t d,
                                     std::vector<std::int64_t> const& idx,
                                     std::vector<double> const& coef, double clip,
                                     std::vector<std::vector<double>>* per_sample) {
  std::vector<double> sum(d + 1, 0.0);
  for (std::size_t i = 0; i < idx.size(); ++i) {
    std::vector<double> g(d + 1);
    for (std::int64_t j = 0; j < d; ++j)
      g[j] = coef[i] * x[idx[i] * d + j];
    g[d] = coef[i];
    double sq = 0.0;
    for (double v : g)
      sq += v * v;
    double const norm = std::sqrt(sq);
    double const scale = norm > clip ? clip / norm : 1.0;
    for (std::int64_t j = 0; j <= d; ++j) {
      g[j] *= scale;
      sum[j] += g[j];
    }
    if (per_sample)
      per_sample->push_back(g);
  }
  return sum;
}

double oracleLogisticLoss(double z, double y) {
  long double const lz = z;
  long double const softplus = lz > 0 ? lz + std::log1p(std::exp(-lz)) : std::log1p(std::exp(lz));
  return static_cast<double>(softplus - static_cast<long double>(y) * lz);
}

} // namespace saddle::test
