#pragma once
/// Default spaces and the View types of saddle, named once. Only drivers and tests name a
/// concrete execution space; kernels take an execution-space instance as first argument.
#include <Kokkos_Core.hpp>

#include <cstdint>

namespace saddle {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using HostSpace = Kokkos::HostSpace;

/// Dense row-major matrix [row][col] in the default memory space.
template <class T, class Space = MemSpace>
using Matrix = Kokkos::View<T**, Kokkos::LayoutRight, Space>;
/// Vector [i] in the default memory space.
template <class T, class Space = MemSpace> using Vector = Kokkos::View<T*, Space>;

/// Host mirror of a View, same layout.
template <class T> using HostVector = Kokkos::View<T*, HostSpace>;

} // namespace saddle
