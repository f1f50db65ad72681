# saddle-train with each federated algorithm (issue 6): runs, partial participation, restart.
saddle_add_test(saddle_integration_federated
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_federated_train.cpp LABELS integration)
