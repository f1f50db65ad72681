#pragma once
/// The data a rank holds: one split (train or test) of the rows of the silos it owns, on the
/// device, rows grouped by silo; plus the global facts every rank knows (DataInfo).
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/data/partition.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace saddle::data {

/// Rows in host memory, row-major: what loaders and generators produce.
struct Table {
  std::int64_t n_features = 0;
  std::int64_t n_groups = 0;
  std::vector<double> x;            ///< [rows][n_features]
  std::vector<double> y;            ///< [rows], 0 or 1
  std::vector<int> group;           ///< [rows], in [0, n_groups)
  std::vector<std::int64_t> row_id; ///< [rows], global row id (file order / generator index)
  std::vector<std::string> feature_names;
  std::int64_t rows() const { return static_cast<std::int64_t>(y.size()); }
};

/// One split held by this rank, in the default memory space; rows grouped by silo.
struct SiloData {
  Matrix<double> x;                   ///< [n_local][n_features], standardized if asked
  Vector<double> y;                   ///< [n_local], 0 or 1
  Vector<int> group;                  ///< [n_local]
  Vector<double> row_norm;            ///< [n_local], ||[x_i, 1]||_2 (the bias input is 1)
  Vector<std::int64_t> row_id;        ///< [n_local], global row id
  std::vector<std::int64_t> silo_ids; ///< global ids of the silos held here, ascending
  std::vector<std::int64_t>
      silo_offset; ///< rows of silo_ids[k]: [silo_offset[k], silo_offset[k+1])
  std::int64_t rows() const { return static_cast<std::int64_t>(x.extent(0)); }
};

/// Global facts, identical on every rank.
struct DataInfo {
  std::int64_t n_features = 0;
  std::int64_t n_groups = 0;
  std::int64_t n_train = 0;                     ///< rows in the training split, all silos
  std::int64_t n_test = 0;                      ///< rows in the test split, all silos
  std::vector<std::int64_t> train_group_counts; ///< [n_groups], training rows per group
  std::vector<std::int64_t> train_silo_counts;  ///< [n_silos], training rows per silo
  std::vector<std::int64_t> test_silo_counts;   ///< [n_silos], test rows per silo (may be 0)
  std::vector<double> mean, scale;              ///< [n_features] standardization (0/1 if off)
  std::vector<std::string> feature_names;
  std::string description; ///< one line, for the start-up log
};

/// Everything a rank holds.
struct FederatedData {
  DataInfo info;
  SiloPartition silos;
  SiloData train, test;
};

/// Readers of file formats that live in higher layers (DESIGN.md: data/ sits below io/, where
/// HDF5 is called): run/ passes io::readDataHdf5. A missing reader for the deck's data.source is
/// an InputError naming the key.
struct FileReaders {
  std::function<Table(std::string const& path)> hdf5;
};

/// True if global row `row_id` belongs to the test split: a pure function of (seed, row id).
bool isTestRow(std::uint64_t seed, std::int64_t row_id, double test_fraction);

/// Load (csv, hdf5) or generate (synthetic) the deck's data, keep the data.feature_columns,
/// split it by isTestRow, partition each split into silos by silos.partition (assignSilos in
/// partition.hpp: a silo's test rows are dealt by the same rule, and the same Dirichlet shares,
/// as its training rows), keep this rank's silos, standardize with training statistics, and copy
/// to the device. Files are read whole by every rank (no communication while reading).
/// Collective on `comm`. Throws InputError on every rank for bad data (naming file, row and
/// column) or bad settings (naming the deck key), even when only some ranks failed.
FederatedData load(Deck const& deck, mpi::Comm const& comm, FileReaders const& readers = {});

} // namespace saddle::data
