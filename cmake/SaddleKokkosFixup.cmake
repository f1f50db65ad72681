# Debian 12's Kokkos (Trilinos 13.2, Kokkos 3.4.1) exports Kokkos::kokkos with
# INTERFACE_INCLUDE_DIRECTORIES = <prefix>/include, while its headers live in
# <prefix>/include/trilinos. Kokkos_INCLUDE_DIRS has the right folder; use it when the
# target's path does not hold Kokkos_Core.hpp. A user's Kokkos 4.x is left untouched.
if(TARGET Kokkos::kokkos AND Kokkos_INCLUDE_DIRS)
  get_target_property(_saddle_kokkos_inc Kokkos::kokkos INTERFACE_INCLUDE_DIRECTORIES)
  set(_saddle_kokkos_ok FALSE)
  foreach(_dir IN LISTS _saddle_kokkos_inc)
    if(EXISTS "${_dir}/Kokkos_Core.hpp")
      set(_saddle_kokkos_ok TRUE)
    endif()
  endforeach()
  if(NOT _saddle_kokkos_ok)
    set_property(TARGET Kokkos::kokkos PROPERTY INTERFACE_INCLUDE_DIRECTORIES ${Kokkos_INCLUDE_DIRS})
  endif()
endif()
