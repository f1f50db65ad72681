// saddle-inspect's logic: summary and verification of a checkpoint, read by one process.
#include "saddle/io/inspect.hpp"

#include "saddle/core/log.hpp"
#include "saddle/io/detail/h5_util.hpp"
#include "saddle/io/detail/pack.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <sstream>

namespace saddle::io {

namespace {

char const* const kWhere = "saddle::inspect";
constexpr std::int64_t kSlabValues = 1 << 20; ///< values read at once when verifying

h5::File openSerial(std::string const& path) {
  detail::requireHdf5File(kWhere, path);
  detail::requireSoundGlobalHeaps(kWhere, path);
  try {
    auto const fapl = detail::serialAccess();
    return h5::File(SADDLE_H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get())));
  } catch (IoError const& e) {
    throw detail::corruptFile(kWhere, path, "", e.what());
  }
}

/// Type, shape, layout, filters and size on disk of a dataset (metadata only).
DatasetSummary describe(hid_t dataset, std::string const& name) {
  DatasetSummary s;
  s.path = name;
  h5::Datatype type(SADDLE_H5_CHECK(H5Dget_type(dataset)));
  auto const type_class = H5Tget_class(type.get());
  s.type = type_class == H5T_FLOAT ? "float64" : type_class == H5T_INTEGER ? "int64" : "other";
  for (auto const d : detail::datasetShape(dataset))
    s.shape.push_back(static_cast<std::int64_t>(d));
  h5::PropList dcpl(SADDLE_H5_CHECK(H5Dget_create_plist(dataset)));
  auto const layout = H5Pget_layout(dcpl.get());
  s.layout = layout == H5D_CHUNKED ? "chunked" : layout == H5D_COMPACT ? "compact" : "contiguous";
  int const n_filters = SADDLE_H5_CHECK(H5Pget_nfilters(dcpl.get()));
  for (int f = 0; f < n_filters; ++f) {
    unsigned flags = 0;
    std::size_t n_values = 0;
    unsigned filter_config = 0;
    auto const id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(f), &flags, &n_values, nullptr,
                                   0, nullptr, &filter_config);
    s.fletcher32 = s.fletcher32 || id == H5Z_FILTER_FLETCHER32;
  }
  s.stored_bytes = static_cast<std::int64_t>(H5Dget_storage_size(dataset));
  return s;
}

void accumulate(DatasetSummary& s, double const* values, std::int64_t n, double& sum,
                std::int64_t& finite) {
  for (std::int64_t i = 0; i < n; ++i) {
    double const v = values[i];
    if (std::isnan(v)) {
      ++s.nan_count;
      continue;
    }
    s.min = finite == 0 ? v : std::min(s.min, v);
    s.max = finite == 0 ? v : std::max(s.max, v);
    sum += v;
    ++finite;
  }
}

/// Read every value of a float64 dataset (1-D or 2-D) in slabs of rows; fills the statistics.
void readFloat(hid_t dataset, DatasetSummary& s) {
  std::vector<hsize_t> shape(s.shape.begin(), s.shape.end());
  auto const total = detail::elementCount(shape);
  std::int64_t const width = shape.size() == 2 ? s.shape[1] : 1;
  auto const rows = static_cast<std::int64_t>(shape[0]);
  std::int64_t const step =
      std::max<std::int64_t>(1, kSlabValues / std::max<std::int64_t>(1, width));
  auto const dxpl = detail::transfer(false);
  std::vector<double> buffer;
  double sum = 0.0;
  std::int64_t finite = 0;
  for (std::int64_t r = 0; r < rows && total > 0; r += step) {
    std::int64_t const count = std::min(step, rows - r);
    buffer.resize(static_cast<std::size_t>(count * width));
    detail::readRows(dataset, shape, static_cast<hsize_t>(r), static_cast<hsize_t>(count),
                     buffer.data(), dxpl.get());
    accumulate(s, buffer.data(), count * width, sum, finite);
    if (total <= kShowValues)
      s.first = buffer;
  }
  s.mean = finite > 0 ? sum / static_cast<double>(finite) : 0.0;
  s.read = true;
}

void readInt(hid_t dataset, DatasetSummary& s) {
  if (!s.shape.empty())
    throw InputError(std::string(kWhere) + ": dataset '" + s.path +
                     "' is an integer array (a checkpoint holds int64 scalars only)");
  std::int64_t value = 0;
  auto const dxpl = detail::transfer(false);
  SADDLE_H5_CHECK(H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, dxpl.get(), &value));
  s.integer = value;
  s.read = true;
}

std::string shapeText(std::vector<std::int64_t> const& shape) {
  if (shape.empty())
    return "scalar";
  std::string out;
  for (auto const d : shape)
    out += "[" + std::to_string(d) + "]";
  return out;
}

std::string valuesText(DatasetSummary const& d) {
  if (!d.read)
    return "(not read; --verify reads it)";
  if (d.type == "int64")
    return "= " + std::to_string(d.integer);
  if (std::any_of(d.shape.begin(), d.shape.end(), [](std::int64_t n) { return n == 0; }))
    return "(empty)";
  std::string out;
  if (!d.first.empty()) {
    out = "= [";
    for (std::size_t i = 0; i < d.first.size(); ++i)
      out += (i ? ", " : "") + log::format("%.6g", d.first[i]);
    return out + "]";
  }
  out = log::format("min %.6g  max %.6g  mean %.6g", d.min, d.max, d.mean);
  if (d.nan_count > 0)
    out += "  NaN " + std::to_string(d.nan_count);
  return out;
}

} // namespace

CheckpointSummary inspectCheckpoint(std::string const& path, bool verify) {
  h5::silenceErrors();
  CheckpointSummary out;
  out.path = path;
  auto const file = openSerial(path);
  out.meta = detail::readMetaAttributes(file.get(), path);
  std::error_code ec;
  out.file_bytes = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
  std::vector<std::string> names;
  try {
    names = detail::listDatasets(file.get());
  } catch (IoError const& e) {
    throw detail::corruptFile(kWhere, path, "", e.what());
  }
  for (auto const& name : names) {
    try {
      h5::Dataset dataset(SADDLE_H5_CHECK(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT)));
      auto s = describe(dataset.get(), name);
      std::vector<hsize_t> const shape(s.shape.begin(), s.shape.end());
      bool const small = detail::elementCount(shape) <= kStatsValues;
      if (s.type == "int64")
        readInt(dataset.get(), s);
      else if (s.type == "float64" && (verify || small) && !s.shape.empty() && s.shape.size() <= 2)
        readFloat(dataset.get(), s);
      else if (verify)
        throw InputError(std::string(kWhere) + ": " + path + ": dataset '" + name +
                         "' has a type or shape a checkpoint does not use");
      out.values += s.read ? detail::elementCount(shape) : 0;
      out.datasets.push_back(std::move(s));
    } catch (IoError const& e) {
      throw detail::corruptFile(kWhere, path, name, e.what());
    }
  }
  out.verified = verify;
  return out;
}

std::string formatSummary(CheckpointSummary const& s) {
  std::ostringstream o;
  auto const& m = s.meta;
  o << "checkpoint      " << s.path << " (" << s.file_bytes << " bytes)\n"
    << "format_version  " << m.format_version << "\n"
    << "saddle          " << m.saddle_version << " (git " << m.git_hash << ")\n"
    << "round           " << m.round << "\n"
    << "ranks           " << m.ranks << " (when written)\n"
    << "silos           " << m.n_silos << "\n"
    << "created         " << m.created << "\n"
    << "deck            hash " << m.deck_hash << ", " << m.deck_text.size() << " bytes of text\n"
    << "datasets        " << s.datasets.size() << "\n";
  std::size_t width = 0;
  for (auto const& d : s.datasets)
    width = std::max(width, d.path.size());
  for (auto const& d : s.datasets) {
    std::string const storage = d.layout + (d.fletcher32 ? "+fletcher32" : "");
    o << log::format("  %-*s  %-7s  %-12s  %-18s  %s\n", static_cast<int>(width), d.path.c_str(),
                     d.type.c_str(), shapeText(d.shape).c_str(), storage.c_str(),
                     valuesText(d).c_str());
  }
  if (s.verified)
    o << "verify          sound: " << s.datasets.size() << " datasets, " << s.values
      << " values read, every checksum holds\n";
  return o.str();
}

int runInspect(std::string const& path, bool verify, std::ostream& out, std::ostream& err) {
  try {
    out << formatSummary(inspectCheckpoint(path, verify)) << std::flush;
    return 0;
  } catch (InputError const& e) {
    err << "saddle-inspect: " << e.what() << "\n" << std::flush;
    return 2;
  }
}

VerifyResult verifyCheckpoint(std::string const& path, mpi::Comm const& comm) {
  detail::Packer p;
  if (comm.rank() == 0) {
    try {
      auto const s = inspectCheckpoint(path, true);
      p.putInt(1);
      p.putString("sound: " + std::to_string(s.datasets.size()) + " datasets, " +
                  std::to_string(s.values) + " values read, every checksum holds");
      p.putInt(static_cast<std::int64_t>(s.datasets.size()));
      p.putInt(s.values);
      detail::packMeta(p, s.meta);
    } catch (std::exception const& e) {
      p = detail::Packer();
      p.putInt(0);
      p.putString(e.what());
    }
  }
  std::string payload = p.take();
  comm.broadcast(payload);
  detail::Unpacker u(payload);
  VerifyResult r;
  r.ok = u.getInt() == 1;
  r.message = u.getString();
  if (r.ok) {
    r.datasets = u.getInt();
    r.values = u.getInt();
    r.meta = detail::unpackMeta(u);
  }
  return r;
}

std::vector<ChunkExtent> chunkExtents(std::string const& path, std::string const& dataset_path) {
  h5::silenceErrors();
  auto const file = openSerial(path);
  h5::Dataset dataset(SADDLE_H5_CHECK(H5Dopen2(file.get(), dataset_path.c_str(), H5P_DEFAULT)));
  h5::Dataspace space(SADDLE_H5_CHECK(H5Dget_space(dataset.get())));
  hsize_t n = 0;
  SADDLE_H5_CHECK(H5Dget_num_chunks(dataset.get(), space.get(), &n));
  std::vector<ChunkExtent> out;
  std::vector<hsize_t> offset(
      static_cast<std::size_t>(SADDLE_H5_CHECK(H5Sget_simple_extent_ndims(space.get()))));
  for (hsize_t i = 0; i < n; ++i) {
    unsigned filter_mask = 0;
    haddr_t address = 0;
    hsize_t size = 0;
    SADDLE_H5_CHECK(H5Dget_chunk_info(dataset.get(), space.get(), i, offset.data(), &filter_mask,
                                      &address, &size));
    out.push_back({std::vector<std::uint64_t>(offset.begin(), offset.end()),
                   static_cast<std::uint64_t>(address), static_cast<std::uint64_t>(size)});
  }
  return out;
}

} // namespace saddle::io
