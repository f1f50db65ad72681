#pragma once
/// Gaussian noise from the counter-based generator: entry j of a message gets
/// stddev * N(0, 1) drawn at (key, first_index + j), a pure function of the key.
#include <Kokkos_Core.hpp>

#include "rng.hpp"
#include <cstdint>

namespace saddle::kernels {

/// v(offset + j) += stddev * normal(key, first_index + j) for j in [0, n). stddev = 0 adds
/// exact zeros (the noise-free message is reproduced bit for bit). Async on `space`.
template <class Space, class VView>
void addGaussianNoise(Space const& space, VView const& v, std::int64_t offset, std::int64_t n,
                      double stddev, rng::Key const& key, std::uint64_t first_index = 0) {
  Kokkos::parallel_for(
      "saddle::kernels::addGaussianNoise",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t j) {
        v(offset + j) += stddev * rng::normal(key, first_index + static_cast<std::uint64_t>(j));
      });
}

} // namespace saddle::kernels
