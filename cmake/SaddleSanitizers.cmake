# SADDLE_SANITIZE: sanitizers for saddle's own targets (the library, drivers, tests, fuzzers),
# a list such as "address;undefined" (also "leak", "thread"; empty = none). Dependencies are
# the distribution's uninstrumented builds; what they leak under ASan is listed, with reasons,
# in tests/sanitizers/ (see tests/sanitizers/README.md).
#
# Every sanitizer is compiled with -fno-omit-frame-pointer (readable stacks). UndefinedBehavior-
# Sanitizer runs with -fno-sanitize-recover: a finding aborts the process, so it fails the test
# instead of scrolling past in a log. Use an optimized build with line tables (the CI stage uses
# RelWithDebInfo with -O1 -g1): -O0 makes the Kokkos kernels too slow for the test suite.
set(SADDLE_SANITIZE "" CACHE STRING
    "Sanitizers for saddle's own targets, e.g. \"address;undefined\" (empty: none)")

if(SADDLE_SANITIZE)
  set(_saddle_known_sanitizers address undefined leak thread)
  foreach(_s IN LISTS SADDLE_SANITIZE)
    if(NOT _s IN_LIST _saddle_known_sanitizers)
      message(FATAL_ERROR "saddle: SADDLE_SANITIZE entry '${_s}' is not one of "
                          "${_saddle_known_sanitizers}")
    endif()
  endforeach()
  if("thread" IN_LIST SADDLE_SANITIZE AND ("address" IN_LIST SADDLE_SANITIZE OR
                                           "leak" IN_LIST SADDLE_SANITIZE))
    message(FATAL_ERROR "saddle: SADDLE_SANITIZE: thread cannot be combined with address or leak")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    message(FATAL_ERROR "saddle: SADDLE_SANITIZE needs GCC or Clang, not ${CMAKE_CXX_COMPILER_ID}")
  endif()
  string(REPLACE ";" "," _saddle_sanitizers "${SADDLE_SANITIZE}")
  set(SADDLE_SANITIZER_FLAGS -fsanitize=${_saddle_sanitizers} -fno-omit-frame-pointer)
  if("undefined" IN_LIST SADDLE_SANITIZE)
    list(APPEND SADDLE_SANITIZER_FLAGS -fno-sanitize-recover=undefined)
  endif()
  # Directory scope, before any target is made: every target of this project (and only those:
  # dependencies are prebuilt) is compiled and linked with the sanitizers.
  add_compile_options(${SADDLE_SANITIZER_FLAGS})
  # GCC's -Wmaybe-uninitialized is unreliable with sanitizer instrumentation (GCC's manual says
  # so; GCC 12 flags std::regex and std::function internals), which -Werror would make fatal.
  # The normal build keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-maybe-uninitialized>)
  endif()
  add_link_options(${SADDLE_SANITIZER_FLAGS})
  message(STATUS "saddle: sanitizers ${_saddle_sanitizers} (${SADDLE_SANITIZER_FLAGS})")
endif()
