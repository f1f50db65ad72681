# Reference values for the constrained-optimization engine (issue 3): TAO ALMM, closed forms,
# the nuPI paper's SVM task on Iris, the concave toy of "Adopt constraints over penalties".
# Every program here compares with TAO or certifies with PETSc: PETSc builds only.
if(SADDLE_ENABLE_PETSC)
  saddle_add_test(saddle_reference_optim
    SOURCES test_optim_qp.cpp test_optim_svm.cpp test_optim_concave.cpp
            test_optim_feasible.cpp
    LABELS reference)
endif()
