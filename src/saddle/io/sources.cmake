# io/: parallel-HDF5 checkpoints, HDF5 history, saddle-inspect and saddle-report.
target_sources(saddle PRIVATE
  ${PROJECT_SOURCE_DIR}/src/saddle/io/hdf5.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/detail/h5_util.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/checkpoint_write.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/checkpoint_read.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/checkpoint_files.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/history.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/inspect.cpp
  ${PROJECT_SOURCE_DIR}/src/saddle/io/data_hdf5.cpp
)

# saddle-inspect FILE [--verify]: summary and verification of a checkpoint.
add_executable(saddle-inspect ${PROJECT_SOURCE_DIR}/drivers/saddle_inspect.cpp)
target_link_libraries(saddle-inspect PRIVATE saddle::saddle CLI11::CLI11 saddle_warnings)

# saddle-report RUN_DIR: plots and a summary of a run (Python 3, h5py, matplotlib).
install(TARGETS saddle-inspect RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/drivers/saddle-report DESTINATION ${CMAKE_INSTALL_BINDIR})
