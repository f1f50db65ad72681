#pragma once
/// The STREAM triad a(i) = b(i) + s c(i): what saddle-bench measures the memory bandwidth of
/// an execution space with (24 bytes moved per double entry, write-allocate not counted, as
/// STREAM counts).
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace saddle::kernels {

/// a(i) = b(i) + s c(i) for every i. Async on `space`.
template <class Space, class AView, class BView, class CView>
void streamTriad(Space const& space, AView const& a, BView const& b, CView const& c, double s) {
  using T = typename AView::non_const_value_type;
  T const st = static_cast<T>(s);
  Kokkos::parallel_for(
      "saddle::kernels::streamTriad",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(
          space, 0, static_cast<std::int64_t>(a.extent(0))),
      KOKKOS_LAMBDA(std::int64_t i) { a(i) = b(i) + st * c(i); });
}

} // namespace saddle::kernels
