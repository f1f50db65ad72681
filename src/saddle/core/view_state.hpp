#pragma once
/// Copies between device Views and the host vectors a State holds (checkpoint-time only).
#include <Kokkos_Core.hpp>

#include <vector>

namespace saddle {

/// Host copy of a rank-1 View (fences through deep_copy).
template <class ViewType> std::vector<double> toStdVector(ViewType const& v) {
  auto const host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, v);
  std::vector<double> out(host.extent(0));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<double>(host(i));
  return out;
}

/// Copy `values` into the rank-1 View `v` (same extent; the caller checks it).
template <class ViewType> void fromStdVector(std::vector<double> const& values, ViewType const& v) {
  auto host = Kokkos::create_mirror_view(v);
  for (std::size_t i = 0; i < values.size(); ++i)
    host(i) = values[i];
  Kokkos::deep_copy(v, host);
}

} // namespace saddle
