#pragma once
/// Counter-based random numbers (Random123's Philox4x64-10). A draw is a pure function of
/// (seed, purpose, silo, round, index): no generator state is carried between calls, so any
/// stream is the same on any rank count, any backend and after a restart.
#include <Kokkos_Core.hpp>

#include <Random123/philox.h>

#include "compat.hpp"
#include <cstdint>

namespace saddle::rng {

/// What a stream is used for; part of the key so that streams of different purposes never
/// overlap. Values are stored in checkpoints: never renumber, only append.
enum class Purpose : std::uint64_t {
  DataRow = 1,       ///< synthetic data rows
  Split = 2,         ///< train/test assignment of rows
  Partition = 3,     ///< assignment of rows to silos
  Sample = 4,        ///< Poisson sampling of records per round
  GradNoise = 5,     ///< Gaussian noise on a silo's gradient message
  StatsNoise = 6,    ///< Gaussian noise on a silo's constraint statistics
  Init = 7,          ///< model initialization
  Participation = 8, ///< the silos that take part in a round (federated/participation.hpp)
  Test = 100         ///< tests only
};

/// The identity of one stream. Two streams that differ in any field are independent.
struct Key {
  std::uint64_t seed = 0;
  Purpose purpose = Purpose::Test;
  std::uint64_t silo = 0;
  std::uint64_t round = 0;
};

/// Four independent 64-bit words for (key, index, block).
KOKKOS_INLINE_FUNCTION r123::Philox4x64::ctr_type bits(Key const& key, std::uint64_t index,
                                                       std::uint64_t block = 0) {
  r123::Philox4x64 gen;
  r123::Philox4x64::key_type k = {
      {key.seed, (static_cast<std::uint64_t>(key.purpose) << 48) ^ (key.silo & 0xFFFFFFFFFFFFull)}};
  r123::Philox4x64::ctr_type c = {{key.round, index, block, 0}};
  return gen(c, k);
}

/// Uniform double in [0, 1) from the top 53 bits of a word.
KOKKOS_INLINE_FUNCTION double toUnitOpen(std::uint64_t w) {
  return static_cast<double>(w >> 11) * 0x1.0p-53;
}
/// Uniform double in (0, 1].
KOKKOS_INLINE_FUNCTION double toUnitClosed(std::uint64_t w) {
  return static_cast<double>((w >> 11) + 1) * 0x1.0p-53;
}

/// U[0,1) for (key, index).
KOKKOS_INLINE_FUNCTION double uniform(Key const& key, std::uint64_t index) {
  return toUnitOpen(bits(key, index)[0]);
}

/// Standard normal for (key, index) by the Box-Muller transform of two uniforms.
KOKKOS_INLINE_FUNCTION double normal(Key const& key, std::uint64_t index) {
  auto const r = bits(key, index);
  double const u1 = toUnitClosed(r[0]);
  double const u2 = toUnitOpen(r[1]);
  constexpr double two_pi = 6.283185307179586476925286766559;
  return compat::sqrt(-2.0 * compat::log(u1)) * compat::cos(two_pi * u2);
}

} // namespace saddle::rng
