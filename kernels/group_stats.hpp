#pragma once
/// Per-group statistics of a batch: how many records of each group, and how many of them the
/// model predicts positive (z > 0). Counts are integers held in doubles (exact below 2^53),
/// accumulated with atomics, so the result does not depend on the order of the additions.
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace saddle::kernels {

/// out(offset + g) += #{i : group(idx(i)) = g} and out(offset + n_groups + g) +=
/// #{i : group(idx(i)) = g, z(i) > 0}, for i in [0, m). Async on `space`.
template <class Space, class GroupView, class IndexView, class ZView, class OutView>
void groupPositiveCounts(Space const& space, GroupView const& group, IndexView const& idx,
                         std::int64_t m, ZView const& z, int n_groups, OutView const& out,
                         std::int64_t offset = 0) {
  Kokkos::parallel_for(
      "saddle::kernels::groupPositiveCounts",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        int const g = group(idx(i));
        Kokkos::atomic_add(&out(offset + g), 1.0);
        if (z(i) > 0.0)
          Kokkos::atomic_add(&out(offset + n_groups + g), 1.0);
      });
}

} // namespace saddle::kernels
