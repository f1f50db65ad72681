# Federated algorithms across ranks (issue 6): reproducible aggregation bitwise across rank
# counts, fast within rounding, restart bitwise.
saddle_add_mpi_test(saddle_mpi_federated SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_federated_mpi.cpp
                    NP 1 2 4)
