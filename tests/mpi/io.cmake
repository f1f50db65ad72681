# io/: parallel checkpoints written at np ranks and read under other partitions of the silos.
saddle_add_mpi_test(saddle_mpi_io SOURCES test_io_mpi.cpp NP 1 2 4)
