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

find_package(PkgConfig REQUIRED)

# PETSc (linalg/ only; src/saddle/linalg/sources.cmake links it). Its pkg-config file names no
# MPI flags: link MPI explicitly. Debian's PETSc pulls in Trilinos' Kokkos 3.4 (through ML): with
# a user's Kokkos 4 a process would hold two Kokkos, so such builds turn PETSc off.
if(SADDLE_ENABLE_PETSC)
  pkg_check_modules(PETSc REQUIRED IMPORTED_TARGET PETSc)
  if(Kokkos_VERSION VERSION_GREATER_EQUAL 4.0)
    message(WARNING "saddle: SADDLE_ENABLE_PETSC=ON with Kokkos ${Kokkos_VERSION}: a PETSc that "
                    "links another Kokkos (Debian's, through Trilinos ML) loads a second Kokkos "
                    "into every process; configure with -DSADDLE_ENABLE_PETSC=OFF unless this "
                    "PETSc was built without Kokkos or against this one")
  endif()
else()
  message(STATUS "saddle: PETSc disabled (SADDLE_ENABLE_PETSC=OFF): no TAO reference solver, "
                 "no KKT certificate")
endif()

# Parallel HDF5 (io/ only), the Open MPI flavour on Debian.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "saddle: HDF5 at ${HDF5_INCLUDE_DIRS} is serial; saddle needs parallel HDF5 "
                      "(Debian: libhdf5-openmpi-dev)")
endif()
if(NOT TARGET saddle::hdf5)
  add_library(saddle::hdf5 INTERFACE IMPORTED)
  set_target_properties(saddle::hdf5 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${HDF5_C_INCLUDE_DIRS}"
    INTERFACE_LINK_LIBRARIES "${HDF5_C_LIBRARIES}"
    INTERFACE_COMPILE_DEFINITIONS "${HDF5_C_DEFINITIONS}")
endif()

# FFTW (the PLD accountant's convolutions) and libsodium (secure-mode randomness).
pkg_check_modules(FFTW REQUIRED IMPORTED_TARGET fftw3)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
