#pragma once
/// Shuffled fixed-size batches without storing a permutation: a keyed pseudorandom bijection of
/// [0, n), evaluated per index (cycle-walking over a bijection of [0, 2^b), 2^b >= n), so batch
/// t of an epoch is perm(t B), ..., perm(t B + B - 1): a pure function of (key, index), O(1) per
/// sample, the same on any backend. A pseudorandom permutation family, not a uniformly drawn
/// one: for benchmarks and SGD, not for privacy amplification by shuffling.
#include <Kokkos_Core.hpp>

#include "rng.hpp"
#include <cstdint>

namespace saddle::kernels {

/// x -> ((x ^ k_r) * odd_r) mod 2^b, x ^= x >> ceil(b / 2), three rounds: each step is a
/// bijection of [0, 2^b), so is the composition; indices >= n are walked on until < n.
struct KeyedPermutation {
  std::uint64_t n = 0, mask = 0;
  std::uint64_t xor_key[3] = {0, 0, 0}, mul_key[3] = {1, 1, 1};
  int shift = 1;

  /// The permutation of [0, n) keyed by `key` (n >= 1). Host only.
  static KeyedPermutation make(std::uint64_t n_in, rng::Key const& key) {
    KeyedPermutation p;
    p.n = n_in;
    int bits = 1;
    while (bits < 63 && (std::uint64_t(1) << bits) < n_in)
      ++bits;
    p.mask = (std::uint64_t(1) << bits) - 1;
    p.shift = (bits + 1) / 2;
    auto const w = rng::bits(key, 0, 0x7065726D); // "perm"
    for (int r = 0; r < 3; ++r) {
      p.xor_key[r] = w[r] & p.mask;
      p.mul_key[r] = (w[(r + 1) % 4] | 1u) & p.mask;
    }
    p.mul_key[0] |= 1u; // odd also when mask = 1
    return p;
  }

  KOKKOS_INLINE_FUNCTION std::uint64_t step(std::uint64_t x) const {
    for (int r = 0; r < 3; ++r) {
      x = ((x ^ xor_key[r]) * (mul_key[r] | 1u)) & mask;
      x ^= x >> shift;
    }
    return x;
  }

  /// The image of i in [0, n).
  KOKKOS_INLINE_FUNCTION std::uint64_t operator()(std::uint64_t i) const {
    std::uint64_t x = step(i);
    while (x >= n)
      x = step(x);
    return x;
  }
};

/// idx(i) = base + perm(first + i) for i in [0, m): a shuffled batch of local rows. Async.
template <class Space, class IdxView>
void permutedBatch(Space const& space, KeyedPermutation const& perm, std::int64_t first,
                   std::int64_t m, std::int64_t base, IdxView const& idx) {
  using I = typename IdxView::non_const_value_type;
  Kokkos::parallel_for(
      "saddle::kernels::permutedBatch",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        idx(i) = static_cast<I>(
            base + static_cast<std::int64_t>(perm(static_cast<std::uint64_t>(first + i))));
      });
}

} // namespace saddle::kernels
