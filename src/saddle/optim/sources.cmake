# Constrained-optimization engine: dual optimizers, formulations, schedules, the generic
# min-max loop on host-callback problems (issue 3).
target_sources(saddle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/deck_configs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/constrained_problem.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dual_optimizer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dual_optimizers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/feasible_learning.cpp
  ${CMAKE_CURRENT_LIST_DIR}/formulation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gda.cpp
  ${CMAKE_CURRENT_LIST_DIR}/host_primal.cpp
  ${CMAKE_CURRENT_LIST_DIR}/schedule.cpp
)
