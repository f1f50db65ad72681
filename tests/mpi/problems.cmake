# Fairness problems and metrics (issue 6) across rank counts.
saddle_add_mpi_test(saddle_mpi_problems SOURCES test_problems_mpi.cpp NP 1 2 4)
