# saddle-cmp (issue 3) on the decks inputs/{svm_nupi,feasible_learning,alm_vs_optimism}.toml:
# exit codes, outputs, and the figures each deck shows.
# The decks' figures are checked against TAO's reference solutions: PETSc builds only.
if(SADDLE_ENABLE_PETSC)
saddle_add_test(saddle_integration_cmp SOURCES test_cmp_decks.cpp LABELS integration)
target_compile_definitions(saddle_integration_cmp PRIVATE SADDLE_CMP_EXE="$<TARGET_FILE:saddle-cmp>")
add_dependencies(saddle_integration_cmp saddle-cmp)
endif()
