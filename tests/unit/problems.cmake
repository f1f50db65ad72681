# Fairness problems of issue 6: rate parity (DP, EO), per-group accuracy, FERMI, metrics.
saddle_add_test(saddle_unit_problems
  SOURCES test_problems_rates.cpp test_problems_fermi.cpp test_problems_metrics.cpp
  LABELS unit)
