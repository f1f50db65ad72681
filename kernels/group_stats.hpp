#pragma once
/// Per-group statistics of a batch: how many records of each group (or each (label, group)
/// cell), how many of them the model predicts positive (z > 0), how many it gets wrong, and
/// the sums of its soft predictions. Counts are integers held in doubles (exact below 2^53),
/// accumulated with atomics, so they do not depend on the order of the additions. Each kernel
/// costs O(batch) (one atomic per statistic per record), whatever the number of groups.
#include <Kokkos_Core.hpp>

#include "glm.hpp"
#include "rate_proxy.hpp"
#include <cstdint>
#include <type_traits>

namespace saddle::kernels {

/// The hard prediction yhat = 1[z > 0] disagrees with the label y (y > 0.5 is label 1).
KOKKOS_INLINE_FUNCTION bool isError(double z, double y) {
  return (z > 0.0) != (y > 0.5);
}

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

/// Cell counts and positives: with C = n_groups (or 2 n_groups when conditioned on the label)
/// and c_i = rateCell(...) of row idx(i): out(offset + c_i) += 1, out(offset + C + c_i) +=
/// 1[z(i) > 0]. Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class OutView>
void cellPositiveCounts(Space const& space, GroupView const& group, YView const& y,
                        IndexView const& idx, std::int64_t m, ZView const& z, int n_groups,
                        bool conditioned, OutView const& out, std::int64_t offset = 0) {
  std::int64_t const n_cells = conditioned ? 2 * n_groups : n_groups;
  Kokkos::parallel_for(
      "saddle::kernels::cellPositiveCounts",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const r = idx(i);
        int const c = rateCell(group(r), y(r), n_groups, conditioned);
        Kokkos::atomic_add(&out(offset + c), 1.0);
        if (z(i) > 0.0)
          Kokkos::atomic_add(&out(offset + n_cells + c), 1.0);
      });
}

/// Per-group error counts: out(offset + g) += 1 (count), out(offset + k + g) += isError(z(i))
/// (errors of the model) and, when with_reference, out(offset + 2k + g) += isError(z_ref(i))
/// (errors of a reference model; z_ref indexed like z). k = n_groups. Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class ZRefView,
          class OutView>
void groupErrorCounts(Space const& space, GroupView const& group, YView const& y,
                      IndexView const& idx, std::int64_t m, ZView const& z, ZRefView const& z_ref,
                      bool with_reference, int n_groups, OutView const& out,
                      std::int64_t offset = 0) {
  Kokkos::parallel_for(
      "saddle::kernels::groupErrorCounts",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const r = idx(i);
        int const g = group(r);
        Kokkos::atomic_add(&out(offset + g), 1.0);
        if (isError(z(i), y(r)))
          Kokkos::atomic_add(&out(offset + n_groups + g), 1.0);
        if (with_reference && isError(z_ref(i), y(r)))
          Kokkos::atomic_add(&out(offset + 2 * n_groups + g), 1.0);
      });
}

/// Fixed-point scale of soft sums: p in [0, 1] is held as round(p * 2^32) in an int64, so that
/// atomic sums are exact and independent of the order of the additions (bitwise reproducible
/// on every backend, thread and rank count) for up to 2^31 records per sum; the rounding error
/// is at most 2^-33 per record.
constexpr double kFixedPointScale = 4294967296.0; // 2^32

/// round(p * 2^32) for p in [0, 1].
KOKKOS_INLINE_FUNCTION std::int64_t toFixedPoint(double p) {
  return static_cast<std::int64_t>(p * kFixedPointScale + 0.5);
}

/// Everything the evaluation needs, per (label, group) cell c = y * k + g (C = 2k cells, k =
/// n_groups), as exact integers: out(c) += 1, out(C + c) += 1[z > 0], out(2C + c) +=
/// toFixedPoint(sigmoid(z)) (soft positives, divide by kFixedPointScale), out(3C + c) +=
/// 1[correct]. out: [4C], zeroed by the caller. Async on `space`.
template <class Space, class GroupView, class YView, class IndexView, class ZView, class OutView>
void labelGroupSummary(Space const& space, GroupView const& group, YView const& y,
                       IndexView const& idx, std::int64_t m, ZView const& z, int n_groups,
                       OutView const& out) {
  static_assert(std::is_same_v<typename OutView::non_const_value_type, std::int64_t>,
                "saddle::kernels::labelGroupSummary: out holds exact int64 sums");
  int const n_cells = 2 * n_groups;
  Kokkos::parallel_for(
      "saddle::kernels::labelGroupSummary",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, m),
      KOKKOS_LAMBDA(std::int64_t i) {
        auto const r = idx(i);
        int const c = rateCell(group(r), y(r), n_groups, true);
        Kokkos::atomic_add(&out(c), std::int64_t(1));
        if (z(i) > 0.0)
          Kokkos::atomic_add(&out(n_cells + c), std::int64_t(1));
        Kokkos::atomic_add(&out(2 * n_cells + c), toFixedPoint(sigmoid(z(i))));
        if (!isError(z(i), y(r)))
          Kokkos::atomic_add(&out(3 * n_cells + c), std::int64_t(1));
      });
}

} // namespace saddle::kernels
