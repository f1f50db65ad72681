#pragma once
/// Dense vector operations of the optimizers.
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace saddle::kernels {

/// y(j) += a * x(j) for j in [0, n), reading x from `x_offset`. Async on `space`.
template <class Space, class YView, class XView>
void axpy(Space const& space, double a, XView const& x, YView const& y, std::int64_t n,
          std::int64_t x_offset = 0) {
  Kokkos::parallel_for(
      "saddle::kernels::axpy",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t j) { y(j) += a * x(x_offset + j); });
}

/// v(j) = 0 for all j. Async on `space`.
template <class Space, class VView> void zero(Space const& space, VView const& v) {
  Kokkos::parallel_for(
      "saddle::kernels::zero",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(
          space, 0, static_cast<std::int64_t>(v.extent(0))),
      KOKKOS_LAMBDA(std::int64_t j) { v(j) = 0; });
}

} // namespace saddle::kernels
