// GoogleTest main for every saddle test program: MPI -> Kokkos -> GTest. Under mpiexec only
// rank 0 prints results, and the exit code is the maximum over ranks of the local failures, so
// a failure on any rank fails the test.
#include "saddle/linalg/petsc_session.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>
#include <mpi.h>

#include <cfenv>
#include <cstdio>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  int result = 1;
  {
    Kokkos::ScopeGuard kokkos(argc, argv);
    saddle::petsc::Session petsc; // PETSc once per process, after Kokkos (linalg/)
    ::testing::InitGoogleTest(&argc, argv);
    if (rank != 0) {
      auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    feenableexcept(FE_INVALID); // a NaN produced on the host is a test failure
#endif
    result = RUN_ALL_TESTS();
    fedisableexcept(FE_ALL_EXCEPT);
  }
  int global = 0;
  MPI_Allreduce(&result, &global, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  if (rank != 0 && result != 0)
    std::fprintf(stderr, "[rank %d] tests failed on this rank\n", rank);
  MPI_Finalize();
  return global;
}
