# Constrained-optimization engine (issue 3): dual optimizers, formulations, schedules, the
# generic min-max loop.
saddle_add_test(saddle_unit_optim
  SOURCES test_optim_dual.cpp test_optim_indexed.cpp test_optim_formulation.cpp
  LABELS unit)
