# saddle-cmp (issue 3): small constrained problems from a deck, solved by the min-max loop and
# compared with PETSc/TAO's reference solution.
target_sources(saddle PRIVATE ${CMAKE_CURRENT_LIST_DIR}/cmp_app.cpp)

add_executable(saddle-cmp ${PROJECT_SOURCE_DIR}/drivers/saddle_cmp.cpp)
target_link_libraries(saddle-cmp PRIVATE saddle::saddle CLI11::CLI11 saddle_warnings)
install(TARGETS saddle-cmp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
