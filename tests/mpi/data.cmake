# data/: every row -> silo scheme holds the same silos at np 1, 2 and 4.
saddle_add_mpi_test(saddle_mpi_partition SOURCES test_partition_mpi.cpp NP 1 2 4)
