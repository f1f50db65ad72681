# The saddle-privacy tool: outputs and exit codes of the built executable.
saddle_add_test(saddle_integration_privacy SOURCES test_privacy_cli.cpp LABELS integration)
target_compile_definitions(saddle_integration_privacy PRIVATE
  SADDLE_PRIVACY_EXE="$<TARGET_FILE:saddle-privacy>")
add_dependencies(saddle_integration_privacy saddle-privacy)
