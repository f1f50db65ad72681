// Reader of HDF5 data files: X, y, s at the root, read whole by the calling process.
#include "saddle/io/data_hdf5.hpp"

#include "saddle/io/detail/h5_util.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

namespace saddle::io {

namespace {

std::string const kWhere = "saddle::io::readDataHdf5";

/// Largest group id accepted (as for CSV files): group counts are allocated per group.
constexpr double kMaxGroup = 1 << 20;

std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

InputError bad(std::string const& path, std::string const& dataset, std::string const& what) {
  return InputError(kWhere + ": " + path + ": dataset '" + dataset + "': " + what);
}

/// One dataset of the file, read whole as float64 (HDF5 converts integer and float32 types).
struct Column {
  std::vector<hsize_t> shape;
  std::vector<double> values;
};

/// Open `name` at the root, check its rank and type class, and read it as doubles.
Column readNumeric(hid_t file, std::string const& path, std::string const& name, int rank) {
  htri_t const exists = H5Lexists(file, name.c_str(), H5P_DEFAULT);
  if (exists <= 0) {
    h5::errorStackText(); // clear the stack
    throw InputError(kWhere + ": " + path + ": dataset '" + name +
                     "' is missing (a data file holds X [rows][features], y [rows], s [rows])");
  }
  h5::Dataset dataset(SADDLE_H5_CHECK(H5Dopen2(file, name.c_str(), H5P_DEFAULT)));
  Column column;
  column.shape = detail::datasetShape(dataset.get());
  if (static_cast<int>(column.shape.size()) != rank)
    throw bad(path, name,
              "has " + std::to_string(column.shape.size()) + " dimensions (must have " +
                  std::to_string(rank) + (rank == 1 ? ": [rows])" : ": [rows][features])"));
  h5::Datatype type(SADDLE_H5_CHECK(H5Dget_type(dataset.get())));
  auto const type_class = H5Tget_class(type.get());
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER)
    throw bad(path, name, "is not numeric (must hold floats or integers)");
  column.values.resize(static_cast<std::size_t>(detail::elementCount(column.shape)));
  if (!column.values.empty())
    SADDLE_H5_CHECK(H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                            column.values.data()));
  return column;
}

/// A string-array attribute [n], or one comma-separated string, as names.
std::vector<std::string> readNames(hid_t object, std::string const& path) {
  h5::Attribute attr(SADDLE_H5_CHECK(H5Aopen(object, "feature_names", H5P_DEFAULT)));
  h5::Datatype file_type(SADDLE_H5_CHECK(H5Aget_type(attr.get())));
  if (H5Tget_class(file_type.get()) != H5T_STRING)
    throw InputError(kWhere + ": " + path + ": attribute 'feature_names' is not a string array");
  h5::Dataspace space(SADDLE_H5_CHECK(H5Aget_space(attr.get())));
  auto const n =
      static_cast<std::size_t>(SADDLE_H5_CHECK(H5Sget_simple_extent_npoints(space.get())));
  h5::Datatype mem_type(SADDLE_H5_CHECK(H5Tcopy(file_type.get())));
  std::vector<std::string> names;
  if (SADDLE_H5_CHECK(H5Tis_variable_str(file_type.get())) > 0) {
    std::vector<char*> text(n, nullptr);
    herr_t const status = H5Aread(attr.get(), mem_type.get(), text.data());
    for (std::size_t i = 0; i < n && status >= 0; ++i) {
      names.emplace_back(text[i] != nullptr ? text[i] : "");
      H5free_memory(text[i]);
    }
    SADDLE_H5_CHECK(status);
  } else {
    std::size_t const width = H5Tget_size(file_type.get());
    std::vector<char> text(n * width, '\0');
    SADDLE_H5_CHECK(H5Aread(attr.get(), mem_type.get(), text.data()));
    for (std::size_t i = 0; i < n; ++i) {
      std::string name(text.data() + i * width, width);
      names.push_back(name.substr(0, name.find('\0')));
    }
  }
  if (names.size() != 1)
    return names;
  std::vector<std::string> split; // one string: comma-separated names
  std::size_t begin = 0;
  for (std::size_t comma; (comma = names[0].find(',', begin)) != std::string::npos;
       begin = comma + 1)
    split.push_back(names[0].substr(begin, comma - begin));
  split.push_back(names[0].substr(begin));
  return split;
}

/// feature_names from X, else from the root, else x0, x1, ...
std::vector<std::string> featureNames(hid_t file, std::string const& path, std::size_t d) {
  std::vector<std::string> names;
  h5::Dataset x(SADDLE_H5_CHECK(H5Dopen2(file, "X", H5P_DEFAULT)));
  if (detail::hasAttribute(x.get(), "feature_names"))
    names = readNames(x.get(), path);
  else if (detail::hasAttribute(file, "feature_names"))
    names = readNames(file, path);
  if (names.empty()) {
    for (std::size_t j = 0; j < d; ++j)
      names.push_back("x" + std::to_string(j));
    return names;
  }
  if (names.size() != d)
    throw bad(path, "X",
              "attribute 'feature_names' holds " + std::to_string(names.size()) + " names for " +
                  std::to_string(d) + " columns");
  return names;
}

/// Check every value and fill `table` (host only, local).
void fillTable(Column const& x, Column const& y, Column const& s, std::string const& path,
               data::Table& table) {
  auto const n = static_cast<std::size_t>(x.shape[0]);
  auto const d = static_cast<std::size_t>(x.shape[1]);
  if (n == 0 || d == 0)
    throw bad(path, "X",
              "is empty (" + std::to_string(n) + " rows, " + std::to_string(d) + " columns)");
  for (auto const& [name, column] : {std::pair{"y", &y}, std::pair{"s", &s}})
    if (column->shape[0] != x.shape[0])
      throw bad(path, name,
                "has " + std::to_string(column->shape[0]) + " rows, dataset 'X' has " +
                    std::to_string(n) + " (they must match)");
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j)
      if (!std::isfinite(x.values[i * d + j]))
        throw bad(path, "X",
                  "row " + std::to_string(i) + ", column " + std::to_string(j) + " ('" +
                      table.feature_names[j] + "'): value " + formatNumber(x.values[i * d + j]) +
                      " is not finite (rows and columns count from 0)");
  int max_group = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (y.values[i] != 0.0 && y.values[i] != 1.0)
      throw bad(path, "y",
                "row " + std::to_string(i) + ": value " + formatNumber(y.values[i]) +
                    " is not a label (must be 0 or 1; rows count from 0)");
    double const g = s.values[i];
    if (!(g >= 0.0 && g <= kMaxGroup && g == std::floor(g)))
      throw bad(path, "s",
                "row " + std::to_string(i) + ": value " + formatNumber(g) +
                    " is not a valid group (must be an integer in [0, " + formatNumber(kMaxGroup) +
                    "]; rows count from 0)");
    max_group = std::max(max_group, static_cast<int>(g));
  }
  table.n_features = static_cast<std::int64_t>(d);
  table.n_groups = std::max<std::int64_t>(2, max_group + 1);
  table.x = x.values;
  table.y = y.values;
  table.group.assign(s.values.begin(), s.values.end());
  table.row_id.resize(n);
  for (std::size_t i = 0; i < n; ++i)
    table.row_id[i] = static_cast<std::int64_t>(i);
}

} // namespace

data::Table readDataHdf5(std::string const& path) {
  h5::silenceErrors();
  detail::requireHdf5File(kWhere, path);
  std::string current; // the dataset being read, for the message of a corrupt file
  try {
    auto const fapl = detail::serialAccess();
    hid_t const id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get());
    if (id < 0)
      throw detail::corruptFile(kWhere, path, "", h5::errorStackText());
    h5::File file(id);
    current = "X";
    Column const x = readNumeric(file.get(), path, "X", 2);
    current = "y";
    Column const y = readNumeric(file.get(), path, "y", 1);
    current = "s";
    Column const s = readNumeric(file.get(), path, "s", 1);
    current = "X";
    data::Table table;
    table.feature_names = featureNames(file.get(), path, static_cast<std::size_t>(x.shape[1]));
    fillTable(x, y, s, path, table);
    return table;
  } catch (IoError const& e) {
    throw detail::corruptFile(kWhere, path, current, e.what());
  }
}

} // namespace saddle::io
