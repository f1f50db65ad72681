// Unit tests of the HDF5 data source (io/data_hdf5.hpp) and of data::load's file options:
// an HDF5 file written here with the HDF5 C API loads to the same table, and the same silos, as
// the CSV it was made from; bad files fail with InputError naming file, dataset, row and column;
// data.feature_columns and silos.feature select and name columns.
#include "saddle/core/error.hpp"
#include "saddle/data/csv.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/io/data_hdf5.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "support/helpers.hpp"
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

namespace {

using saddle::data::Table;

std::string const kSlid = std::string(SADDLE_TEST_DATA_DIR) + "/slid.csv";
/// data/ sits below io/: the HDF5 reader is handed to data::load, as run/experiment does.
saddle::data::FileReaders const kReaders{&saddle::io::readDataHdf5};

/// How to write a table: which HDF5 types, and which damage to do.
struct Layout {
  hid_t x_type = H5T_NATIVE_DOUBLE; ///< memory and file type of X
  hid_t y_type = H5T_NATIVE_DOUBLE; ///< of y
  hid_t s_type = H5T_NATIVE_INT64;  ///< of s
  bool names = true;                ///< write feature_names (variable-length string array)
  bool write_y = true;
  std::size_t y_rows_less = 0; ///< y shorter than X by this many rows
};

/// Write a 1-D or 2-D dataset `name` of `values` (converted to `type` first).
void writeDataset(hid_t file, char const* name, std::vector<double> const& values,
                  std::vector<hsize_t> const& shape, hid_t type) {
  hid_t const space = H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr);
  hid_t const set = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(set, 0);
  if (H5Tequal(type, H5T_NATIVE_DOUBLE) > 0) {
    H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  } else if (H5Tequal(type, H5T_NATIVE_FLOAT) > 0) {
    std::vector<float> f(values.begin(), values.end());
    H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, f.data());
  } else {
    std::vector<long long> i(values.begin(), values.end());
    H5Dwrite(set, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, i.data());
  }
  H5Dclose(set);
  H5Sclose(space);
}

void writeNames(hid_t file, std::vector<std::string> const& names) {
  hid_t const set = H5Dopen2(file, "X", H5P_DEFAULT);
  hid_t const type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  hsize_t const n = names.size();
  hid_t const space = H5Screate_simple(1, &n, nullptr);
  hid_t const attr = H5Acreate2(set, "feature_names", type, space, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<char const*> text;
  for (auto const& name : names)
    text.push_back(name.c_str());
  H5Awrite(attr, type, text.data());
  H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(set);
}

/// Write `table` as an HDF5 data file at `path` (X, y, s, feature_names on X).
void writeTable(std::string const& path, Table const& table, Layout const& layout = {}) {
  hid_t const file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0) << path;
  auto const n = static_cast<hsize_t>(table.rows());
  writeDataset(file, "X", table.x, {n, static_cast<hsize_t>(table.n_features)}, layout.x_type);
  if (layout.write_y) {
    std::vector<double> y(table.y.begin(), table.y.end() - static_cast<long>(layout.y_rows_less));
    writeDataset(file, "y", y, {n - layout.y_rows_less}, layout.y_type);
  }
  writeDataset(file, "s", std::vector<double>(table.group.begin(), table.group.end()), {n},
               layout.s_type);
  if (layout.names)
    writeNames(file, table.feature_names);
  H5Fclose(file);
}

Table smallTable() {
  Table t;
  t.n_features = 3;
  t.n_groups = 3;
  t.feature_names = {"a", "b", "c"};
  for (int i = 0; i < 12; ++i) {
    for (int j = 0; j < 3; ++j)
      t.x.push_back(0.25 * i - j);
    t.y.push_back(i % 2);
    t.group.push_back(i % 3);
    t.row_id.push_back(i);
  }
  return t;
}

/// The message of the InputError that `f` throws ("" if none).
template <class F> std::string inputError(F&& f) {
  try {
    f();
  } catch (saddle::InputError const& e) {
    return e.what();
  }
  return "";
}

void expectSameTable(Table const& a, Table const& b) {
  EXPECT_EQ(a.n_features, b.n_features);
  EXPECT_EQ(a.n_groups, b.n_groups);
  EXPECT_EQ(a.feature_names, b.feature_names);
  EXPECT_EQ(a.x, b.x); // bitwise: both are the doubles strtod / HDF5 stored
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.group, b.group);
  EXPECT_EQ(a.row_id, b.row_id);
}

TEST(DataHdf5, RoundTripOfSlidEqualsTheCsv) {
  Table const csv = saddle::data::loadCsv(kSlid, "label", "");
  std::string const path = saddle::test::freshDir("data_hdf5_roundtrip") + "/slid.h5";
  writeTable(path, csv);
  expectSameTable(saddle::io::readDataHdf5(path), csv);
  // float32 X, integer y, float s and no names: values converted, names x0, x1, ...
  Table const small = smallTable();
  Layout layout;
  layout.x_type = H5T_NATIVE_FLOAT;
  layout.y_type = H5T_NATIVE_INT;
  layout.s_type = H5T_NATIVE_DOUBLE;
  layout.names = false;
  writeTable(path, small, layout);
  Table const read = saddle::io::readDataHdf5(path);
  EXPECT_EQ(read.x, small.x); // quarter steps are exact in float32
  EXPECT_EQ(read.y, small.y);
  EXPECT_EQ(read.group, small.group);
  EXPECT_EQ(read.feature_names, (std::vector<std::string>{"x0", "x1", "x2"}));
}

saddle::Deck fileDeck(std::string const& source, std::string const& path,
                      std::string const& partition) {
  saddle::Deck deck;
  deck.data.source = source;
  deck.data.path = path;
  deck.silos.count = 7;
  deck.silos.partition = partition;
  deck.silos.alpha = 0.3;
  deck.silos.heterogeneity = 0.7;
  deck.silos.feature = "education";
  deck.run.seed = 5;
  return deck;
}

void expectSameSplit(saddle::data::SiloData const& a, saddle::data::SiloData const& b) {
  using saddle::test::toHost;
  EXPECT_EQ(a.silo_offset, b.silo_offset);
  EXPECT_EQ(toHost(a.row_id), toHost(b.row_id));
  EXPECT_EQ(toHost(a.y), toHost(b.y));
  EXPECT_EQ(toHost(a.group), toHost(b.group));
  auto const xa = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, a.x);
  auto const xb = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, b.x);
  ASSERT_EQ(xa.extent(0), xb.extent(0));
  for (std::size_t i = 0; i < xa.extent(0); ++i)
    for (std::size_t j = 0; j < xa.extent(1); ++j)
      ASSERT_EQ(xa(i, j), xb(i, j));
}

TEST(DataHdf5, LoadFromHdf5EqualsLoadFromCsvForEveryPartition) {
  saddle::mpi::Comm const comm = saddle::mpi::Comm::self();
  std::string const path = saddle::test::freshDir("data_hdf5_load") + "/slid.h5";
  writeTable(path, saddle::data::loadCsv(kSlid, "label", ""));
  for (std::string const partition : {"iid", "dirichlet", "group", "quantile"}) {
    SCOPED_TRACE(partition);
    auto const from_csv = saddle::data::load(fileDeck("csv", kSlid, partition), comm);
    auto const from_h5 = saddle::data::load(fileDeck("hdf5", path, partition), comm, kReaders);
    EXPECT_EQ(from_csv.info.train_silo_counts, from_h5.info.train_silo_counts);
    EXPECT_EQ(from_csv.info.test_silo_counts, from_h5.info.test_silo_counts);
    EXPECT_EQ(from_csv.info.mean, from_h5.info.mean);
    EXPECT_EQ(from_csv.info.scale, from_h5.info.scale);
    EXPECT_EQ(from_csv.info.feature_names, from_h5.info.feature_names);
    expectSameSplit(from_csv.train, from_h5.train);
    expectSameSplit(from_csv.test, from_h5.test);
    auto const& counts = from_h5.info.test_silo_counts;
    EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), std::int64_t{0}), from_h5.info.n_test);
    for (auto const c : from_h5.info.train_silo_counts)
      EXPECT_GT(c, 0);
  }
}

TEST(DataHdf5, BadFilesNameFileDatasetRowAndColumn) {
  std::string const dir = saddle::test::freshDir("data_hdf5_bad");
  std::string const path = dir + "/bad.h5";
  auto const read = [&] { return inputError([&] { saddle::io::readDataHdf5(path); }); };
  auto const expectHas = [](std::string const& message, std::vector<std::string> const& parts) {
    EXPECT_FALSE(message.empty()) << "no InputError";
    for (auto const& part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
  };
  Table t = smallTable();
  t.x[4 * 3 + 2] = std::numeric_limits<double>::quiet_NaN();
  writeTable(path, t);
  expectHas(read(), {path, "dataset 'X'", "row 4", "column 2", "'c'", "not finite"});
  t = smallTable();
  t.x[0] = std::numeric_limits<double>::infinity();
  writeTable(path, t);
  expectHas(read(), {path, "dataset 'X'", "row 0", "column 0", "inf"});
  t = smallTable();
  t.y[5] = 2.0;
  writeTable(path, t);
  expectHas(read(), {path, "dataset 'y'", "row 5", "must be 0 or 1"});
  t = smallTable();
  t.group[7] = -1;
  writeTable(path, t);
  expectHas(read(), {path, "dataset 's'", "row 7", "-1", "not a valid group"});
  Layout s_float;
  s_float.s_type = H5T_NATIVE_DOUBLE;
  Table half = smallTable();
  writeTable(path, half, s_float);
  EXPECT_EQ(read(), ""); // integral floats are fine groups
  Layout short_y;
  short_y.y_rows_less = 2;
  writeTable(path, smallTable(), short_y);
  expectHas(read(), {path, "dataset 'y'", "10 rows", "'X' has 12"});
  Layout no_y;
  no_y.write_y = false;
  writeTable(path, smallTable(), no_y);
  expectHas(read(), {path, "dataset 'y'", "missing"});
  t = smallTable();
  t.feature_names = {"a", "b"};
  writeTable(path, t);
  expectHas(read(), {path, "dataset 'X'", "feature_names", "2 names for 3 columns"});
  std::ofstream(dir + "/text.h5") << "label,x\n1,2\n";
  expectHas(inputError([&] { saddle::io::readDataHdf5(dir + "/text.h5"); }),
            {dir + "/text.h5", "not an HDF5 file"});
  expectHas(inputError([&] { saddle::io::readDataHdf5(dir + "/none.h5"); }),
            {dir + "/none.h5", "does not exist"});
}

TEST(DataColumns, FeatureColumnsSelectAndNameErrors) {
  saddle::mpi::Comm const comm = saddle::mpi::Comm::self();
  auto deck = fileDeck("csv", kSlid, "iid");
  deck.data.feature_columns = " age,education ";
  deck.data.standardize = false;
  auto const data = saddle::data::load(deck, comm);
  EXPECT_EQ(data.info.n_features, 2);
  EXPECT_EQ(data.info.feature_names, (std::vector<std::string>{"age", "education"}));
  // Values are those of the file's columns: row 0 of slid.csv is age 40, education 15.
  Table const csv = saddle::data::loadCsv(kSlid, "label", "");
  auto const x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, data.train.x);
  auto const ids = saddle::test::toHost(data.train.row_id);
  std::size_t const age = 1, education = 0; // slid's feature order: education, age, ...
  ASSERT_EQ(csv.feature_names[age], "age");
  ASSERT_EQ(csv.feature_names[education], "education");
  auto const d = static_cast<std::size_t>(csv.n_features);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto const r = static_cast<std::size_t>(ids[i]);
    ASSERT_EQ(x(i, 0), csv.x[r * d + age]);
    ASSERT_EQ(x(i, 1), csv.x[r * d + education]);
  }
  auto const message = [&](std::string const& columns) {
    auto bad = deck;
    bad.data.feature_columns = columns;
    return inputError([&] { saddle::data::load(bad, comm); });
  };
  EXPECT_NE(message("age,nope").find("column 'nope' is not a feature column"), std::string::npos);
  EXPECT_NE(message("age,nope").find("data.feature_columns"), std::string::npos);
  EXPECT_NE(message("label").find("column 'label'"), std::string::npos);
  EXPECT_NE(message("sensitive_female").find("'sensitive_female'"), std::string::npos);
  EXPECT_NE(message("age,age").find("named twice"), std::string::npos);
  EXPECT_NE(message("age,,education").find("empty"), std::string::npos);
  auto synthetic = saddle::Deck{};
  synthetic.data.feature_columns = "x0";
  EXPECT_NE(inputError([&] { saddle::data::load(synthetic, comm); }).find("data.feature_columns"),
            std::string::npos);
  // silos.feature must be one of the kept features.
  auto quantile = fileDeck("csv", kSlid, "quantile");
  quantile.data.feature_columns = "age";
  EXPECT_NE(inputError([&] {
              saddle::data::load(quantile, comm);
            }).find("silos.feature = 'education' is not a feature"),
            std::string::npos);
}

} // namespace
