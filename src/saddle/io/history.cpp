// Per-round history in HDF5: extendible 1-D columns under /history, one row per round.
#include "saddle/io/history.hpp"

#include "saddle/core/error.hpp"
#include "saddle/io/detail/h5_util.hpp"
#include "saddle/version.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

namespace saddle::io {

namespace {

constexpr hsize_t kHistoryChunk = 512; ///< rows per chunk of a column
constexpr int kHistoryFormatVersion = 1;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

h5::Dataset createColumn(hid_t group, std::string const& name, hid_t file_type) {
  hsize_t const zero = 0, unlimited = H5S_UNLIMITED;
  h5::Dataspace space(SADDLE_H5_CHECK(H5Screate_simple(1, &zero, &unlimited)));
  h5::PropList dcpl(SADDLE_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE)));
  SADDLE_H5_CHECK(H5Pset_chunk(dcpl.get(), 1, &kHistoryChunk));
  SADDLE_H5_CHECK(H5Pset_fletcher32(dcpl.get()));
  return h5::Dataset(SADDLE_H5_CHECK(H5Dcreate2(group, name.c_str(), file_type, space.get(),
                                                H5P_DEFAULT, dcpl.get(), H5P_DEFAULT)));
}

/// Write `n` values of `mem_type` at rows [begin, begin + n) of a 1-D column (already extended).
void writeAt(hid_t dataset, hid_t mem_type, hsize_t begin, hsize_t n, void const* values) {
  if (n == 0)
    return;
  h5::Dataspace file_space(SADDLE_H5_CHECK(H5Dget_space(dataset)));
  SADDLE_H5_CHECK(
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &begin, nullptr, &n, nullptr));
  h5::Dataspace mem_space(SADDLE_H5_CHECK(H5Screate_simple(1, &n, nullptr)));
  SADDLE_H5_CHECK(
      H5Dwrite(dataset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, values));
}

template <class T> std::vector<T> readColumn(hid_t dataset, hid_t mem_type) {
  auto const shape = detail::datasetShape(dataset);
  SADDLE_REQUIRE(shape.size() == 1, "saddle::history: a column is not 1-D");
  std::vector<T> out(shape[0]);
  if (!out.empty()) {
    auto const dxpl = detail::transfer(false);
    SADDLE_H5_CHECK(H5Dread(dataset, mem_type, H5S_ALL, H5S_ALL, dxpl.get(), out.data()));
  }
  return out;
}

herr_t collectName(hid_t /*group*/, char const* name, H5L_info_t const* /*info*/, void* client) {
  static_cast<std::vector<std::string>*>(client)->push_back(name);
  return 0;
}

std::vector<std::string> columnNames(hid_t group) {
  std::vector<std::string> names;
  SADDLE_H5_CHECK(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collectName, &names));
  return names;
}

h5::File openHistoryFile(std::string const& path, unsigned flags) {
  detail::requireHdf5File("saddle::history", path);
  h5::File file;
  try {
    auto const fapl = detail::serialAccess();
    file = h5::File(SADDLE_H5_CHECK(H5Fopen(path.c_str(), flags, fapl.get())));
  } catch (IoError const& e) {
    throw detail::corruptFile("saddle::history", path, "", e.what());
  }
  if (!detail::hasAttribute(file.get(), "format_version") ||
      SADDLE_H5_CHECK(H5Lexists(file.get(), "history", H5P_DEFAULT)) <= 0)
    throw InputError("saddle::history: " + path + " is not a saddle history file");
  auto const version = detail::readIntAttribute(file.get(), "format_version");
  if (version != kHistoryFormatVersion)
    throw InputError("saddle::history: " + path + ": format_version " + std::to_string(version) +
                     " is not supported (this saddle reads " +
                     std::to_string(kHistoryFormatVersion) + ")");
  return file;
}

void requireMetricName(std::string const& name) {
  if (name.empty() || name == "round" || name.find('/') != std::string::npos)
    throw Error("saddle::HistoryWriter: metric name '" + name +
                "' is invalid (non-empty, no '/', not 'round')");
}

} // namespace

struct HistoryWriter::Impl {
  h5::File file;
  h5::Group group;
  h5::Dataset round;
  std::map<std::string, h5::Dataset> columns;
  std::vector<std::int64_t> rounds;

  void flush() const { SADDLE_H5_CHECK(H5Fflush(file.get(), H5F_SCOPE_GLOBAL)); }
  void resize(hsize_t rows) {
    SADDLE_H5_CHECK(H5Dset_extent(round.get(), &rows));
    for (auto& [name, column] : columns)
      SADDLE_H5_CHECK(H5Dset_extent(column.get(), &rows));
  }
};

std::string historyPath(std::string const& dir) {
  return (std::filesystem::path(dir) / "history.h5").string();
}

HistoryWriter::HistoryWriter(std::string const& dir, std::int64_t resume_after_round)
    : _path(historyPath(dir)), _impl(std::make_unique<Impl>()) {
  h5::silenceErrors();
  std::filesystem::create_directories(dir);
  auto& m = *_impl;
  if (resume_after_round >= 0 && std::filesystem::exists(_path)) {
    m.file = openHistoryFile(_path, H5F_ACC_RDWR);
    m.group = h5::Group(SADDLE_H5_CHECK(H5Gopen2(m.file.get(), "history", H5P_DEFAULT)));
    for (auto const& name : columnNames(m.group.get())) {
      h5::Dataset column(SADDLE_H5_CHECK(H5Dopen2(m.group.get(), name.c_str(), H5P_DEFAULT)));
      if (name == "round")
        m.round = std::move(column);
      else
        m.columns.emplace(name, std::move(column));
    }
    if (!m.round.valid())
      throw InputError("saddle::HistoryWriter: " + _path + " has no /history/round");
    m.rounds = readColumn<std::int64_t>(m.round.get(), H5T_NATIVE_INT64);
    if (!m.rounds.empty() && m.rounds.back() < resume_after_round)
      throw InputError("saddle::HistoryWriter: " + _path + " ends at round " +
                       std::to_string(m.rounds.back()) + " but the run resumes after round " +
                       std::to_string(resume_after_round) + ": rounds would be missing");
    truncateAfter(resume_after_round);
    return;
  }
  auto const fapl = detail::serialAccess();
  m.file =
      h5::File(SADDLE_H5_CHECK(H5Fcreate(_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get())));
  detail::writeAttribute(m.file.get(), "format_version", kHistoryFormatVersion, H5T_STD_I32LE);
  detail::writeAttribute(m.file.get(), "saddle_version", std::string(kVersion));
  m.group = h5::Group(
      SADDLE_H5_CHECK(H5Gcreate2(m.file.get(), "history", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  m.round = createColumn(m.group.get(), "round", H5T_STD_I64LE);
  m.flush();
}

HistoryWriter::~HistoryWriter() = default;

void HistoryWriter::flush() {
  _impl->flush();
}

void HistoryWriter::append(std::int64_t round,
                           std::vector<std::pair<std::string, double>> const& metrics,
                           bool flush_now) {
  auto& m = *_impl;
  if (!m.rounds.empty() && round <= m.rounds.back())
    throw Error("saddle::HistoryWriter: round " + std::to_string(round) + " appended after round " +
                std::to_string(m.rounds.back()) + " (rounds must increase)");
  std::map<std::string, double> row;
  for (auto const& [name, value] : metrics) {
    requireMetricName(name);
    if (!row.emplace(name, value).second)
      throw Error("saddle::HistoryWriter: metric '" + name + "' given twice for round " +
                  std::to_string(round));
  }
  auto const n = static_cast<hsize_t>(m.rounds.size());
  for (auto const& [name, value] : row) {
    if (m.columns.count(name) != 0)
      continue;
    auto column = createColumn(m.group.get(), name, H5T_IEEE_F64LE);
    SADDLE_H5_CHECK(H5Dset_extent(column.get(), &n));
    std::vector<double> const pad(n, kMissing); // earlier rounds did not report it
    writeAt(column.get(), H5T_NATIVE_DOUBLE, 0, n, pad.data());
    m.columns.emplace(name, std::move(column));
  }
  m.resize(n + 1);
  writeAt(m.round.get(), H5T_NATIVE_INT64, n, 1, &round);
  for (auto const& [name, column] : m.columns) {
    auto const it = row.find(name);
    double const value = it != row.end() ? it->second : kMissing;
    writeAt(column.get(), H5T_NATIVE_DOUBLE, n, 1, &value);
  }
  m.rounds.push_back(round);
  if (flush_now)
    m.flush();
}

void HistoryWriter::truncateAfter(std::int64_t round) {
  auto& m = *_impl;
  auto const keep = static_cast<hsize_t>(std::upper_bound(m.rounds.begin(), m.rounds.end(), round) -
                                         m.rounds.begin());
  m.resize(keep);
  m.rounds.resize(keep);
  for (auto it = m.columns.begin(); it != m.columns.end();) {
    auto const values = readColumn<double>(it->second.get(), H5T_NATIVE_DOUBLE);
    if (std::all_of(values.begin(), values.end(), [](double v) { return std::isnan(v); })) {
      std::string const name = it->first;
      it = m.columns.erase(it); // closes the dataset
      SADDLE_H5_CHECK(H5Ldelete(m.group.get(), name.c_str(), H5P_DEFAULT));
    } else {
      ++it;
    }
  }
  m.flush();
}

std::int64_t HistoryWriter::rows() const {
  return static_cast<std::int64_t>(_impl->rounds.size());
}

std::optional<std::int64_t> HistoryWriter::lastRound() const {
  if (_impl->rounds.empty())
    return std::nullopt;
  return _impl->rounds.back();
}

History readHistory(std::string const& path) {
  h5::silenceErrors();
  auto const file = openHistoryFile(path, H5F_ACC_RDONLY);
  h5::Group group(SADDLE_H5_CHECK(H5Gopen2(file.get(), "history", H5P_DEFAULT)));
  History out;
  for (auto const& name : columnNames(group.get())) {
    h5::Dataset column(SADDLE_H5_CHECK(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT)));
    if (name == "round")
      out.rounds = readColumn<std::int64_t>(column.get(), H5T_NATIVE_INT64);
    else
      out.metrics[name] = readColumn<double>(column.get(), H5T_NATIVE_DOUBLE);
  }
  return out;
}

} // namespace saddle::io
