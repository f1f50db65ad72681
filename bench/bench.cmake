# saddle-bench (issue 5): Google Benchmark program of the DP-SGD, constrained and dual-update
# workloads with the machine's triad bandwidth and GEMM rate measured in the same run. Included
# from the top level when SADDLE_ENABLE_BENCHMARKS is ON (after find_package(benchmark)).
add_executable(saddle-bench
  ${CMAKE_CURRENT_LIST_DIR}/bench_main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_data.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_machine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_dpsgd.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_federated.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_accountant.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bench_summary.cpp)
target_include_directories(saddle-bench PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(saddle-bench PRIVATE saddle::saddle benchmark::benchmark saddle_warnings)
# The kernels instantiated here follow the same target as the model sources of the library
# (SADDLE_NATIVE_KERNELS in src/saddle/models/sources.cmake).
if(SADDLE_NATIVE_FLAG)
  target_compile_options(saddle-bench PRIVATE ${SADDLE_NATIVE_FLAG})
endif()
install(TARGETS saddle-bench RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Smoke run under ctest, label "bench" only (not part of `ctest -LE bench`): tiny sizes.
if(SADDLE_ENABLE_TESTS)
  add_test(NAME saddle_bench_smoke
           COMMAND saddle-bench --saddle_scale=0.01 --benchmark_min_time=0.01)
  set_tests_properties(saddle_bench_smoke PROPERTIES LABELS bench TIMEOUT 300)
endif()
