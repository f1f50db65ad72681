# Indexed multipliers partitioned with their samples over ranks (issue 3).
saddle_add_mpi_test(saddle_mpi_optim SOURCES test_optim_indexed_mpi.cpp NP 1 2 4 LABELS optim)
