# Hardening (issue 9): the bad-input matrix. Every deck key with a wrong type and an out-of-range
# value, bad data files and bad checkpoints through saddle-train's application: exit code 2, a
# message naming the file and the line, row, column or key, nothing already written lost.
saddle_add_test(saddle_integration_bad_input
  SOURCES test_bad_input_deck.cpp test_bad_input_data.cpp test_bad_input_checkpoint.cpp
  LABELS integration)
