#pragma once
/// Who holds what: rows -> silos (a pure function of the seed), silos -> ranks (a block map).
/// No communication: every rank computes the same answer.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace saddle::data {

/// Rank r owns silos [begin, end); the remainder goes to the lowest ranks. A rank may own none.
struct SiloPartition {
  std::int64_t n_global = 0, begin = 0, end = 0;
  static SiloPartition block(std::int64_t n, int rank, int size) {
    std::int64_t const q = n / size, r = n % size;
    std::int64_t const b = rank * q + std::min<std::int64_t>(rank, r);
    return {n, b, b + q + (rank < r ? 1 : 0)};
  }
  std::int64_t count() const { return end - begin; }
  bool owns(std::int64_t silo) const { return silo >= begin && silo < end; }
};

/// IID partition: the `row_ids` (global ids of one split, any order) are shuffled by a
/// counter-based key of (seed, row id) and cut into `n_silos` contiguous blocks of sizes that
/// differ by at most one. Returns the silo of each entry of `row_ids`. Pure function.
std::vector<std::int64_t> iidSilos(std::vector<std::int64_t> const& row_ids, std::int64_t n_silos,
                                   std::uint64_t seed);

} // namespace saddle::data
