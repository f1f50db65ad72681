# Federated rounds (issue 6): partial participation, the algorithms (noisy minibatch SGD, noisy
# local SGD, noisy SPIDER) and the exact fixed-point sums of the reproducible aggregation.
# federation.cpp is in the top-level list.
target_sources(saddle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/algorithm.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fixed_point.cpp
  ${CMAKE_CURRENT_LIST_DIR}/local_sgd.cpp
  ${CMAKE_CURRENT_LIST_DIR}/participation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/spider.cpp)
