# Hardening (issue 9): failure paths under MPI. One serial test program that launches
# saddle-train under mpiexec on 2 ranks (MPMD: one rank gets another command line) inside
# `timeout`, so a hang fails the test instead of stalling ctest.
saddle_add_test(saddle_mpi_failure_paths SOURCES test_failure_paths_mpi.cpp LABELS mpi integration)
set_tests_properties(saddle_mpi_failure_paths PROPERTIES PROCESSORS 2 TIMEOUT 240)
