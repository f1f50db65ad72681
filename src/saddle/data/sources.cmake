# data/: further sources of the saddle library (csv, dataset, partition, sampler and synthetic
# are listed in the top-level CMakeLists.txt).
target_sources(saddle PRIVATE
  ${PROJECT_SOURCE_DIR}/src/saddle/data/table_source.cpp
)
