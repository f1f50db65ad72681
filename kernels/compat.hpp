#pragma once
/// The few API differences between Kokkos 3.4 (Debian 12) and Kokkos 4.x (clusters: OpenMP,
/// CUDA, HIP), in one place. Device code calls saddle::compat::<fn>, never std:: math.
#include <Kokkos_Core.hpp>

#include <string>

namespace saddle::compat {

#if KOKKOS_VERSION >= 30700
#define SADDLE_KOKKOS_MATH_NS Kokkos
#else
#define SADDLE_KOKKOS_MATH_NS Kokkos::Experimental
#endif

template <class T> KOKKOS_INLINE_FUNCTION T sqrt(T x) {
  return SADDLE_KOKKOS_MATH_NS::sqrt(x);
}
template <class T> KOKKOS_INLINE_FUNCTION T exp(T x) {
  return SADDLE_KOKKOS_MATH_NS::exp(x);
}
template <class T> KOKKOS_INLINE_FUNCTION T log(T x) {
  return SADDLE_KOKKOS_MATH_NS::log(x);
}
template <class T> KOKKOS_INLINE_FUNCTION T log1p(T x) {
  return SADDLE_KOKKOS_MATH_NS::log1p(x);
}
template <class T> KOKKOS_INLINE_FUNCTION T fabs(T x) {
  return SADDLE_KOKKOS_MATH_NS::fabs(x);
}
template <class T> KOKKOS_INLINE_FUNCTION T cos(T x) {
  return SADDLE_KOKKOS_MATH_NS::cos(x);
}
template <class T> KOKKOS_INLINE_FUNCTION T sin(T x) {
  return SADDLE_KOKKOS_MATH_NS::sin(x);
}
template <class T> KOKKOS_INLINE_FUNCTION bool isfinite(T x) {
  return SADDLE_KOKKOS_MATH_NS::isfinite(x);
}

#undef SADDLE_KOKKOS_MATH_NS

/// Fence an execution-space instance with a label (named fences exist since Kokkos 3.5).
template <class Space> void fence(Space const& space, char const* label) {
#if KOKKOS_VERSION >= 30500
  space.fence(label);
#else
  (void)label;
  space.fence();
#endif
}

/// Profiling region for the lifetime of the object (Kokkos::Profiling::ScopedRegion since 3.7).
#if KOKKOS_VERSION >= 30700
} // namespace saddle::compat
#include <Kokkos_Profiling_ScopedRegion.hpp>
namespace saddle::compat {
using ScopedRegion = Kokkos::Profiling::ScopedRegion;
#else
class ScopedRegion {
public:
  explicit ScopedRegion(std::string const& name) { Kokkos::Profiling::pushRegion(name); }
  ~ScopedRegion() { Kokkos::Profiling::popRegion(); }
  ScopedRegion(ScopedRegion const&) = delete;
  ScopedRegion& operator=(ScopedRegion const&) = delete;
};
#endif

} // namespace saddle::compat

/// printf from device code (Kokkos::printf since 4.2).
#if KOKKOS_VERSION >= 40200
#define SADDLE_DEVICE_PRINTF(...) Kokkos::printf(__VA_ARGS__)
#else
#define SADDLE_DEVICE_PRINTF(...) KOKKOS_IMPL_DO_NOT_USE_PRINTF(__VA_ARGS__)
#endif
