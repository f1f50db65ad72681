// Checkpoint writer: one collective parallel-HDF5 file per State (layout in checkpoint.hpp).
#include "saddle/core/log.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/detail/h5_util.hpp"
#include "saddle/version.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace saddle::io {

namespace {

/// Values per chunk at most (512 KiB of doubles): large enough for efficient I/O, small enough
/// that a checksum failure pins a small region and partial rewrites stay cheap.
constexpr hsize_t kChunkValues = hsize_t{1} << 16;

std::string isoUtcNow() {
  std::time_t const now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

/// The writer's fields of `in`; `created` is rank 0's clock, broadcast (attributes written
/// collectively must be identical on every rank). Collective.
CheckpointMeta completeMeta(CheckpointMeta const& in, data::SiloPartition const& mine,
                            mpi::Comm const& comm) {
  CheckpointMeta meta = in;
  meta.saddle_version = kVersion;
  meta.git_hash = kGitHash;
  meta.deck_hash = deckHash(meta.deck_text);
  meta.ranks = comm.size();
  meta.n_silos = mine.n_global;
  meta.created = comm.rank() == 0 ? isoUtcNow() : std::string();
  comm.broadcast(meta.created);
  return meta;
}

/// What every rank must agree on: attributes, names, sizes, widths. One line per entry.
std::string schemaOf(State const& state, CheckpointMeta const& meta) {
  std::ostringstream out;
  out << meta.format_version << ' ' << meta.round << ' ' << meta.n_silos << ' ' << meta.deck_hash
      << '\n';
  for (auto const& [name, values] : state.arrays())
    out << "array " << name << ' ' << values.size() << '\n';
  for (auto const& [name, value] : state.integers())
    out << "int64 " << name << '\n';
  for (auto const& [name, table] : state.siloArrays())
    out << "silo " << name << ' ' << table.n_silos << ' ' << table.width << '\n';
  return out.str();
}

/// This rank's problem with its part of `state` (empty if none). Local.
std::string localProblem(State const& state, data::SiloPartition const& mine, int rank) {
  std::string const where = "saddle::writeCheckpoint: rank " + std::to_string(rank) + ": ";
  for (auto const& [name, table] : state.siloArrays()) {
    if (table.n_silos != mine.n_global)
      return where + "silo array '" + name + "' has " + std::to_string(table.n_silos) +
             " silos, the partition " + std::to_string(mine.n_global);
    for (auto const& [silo, row] : table.rows)
      if (!mine.owns(silo))
        return where + "silo array '" + name + "' holds a row of silo " + std::to_string(silo) +
               ", which this rank does not own";
    if (static_cast<std::int64_t>(table.rows.size()) != mine.count())
      return where + "silo array '" + name + "' lacks rows of silos it owns (has " +
             std::to_string(table.rows.size()) + " of " + std::to_string(mine.count()) + ")";
  }
  for (auto const& [name, values] : state.arrays())
    if (name.empty() || name.front() == '/')
      return where + "array name '" + name + "' must be a relative path";
  return {};
}

h5::PropList linkCreation() {
  h5::PropList lcpl(SADDLE_H5_CHECK(H5Pcreate(H5P_LINK_CREATE)));
  SADDLE_H5_CHECK(H5Pset_create_intermediate_group(lcpl.get(), 1));
  return lcpl;
}

/// A chunked, Fletcher32-checksummed float64 dataset of `shape` (1-D or 2-D). Collective.
h5::Dataset createChunked(hid_t file, std::string const& name, std::vector<hsize_t> const& shape) {
  std::vector<hsize_t> max_shape = shape, chunk(shape.size(), 1);
  for (std::size_t d = 0; d < shape.size(); ++d)
    if (shape[d] == 0)
      max_shape[d] = H5S_UNLIMITED; // a zero extent needs room for its chunk of 1
  if (detail::elementCount(shape) > 0) {
    // Edge chunks are stored whole: split an extent into equal chunks, not cap + remainder.
    auto const balanced = [](hsize_t n, hsize_t cap) {
      hsize_t const pieces = (n + cap - 1) / cap;
      return (n + pieces - 1) / pieces;
    };
    chunk.back() = balanced(shape.back(), kChunkValues);
    if (shape.size() == 2) // whole rows of the table, as many as fit
      chunk[0] = balanced(shape[0], std::max<hsize_t>(1, kChunkValues / chunk[1]));
  }
  h5::Dataspace space(SADDLE_H5_CHECK(
      H5Screate_simple(static_cast<int>(shape.size()), shape.data(), max_shape.data())));
  h5::PropList dcpl(SADDLE_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE)));
  SADDLE_H5_CHECK(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()));
  SADDLE_H5_CHECK(H5Pset_fletcher32(dcpl.get()));
  SADDLE_H5_CHECK(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER));
  auto const lcpl = linkCreation();
  return h5::Dataset(SADDLE_H5_CHECK(H5Dcreate2(file, name.c_str(), H5T_IEEE_F64LE, space.get(),
                                                lcpl.get(), dcpl.get(), H5P_DEFAULT)));
}

/// Collective write of rows [begin, begin + count) of `dataset` from `values` (count may be 0:
/// this rank then takes part with an empty selection, as filtered parallel writes require).
void writeRows(hid_t dataset, std::vector<hsize_t> const& shape, hsize_t begin, hsize_t count,
               double const* values) {
  if (detail::elementCount(shape) == 0)
    return; // same decision on every rank: nothing to write
  std::vector<hsize_t> start(shape.size(), 0), extent = shape;
  start[0] = begin;
  extent[0] = count;
  h5::Dataspace file_space(SADDLE_H5_CHECK(H5Dget_space(dataset)));
  h5::Dataspace mem_space;
  double const dummy = 0.0;
  if (count == 0) {
    SADDLE_H5_CHECK(H5Sselect_none(file_space.get()));
    hsize_t const one = 1;
    mem_space = h5::Dataspace(SADDLE_H5_CHECK(H5Screate_simple(1, &one, nullptr)));
    SADDLE_H5_CHECK(H5Sselect_none(mem_space.get()));
    values = &dummy;
  } else {
    SADDLE_H5_CHECK(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                        extent.data(), nullptr));
    mem_space = h5::Dataspace(
        SADDLE_H5_CHECK(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr)));
  }
  auto const dxpl = detail::transfer(true);
  SADDLE_H5_CHECK(
      H5Dwrite(dataset, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), dxpl.get(), values));
}

/// Replicated array: rank 0 writes it all, the others take part with empty selections.
void writeReplicated(hid_t file, std::string const& name, std::vector<double> const& values,
                     mpi::Comm const& comm) {
  std::vector<hsize_t> const shape{values.size()};
  auto dataset = createChunked(file, name, shape);
  writeRows(dataset.get(), shape, 0, comm.rank() == 0 ? values.size() : 0, values.data());
  dataset.close();
}

/// int64 scalar, compact layout (in the checksummed object header); identical on every rank.
void writeScalar(hid_t file, std::string const& name, std::int64_t value) {
  h5::Dataspace space(SADDLE_H5_CHECK(H5Screate(H5S_SCALAR)));
  h5::PropList dcpl(SADDLE_H5_CHECK(H5Pcreate(H5P_DATASET_CREATE)));
  SADDLE_H5_CHECK(H5Pset_layout(dcpl.get(), H5D_COMPACT));
  auto const lcpl = linkCreation();
  h5::Dataset dataset(SADDLE_H5_CHECK(H5Dcreate2(file, name.c_str(), H5T_STD_I64LE, space.get(),
                                                 lcpl.get(), dcpl.get(), H5P_DEFAULT)));
  auto const dxpl = detail::transfer(true);
  SADDLE_H5_CHECK(H5Dwrite(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, dxpl.get(), &value));
  dataset.close();
}

/// Silo array: each rank writes the rows of its own silos, one hyperslab (collective).
void writeSiloArray(hid_t file, std::string const& name, SiloArray const& table,
                    data::SiloPartition const& mine) {
  auto const width = static_cast<std::size_t>(table.width);
  std::vector<double> packed;
  packed.reserve(table.rows.size() * width);
  for (auto const& [silo, row] : table.rows) // std::map: ascending silo ids, mine contiguous
    packed.insert(packed.end(), row.begin(), row.end());
  std::vector<hsize_t> const shape{static_cast<hsize_t>(table.n_silos), width};
  auto dataset = createChunked(file, name, shape);
  writeRows(dataset.get(), shape, static_cast<hsize_t>(mine.begin),
            static_cast<hsize_t>(mine.count()), packed.data());
  dataset.close();
}

/// Seconds of SADDLE_TEST_CHECKPOINT_PAUSE (0 when unset or not a positive number).
double pauseSeconds() {
  char const* text = std::getenv("SADDLE_TEST_CHECKPOINT_PAUSE");
  double const seconds = text != nullptr ? std::strtod(text, nullptr) : 0.0;
  return seconds > 0.0 ? seconds : 0.0;
}

void testPause(std::string const& tmp, std::size_t written, std::size_t total,
               mpi::Comm const& comm) {
  double const seconds = pauseSeconds();
  if (seconds <= 0.0)
    return;
  log::warnAll(comm, log::format("SADDLE_TEST_CHECKPOINT_PAUSE: pausing %g s after %zu of %zu "
                                 "datasets of %s",
                                 seconds, written, total, tmp.c_str()));
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

/// Everything into `tmp`, closed on return. Collective.
void writeFile(std::string const& tmp, State const& state, CheckpointMeta const& meta,
               data::SiloPartition const& mine, mpi::Comm const& comm) {
  auto const fapl = detail::parallelAccess(comm, true);
  h5::File file(SADDLE_H5_CHECK(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get())));
  detail::writeMetaAttributes(file.get(), meta);
  std::size_t const total =
      state.arrays().size() + state.integers().size() + state.siloArrays().size();
  std::size_t written = 0;
  auto const step = [&](std::string const& name, auto const& write) {
    if (written == total / 2)
      testPause(tmp, written, total, comm);
    try {
      write();
    } catch (IoError const& e) {
      throw IoError("saddle::writeCheckpoint: " + tmp + ": writing '" + name + "': " + e.what());
    }
    ++written;
  };
  // Lambdas name the entries through init-captures: C++17 does not let a lambda capture a
  // structured binding (GCC allows it, clang 14 rejects it).
  for (auto const& [name, values] : state.arrays())
    step(name, [&, &n = name, &v = values] { writeReplicated(file.get(), n, v, comm); });
  for (auto const& [name, value] : state.integers())
    step(name, [&, &n = name, &v = value] { writeScalar(file.get(), n, v); });
  for (auto const& [name, table] : state.siloArrays())
    step(name, [&, &n = name, &t = table] { writeSiloArray(file.get(), n, t, mine); });
  if (total == 0)
    testPause(tmp, 0, 0, comm);
  file.close();
}

/// Rank 0: make `tmp` durable, rename it to `path`, make the rename durable. Local.
void commitFile(std::string const& tmp, std::string const& path) {
  int const fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0)
      ::close(fd);
    throw IoError("saddle::writeCheckpoint: cannot sync " + tmp);
  }
  ::close(fd);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    throw IoError("saddle::writeCheckpoint: cannot rename " + tmp + " to " + path + ": " +
                  ec.message());
  auto const dir = std::filesystem::path(path).parent_path();
  int const dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) { // best effort: some file systems refuse to sync a directory
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

} // namespace

std::string deckHash(std::string const& text) {
  std::uint64_t hash = 14695981039346656037ULL; // FNV-1a 64-bit offset basis
  for (unsigned char const c : text) {
    hash ^= c;
    hash *= 1099511628211ULL; // FNV-1a 64-bit prime
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

CheckpointMeta writeCheckpoint(std::string const& path, State const& state,
                               CheckpointMeta const& meta_in, data::SiloPartition const& mine,
                               mpi::Comm const& comm) {
  h5::silenceErrors();
  CheckpointMeta const meta = completeMeta(meta_in, mine, comm);
  std::string local = localProblem(state, mine, comm.rank());
  std::string schema = schemaOf(state, meta);
  std::string const own = schema;
  comm.broadcast(schema);
  if (local.empty() && schema != own)
    local = "saddle::writeCheckpoint: rank " + std::to_string(comm.rank()) +
            " holds other entries, sizes or attributes than rank 0";
  if (auto const problem = detail::agreeOnError(comm, local); !problem.empty())
    throw IoError(problem);

  std::string const tmp = path + ".tmp";
  local.clear();
  try {
    writeFile(tmp, state, meta, mine, comm);
  } catch (std::exception const& e) {
    local = e.what();
  }
  std::string problem = detail::agreeOnError(comm, local); // every rank has closed the file
  if (problem.empty() && comm.rank() == 0) {
    try {
      commitFile(tmp, path);
    } catch (std::exception const& e) {
      local = e.what();
    }
  }
  if (problem.empty())
    problem = detail::agreeOnError(comm, local);
  if (!problem.empty()) {
    std::error_code ec;
    if (comm.rank() == 0)
      std::filesystem::remove(tmp, ec);
    throw IoError(problem);
  }
  return meta;
}

} // namespace saddle::io
