#pragma once
/// Poisson sampling of records: each record is in the batch independently with probability q,
/// decided by a counter-based draw keyed by its global row id, so the batch is the same on any
/// rank count and after a restart.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include "rng.hpp"
#include <cstdint>

namespace saddle::kernels {

/// Writes into idx[0, m) the local row indices r in [begin, end) with
/// uniform(key, row_id(r)) < q, in ascending order, and returns m (fences `space`: the batch
/// size is needed on the host to size the launches that follow). idx: [>= end - begin].
template <class Space, class RowIdView, class IndexView>
std::int64_t poissonSample(Space const& space, RowIdView const& row_id, std::int64_t begin,
                           std::int64_t end, double q, rng::Key const& key, IndexView const& idx) {
  static_assert(Kokkos::SpaceAccessibility<Space, typename IndexView::memory_space>::accessible,
                "saddle::kernels::poissonSample: idx must be accessible from the space");
  std::int64_t m = 0;
  Kokkos::parallel_scan(
      "saddle::kernels::poissonSample",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, begin, end),
      KOKKOS_LAMBDA(std::int64_t r, std::int64_t & pos, bool final) {
        bool const take = rng::uniform(key, static_cast<std::uint64_t>(row_id(r))) < q;
        if (take) {
          if (final)
            idx(pos) = r;
          pos += 1;
        }
      },
      m);
  compat::fence(space, "saddle::kernels::poissonSample: batch size to host");
  return m;
}

/// idx(i) = begin + i for i in [0, end - begin): the whole range as a "batch" (evaluation).
template <class Space, class IndexView>
void iotaIndex(Space const& space, std::int64_t begin, std::int64_t end, IndexView const& idx) {
  Kokkos::parallel_for(
      "saddle::kernels::iotaIndex",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, end - begin),
      KOKKOS_LAMBDA(std::int64_t i) { idx(i) = begin + i; });
}

} // namespace saddle::kernels
