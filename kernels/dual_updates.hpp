#pragma once
/// Multiplier updates. Each is one elementwise kernel over the constraints.
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace saddle::kernels {

/// Projected gradient ascent on inequality multipliers:
///   lambda_j <- max(0, lambda_j + eta * violation_j).   Async on `space`.
template <class Space, class LambdaView, class ViolationView>
void projectedAscent(Space const& space, LambdaView const& lambda, ViolationView const& violation,
                     double eta) {
  Kokkos::parallel_for(
      "saddle::kernels::projectedAscent",
      Kokkos::RangePolicy<Space>(space, 0, static_cast<int>(lambda.extent(0))),
      KOKKOS_LAMBDA(int j) {
        double const next = lambda(j) + eta * violation(j);
        lambda(j) = next > 0.0 ? next : 0.0;
      });
}

} // namespace saddle::kernels
