# PETSc session, TAO ALMM reference solver, KKT certificate (issue 3); PETSc builds only.
if(SADDLE_ENABLE_PETSC)
  saddle_add_test(saddle_unit_linalg SOURCES test_linalg_petsc.cpp LABELS unit)
endif()
