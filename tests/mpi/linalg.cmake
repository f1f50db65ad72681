# Exact ridge reference of least-squares runs (issue 6): KSP against a host Cholesky solve and
# across rank counts; non-private and private least-squares runs against it.
saddle_add_mpi_test(saddle_mpi_ridge SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ridge_mpi.cpp
                    NP 1 2 4 LABELS linalg)
