# Hardening (issue 9): numerical guards at extreme inputs, and the fuzzers' corpora and crash
# regressions replayed through the fuzzers' own entry points (fuzz/fuzz_entries.cpp) in every
# build, gcc included (the fuzzers themselves need clang: SADDLE_ENABLE_FUZZERS).
saddle_add_test(saddle_unit_hardening
  SOURCES test_numerical_guards.cpp test_fuzz_regressions.cpp
          ${PROJECT_SOURCE_DIR}/fuzz/fuzz_entries.cpp
  LABELS unit)
target_include_directories(saddle_unit_hardening PRIVATE ${PROJECT_SOURCE_DIR}/fuzz)
target_compile_definitions(saddle_unit_hardening PRIVATE
  SADDLE_FUZZ_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/fuzz")
