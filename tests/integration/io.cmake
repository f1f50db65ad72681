# io/: saddle-inspect, saddle-report, and a checkpoint writer killed mid-write.
saddle_add_test(saddle_integration_io
  SOURCES test_io_tools.cpp test_io_kill.cpp test_report.cpp LABELS integration)
add_dependencies(saddle_integration_io saddle-inspect)
find_program(SADDLE_H5DUMP h5dump)
target_compile_definitions(saddle_integration_io PRIVATE
  SADDLE_INSPECT_EXE="$<TARGET_FILE:saddle-inspect>"
  SADDLE_REPORT_SCRIPT="${PROJECT_SOURCE_DIR}/drivers/saddle-report"
  SADDLE_H5DUMP_EXE="$<$<BOOL:${SADDLE_H5DUMP}>:${SADDLE_H5DUMP}>")
