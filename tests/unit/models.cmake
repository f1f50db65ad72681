# Models and fast per-sample kernels (issue 5): every kernel against host oracles that form the
# per-sample gradients, typed over the execution spaces of the Kokkos build and float/double.
saddle_add_test(saddle_unit_models
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_models_oracles.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_models_glm.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_models_gemm.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_models_mlp.cpp
          ${CMAKE_CURRENT_LIST_DIR}/test_models_noise.cpp
  LABELS unit)
# The oracles' header sits beside the tests.
target_include_directories(saddle_unit_models PRIVATE ${CMAKE_CURRENT_LIST_DIR})
# The trainer's least-squares classifier and the ridge step of Sgd (issue 6).
saddle_add_test(saddle_unit_models_least_squares
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_models_least_squares.cpp LABELS unit)
