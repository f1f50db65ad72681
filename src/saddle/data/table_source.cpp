#include "saddle/data/table_source.hpp"

#include "saddle/core/error.hpp"
#include "saddle/data/csv.hpp"

#include <algorithm>
#include <filesystem>

namespace saddle::data {

namespace {

std::string const kWhere = "saddle::data::load: ";

std::string joinNames(std::vector<std::string> const& names) {
  std::string out;
  for (auto const& name : names)
    out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

std::string trim(std::string const& s) {
  auto const first = s.find_first_not_of(" \t");
  if (first == std::string::npos)
    return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

} // namespace

std::string resolveDataPath(Deck const& deck) {
  std::filesystem::path const path(deck.data.path);
  if (path.is_absolute() || deck.baseDir().empty())
    return path.string();
  return (std::filesystem::path(deck.baseDir()) / path).string();
}

Table readFileTable(Deck const& deck, FileReaders const& readers, std::string& description) {
  auto const& config = deck.data;
  std::string const path = resolveDataPath(deck);
  Table table;
  std::string group_column;
  if (config.source == "csv") {
    table = loadCsv(path, config.label_column, config.sensitive_column, group_column);
  } else {
    if (!readers.hdf5)
      throw InputError(kWhere + "data.source = \"hdf5\" is not readable by this program (no "
                                "HDF5 reader was given to data::load)");
    table = readers.hdf5(path);
    group_column = "s";
  }
  selectFeatures(table, config.feature_columns, config.source + " file " + path);
  description = config.source + ": " + path + ": " + std::to_string(table.rows()) + " rows, " +
                std::to_string(table.n_features) + " features, " + std::to_string(table.n_groups) +
                " groups, group column '" + group_column + "'";
  return table;
}

void selectFeatures(Table& table, std::string const& columns, std::string const& origin) {
  if (trim(columns).empty())
    return;
  std::vector<std::size_t> keep;
  std::size_t begin = 0;
  while (true) {
    auto const comma = columns.find(',', begin);
    std::string const name = trim(columns.substr(begin, comma - begin));
    auto const fail = [&](std::string const& what) {
      throw InputError(kWhere + "data.feature_columns = '" + columns + "': " + what);
    };
    if (name.empty())
      fail("an entry is empty");
    auto const at = std::find(table.feature_names.begin(), table.feature_names.end(), name);
    if (at == table.feature_names.end())
      fail("column '" + name + "' is not a feature column of the " + origin + " (features: " +
           joinNames(table.feature_names) + "; the label and group columns are never features)");
    auto const j = static_cast<std::size_t>(at - table.feature_names.begin());
    if (std::find(keep.begin(), keep.end(), j) != keep.end())
      fail("column '" + name + "' is named twice");
    keep.push_back(j);
    if (comma == std::string::npos)
      break;
    begin = comma + 1;
  }
  auto const d = static_cast<std::size_t>(table.n_features);
  std::vector<double> x;
  x.reserve(static_cast<std::size_t>(table.rows()) * keep.size());
  for (std::size_t i = 0; i < static_cast<std::size_t>(table.rows()); ++i)
    for (std::size_t const j : keep)
      x.push_back(table.x[i * d + j]);
  std::vector<std::string> names;
  for (std::size_t const j : keep)
    names.push_back(table.feature_names[j]);
  table.x = std::move(x);
  table.feature_names = std::move(names);
  table.n_features = static_cast<std::int64_t>(keep.size());
}

std::int64_t quantileFeature(std::vector<std::string> const& names, std::string const& name,
                             std::string const& origin) {
  if (name.empty())
    return 0;
  auto const at = std::find(names.begin(), names.end(), name);
  if (at == names.end())
    throw InputError(kWhere + "silos.feature = '" + name + "' is not a feature of the " + origin +
                     " (features: " + joinNames(names) + ")");
  return static_cast<std::int64_t>(at - names.begin());
}

} // namespace saddle::data
