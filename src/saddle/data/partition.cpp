#include "saddle/data/partition.hpp"

#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"

#include <numeric>
#include <string>

namespace saddle::data {

std::vector<std::int64_t> iidSilos(std::vector<std::int64_t> const& row_ids, std::int64_t n_silos,
                                   std::uint64_t seed) {
  if (n_silos < 1)
    throw InputError("saddle::data::iidSilos: n_silos = " + std::to_string(n_silos) +
                     " is invalid (must be >= 1)");
  // Key every row by a counter-based draw of (seed, row id); the order of (key, row id) is a
  // random permutation that depends only on the set of row ids, never on their input order.
  rng::Key const key{seed, rng::Purpose::Partition, 0, 0};
  std::size_t const n = row_ids.size();
  std::vector<std::uint64_t> keys(n);
  for (std::size_t i = 0; i < n; ++i)
    keys[i] = rng::bits(key, static_cast<std::uint64_t>(row_ids[i]))[0];
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return keys[a] != keys[b] ? keys[a] < keys[b] : row_ids[a] < row_ids[b];
  });
  // Cut the sorted order into n_silos blocks; the first n % n_silos blocks get one more row.
  auto const total = static_cast<std::int64_t>(n);
  std::int64_t const q = total / n_silos, r = total % n_silos;
  std::vector<std::int64_t> silo(n);
  std::int64_t position = 0;
  for (std::int64_t s = 0; s < n_silos; ++s) {
    std::int64_t const size = q + (s < r ? 1 : 0);
    for (std::int64_t i = 0; i < size; ++i, ++position)
      silo[order[static_cast<std::size_t>(position)]] = s;
  }
  return silo;
}

} // namespace saddle::data
