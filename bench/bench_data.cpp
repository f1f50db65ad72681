#include "bench_data.hpp"

#include "kernels/models_glm.hpp"
#include "kernels/rng.hpp"

#include "bench_common.hpp"
#include <map>
#include <tuple>

namespace saddle::bench {

namespace {

// x(i, :) from Philox words of (seed, DataRow, row id), 4 entries per call; labels from fixed
// directions: dir(0, j) = sin(0.7 j + 0.3) (binary), dir(1 + k, j) = cos(0.37 (k + 1) j).
void generate(Shard& s, int n_classes) {
  ExecSpace space;
  auto const x = s.x;
  auto const yb = s.y_binary;
  auto const yc = s.y_class;
  std::int64_t const d = s.d, begin = s.begin;
  Matrix<float> dir("saddle::bench::directions", n_classes + 1, d);
  Kokkos::parallel_for(
      "saddle::bench::directions",
      Kokkos::MDRangePolicy<ExecSpace, Kokkos::Rank<2>>(space, {0, 0}, {n_classes + 1, d}),
      KOKKOS_LAMBDA(int k, std::int64_t j) {
        double const jd = static_cast<double>(j);
        dir(k, j) =
            static_cast<float>(k == 0 ? compat::sin(0.7 * jd + 0.3) : compat::cos(0.37 * k * jd));
      });
  rng::Key const key{20250501, rng::Purpose::DataRow, 0, 0};
  Kokkos::parallel_for(
      "saddle::bench::generate",
      Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>(space, 0, s.n),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const row = static_cast<std::uint64_t>(begin + i);
        for (std::int64_t j = 0; j < d; j += 4) {
          auto const w = rng::bits(key, row, static_cast<std::uint64_t>(j / 4));
          for (std::int64_t q = 0; q < 4 && j + q < d; ++q)
            x(i, j + q) = static_cast<float>(2.0 * rng::toUnitOpen(w[q]) - 1.0);
        }
        float best = 0.0f;
        int arg = 0;
        for (int k = 0; k <= n_classes; ++k) {
          float proj = 0.0f;
          for (std::int64_t j = 0; j < d; ++j)
            proj += x(i, j) * dir(k, j);
          if (k == 0)
            yb(i) = proj > 0.0f ? 1.0f : 0.0f;
          else if (k == 1 || proj > best) {
            best = proj;
            arg = k - 1;
          }
        }
        yc(i) = arg;
      });
  kernels::glmRowNorms(space, s.x, s.row_norm);
  compat::fence(space, "saddle::bench: data generated");
}

} // namespace

std::shared_ptr<Shard const> shard(std::int64_t n_global, std::int64_t d, int n_classes, int rank,
                                   int size) {
  static std::map<std::tuple<std::int64_t, std::int64_t, int, int, int>,
                  std::shared_ptr<Shard const>>
      cache;
  if (cache.empty())
    context().at_release.push_back([] { cache.clear(); });
  auto const key = std::make_tuple(n_global, d, n_classes, rank, size);
  if (auto const it = cache.find(key); it != cache.end())
    return it->second;
  auto s = std::make_shared<Shard>();
  std::int64_t const q = n_global / size, r = n_global % size;
  s->n_global = n_global;
  s->d = d;
  s->begin = rank * q + std::min<std::int64_t>(rank, r);
  s->n = q + (rank < r ? 1 : 0);
  s->x =
      Matrix<float>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::bench::x"), s->n, d);
  s->y_binary = Vector<float>("saddle::bench::y_binary", s->n);
  s->y_class = Vector<int>("saddle::bench::y_class", s->n);
  s->row_norm = Vector<float>("saddle::bench::row_norm", s->n);
  generate(*s, n_classes);
  cache[key] = s;
  return s;
}

} // namespace saddle::bench
