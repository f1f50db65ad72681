# Privacy accounting (RDP, PLD), calibration, secure noise and the saddle-privacy tool.
target_sources(saddle PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/rdp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ledger.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pld.cpp
  ${CMAKE_CURRENT_LIST_DIR}/detail/pld_grid.cpp
  ${CMAKE_CURRENT_LIST_DIR}/calibration.cpp
  ${CMAKE_CURRENT_LIST_DIR}/secure_gaussian.cpp
  ${CMAKE_CURRENT_LIST_DIR}/privacy_cli.cpp
  ${CMAKE_CURRENT_LIST_DIR}/silo_ledgers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/secure_sampler.cpp)
# CLI11 is header-only and used by privacy_cli.cpp alone: not part of the exported interface.
target_link_libraries(saddle PRIVATE $<BUILD_INTERFACE:CLI11::CLI11>)

add_executable(saddle-privacy ${PROJECT_SOURCE_DIR}/drivers/saddle_privacy.cpp)
target_link_libraries(saddle-privacy PRIVATE saddle::saddle CLI11::CLI11 saddle_warnings)
install(TARGETS saddle-privacy RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
