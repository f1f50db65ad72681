# problems/: the objectives and constraints the Trainer solves.
target_sources(saddle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/factory.cpp
)
