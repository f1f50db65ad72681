# PETSc session, TAO ALMM reference solver, KKT certificate (issue 3).
saddle_add_test(saddle_unit_linalg SOURCES test_linalg_petsc.cpp LABELS unit)
