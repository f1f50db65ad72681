# problems/: the objectives and constraints the Trainer solves. (demographic_parity.cpp is
# listed in the top-level CMakeLists.txt.)
target_sources(saddle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/factory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fermi.cpp
  ${CMAKE_CURRENT_LIST_DIR}/group_accuracy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rate_parity.cpp
)
