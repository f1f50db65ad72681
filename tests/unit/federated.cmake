# Silos and rounds (issue 6): participation, exact fixed-point sums, per-silo ledgers.
saddle_add_test(saddle_unit_federated SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_federated.cpp
                LABELS unit)
