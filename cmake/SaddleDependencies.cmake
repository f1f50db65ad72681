# All third-party dependencies of saddle, found once. They come from the distribution
# (Debian 12 packages, see README) or from a user's own installs on a cluster.

find_package(Kokkos 3.4 REQUIRED CONFIG)
include(SaddleKokkosFixup)
message(STATUS "saddle: Kokkos ${Kokkos_VERSION} from ${Kokkos_DIR}")

find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(tomlplusplus 3 REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)

# Random123 is header-only and ships no CMake config.
find_path(Random123_INCLUDE_DIR Random123/philox.h REQUIRED)
if(NOT TARGET Random123::Random123)
  add_library(Random123::Random123 INTERFACE IMPORTED)
  set_target_properties(Random123::Random123 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES ${Random123_INCLUDE_DIR})
endif()
