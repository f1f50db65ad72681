# Models beyond logistic regression (issue 5): GLMs (logistic, hinge, squared hinge, least
# squares), softmax regression and MLPs in float and double, with fused DP-SGD kernels.
set(_saddle_model_sources
  ${CMAKE_CURRENT_LIST_DIR}/model_kinds.cpp
  ${CMAKE_CURRENT_LIST_DIR}/glm_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/softmax.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mlp.cpp)
target_sources(saddle PRIVATE ${_saddle_model_sources})

# The model kernels are header templates instantiated in these sources; their host tiles and
# vector loops follow the SIMD width the compiler targets (__AVX512F__, __AVX__). Building for
# the build machine's CPU is what HPC users do on the node type they run on; turn it off to
# build a portable library (or for a login node that differs from the compute nodes).
option(SADDLE_NATIVE_KERNELS
       "Compile the model kernels and saddle-bench with -march=native (build machine's CPU)" ON)
set(SADDLE_NATIVE_FLAG "")
if(SADDLE_NATIVE_KERNELS)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag(-march=native SADDLE_HAVE_MARCH_NATIVE)
  if(SADDLE_HAVE_MARCH_NATIVE)
    set(SADDLE_NATIVE_FLAG -march=native)
    set_source_files_properties(${_saddle_model_sources} TARGET_DIRECTORY saddle
                                PROPERTIES COMPILE_OPTIONS -march=native)
  endif()
endif()
