# io/: checkpoints and history on one rank.
saddle_add_test(saddle_unit_io SOURCES test_io_checkpoint.cpp test_io_history.cpp LABELS unit)
