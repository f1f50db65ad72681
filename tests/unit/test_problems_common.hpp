#pragma once
// Shared fixtures of the fairness-problem tests: a hand-built split on the device and a batch
// of all its rows with given margins.
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include "support/helpers.hpp"
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace saddle::test {

/// A split of `rows` rows, d features in [-1, 1], labels and groups drawn from `seed`
/// (groups uniform in [0, k)), held on the device as one silo.
struct HostSplit {
  std::int64_t d = 0, k = 0;
  std::vector<double> x, y;
  std::vector<int> group;
  std::int64_t rows() const { return static_cast<std::int64_t>(y.size()); }
};

inline HostSplit randomSplit(std::int64_t rows, std::int64_t d, std::int64_t k,
                             std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> grp(0, static_cast<int>(k) - 1);
  HostSplit s;
  s.d = d;
  s.k = k;
  for (std::int64_t i = 0; i < rows * d; ++i)
    s.x.push_back(u(gen));
  for (std::int64_t i = 0; i < rows; ++i) {
    s.y.push_back(u(gen) > 0.0 ? 1.0 : 0.0);
    s.group.push_back(grp(gen));
  }
  return s;
}

inline data::SiloData toDevice(HostSplit const& h) {
  data::SiloData s;
  s.x = Matrix<double>("test::x", h.rows(), h.d);
  auto xh = Kokkos::create_mirror_view(s.x);
  for (std::int64_t i = 0; i < h.rows(); ++i)
    for (std::int64_t j = 0; j < h.d; ++j)
      xh(i, j) = h.x[i * h.d + j];
  Kokkos::deep_copy(s.x, xh);
  s.y = toDevice<double, ExecSpace>(h.y, "test::y");
  s.group = toDevice<int, ExecSpace>(h.group, "test::group");
  std::vector<double> norms;
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 0; i < h.rows(); ++i) {
    double sq = 1.0;
    for (std::int64_t j = 0; j < h.d; ++j)
      sq += h.x[i * h.d + j] * h.x[i * h.d + j];
    norms.push_back(std::sqrt(sq));
    ids.push_back(i);
  }
  s.row_norm = toDevice<double, ExecSpace>(norms, "test::row_norm");
  s.row_id = toDevice<std::int64_t, ExecSpace>(ids, "test::row_id");
  s.silo_ids = {0};
  s.silo_offset = {0, h.rows()};
  return s;
}

/// A batch of the rows `rows` (local indices) with margins z (coef zeroed).
inline BatchScratch makeBatch(std::vector<std::int64_t> const& rows, std::vector<double> const& z) {
  BatchScratch b(static_cast<std::int64_t>(std::max<std::size_t>(rows.size(), 1)));
  b.size = static_cast<std::int64_t>(rows.size());
  auto idx = Kokkos::create_mirror_view(b.idx);
  auto zh = Kokkos::create_mirror_view(b.z);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    idx(i) = rows[i];
    zh(i) = z[i];
  }
  Kokkos::deep_copy(b.idx, idx);
  Kokkos::deep_copy(b.z, zh);
  Kokkos::deep_copy(b.coef, 0.0);
  return b;
}

inline std::vector<std::int64_t> allRows(std::int64_t n) {
  std::vector<std::int64_t> r(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i)
    r[i] = i;
  return r;
}

inline std::vector<double> randomMargins(std::int64_t n, std::uint64_t seed, double scale = 2.0) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<double> z(static_cast<std::size_t>(n));
  for (auto& v : z)
    v = u(gen);
  return z;
}

inline double sigmoidHost(double z) {
  return 1.0 / (1.0 + std::exp(-z));
}

} // namespace saddle::test
