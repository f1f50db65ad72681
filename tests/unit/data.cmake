# data/: row -> silo partitions, the HDF5 data source and data::load's column options.
saddle_add_test(saddle_unit_partition SOURCES test_partition.cpp LABELS unit)
saddle_add_test(saddle_unit_data_sources SOURCES test_data_hdf5.cpp LABELS unit)
# The test writes its HDF5 files with the HDF5 C API.
target_link_libraries(saddle_unit_data_sources PRIVATE saddle::hdf5)
