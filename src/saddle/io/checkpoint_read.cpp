// Checkpoint reader: replicated entries read by rank 0 and broadcast, silo rows read by each
// rank for the silos it owns now. Every failure is agreed on by all ranks before anyone throws.
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/detail/h5_util.hpp"
#include "saddle/io/detail/pack.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

namespace saddle::io {

namespace detail {

namespace {

/// Little-endian unsigned integer of `n` bytes at `p` (the HDF5 file format's byte order).
std::uint64_t littleEndian(char const* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

/// The objects of the global heap collection `gcol` (its bytes, header included): every
/// object header and its 8-aligned data must end inside the collection, and the free-space
/// object (index 0) must be at least a header long. Returns "" or what is wrong.
std::string globalHeapProblem(std::string const& gcol) {
  std::uint64_t constexpr kHeader = 16;       // "GCOL", version, 3 reserved, collection size
  std::uint64_t constexpr kObjectHeader = 16; // index, refcount, 4 reserved, object size
  std::uint64_t p = kHeader;
  while (p + kObjectHeader <= gcol.size()) {
    std::uint64_t const index = littleEndian(gcol.data() + p, 2);
    std::uint64_t const size = littleEndian(gcol.data() + p + 8, 8);
    std::uint64_t const room = gcol.size() - p;
    if (size > room) // also catches sizes near 2^64 before the rounding below overflows
      return "object " + std::to_string(index) + " claims " + std::to_string(size) +
             " bytes, the collection has " + std::to_string(room) + " left";
    std::uint64_t const need = index == 0 ? size : kObjectHeader + ((size + 7) / 8) * 8;
    if (need < kObjectHeader || need > room)
      return "object " + std::to_string(index) + " does not fit (" + std::to_string(need) +
             " bytes, " + std::to_string(room) + " left)";
    p += need;
  }
  return {};
}

} // namespace

void requireSoundGlobalHeaps(std::string const& where, std::string const& path) {
  // HDF5 keeps variable-length strings (the checkpoint's string attributes) in global heap
  // collections, which the file format does not checksum, and HDF5 1.10 trusts the sizes it
  // finds there: a damaged object size makes H5HG_read copy far past its buffer (found by the
  // checkpoint fuzzer: tests/fuzz/regressions/checkpoint/). So check every collection before
  // HDF5 reads one: on rank 0, one pass over the file. Collections are found by their
  // signature; one that does not start like a collection (version 1, 3 zero bytes, a size that
  // fits the file) is not one.
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string const bytes = contents.str();
  for (auto at = bytes.find("GCOL"); at != std::string::npos; at = bytes.find("GCOL", at + 1)) {
    if (bytes.size() - at < 16 || bytes[at + 4] != 1 || std::memcmp(&bytes[at + 5], "\0\0\0", 3))
      continue;
    std::uint64_t const size = littleEndian(&bytes[at + 8], 8);
    if (size < 16 || size > bytes.size() - at)
      continue;
    std::string const problem = globalHeapProblem(bytes.substr(at, size));
    if (!problem.empty())
      throw InputError(where + ": " + path +
                       ": damaged global heap (the store of its strings) at byte " +
                       std::to_string(at) + ": " + problem);
    at += size - 1; // the next collection starts after this one
  }
}

} // namespace detail

namespace {

char const* const kWhere = "saddle::readCheckpoint";

enum class Kind { array, scalar, silo };

/// What a dataset holds, from its type and rank; InputError for anything else.
Kind classify(hid_t dataset, std::vector<hsize_t> const& shape, std::string const& path,
              std::string const& name) {
  h5::Datatype type(SADDLE_H5_CHECK(H5Dget_type(dataset)));
  auto const type_class = H5Tget_class(type.get());
  if (type_class == H5T_FLOAT && shape.size() == 1)
    return Kind::array;
  if (type_class == H5T_INTEGER && shape.empty())
    return Kind::scalar;
  if (type_class == H5T_FLOAT && shape.size() == 2)
    return Kind::silo;
  throw InputError(std::string(kWhere) + ": " + path + ": dataset '" + name +
                   "' is neither a 1-D or 2-D float64 array nor an int64 scalar");
}

/// Rank 0: attributes, every replicated entry, and the names and widths of the silo arrays,
/// packed for one broadcast. Throws InputError for a bad file.
std::string readHeader(hid_t file, std::string const& path, data::SiloPartition const& mine) {
  CheckpointMeta const meta = detail::readMetaAttributes(file, path);
  if (meta.n_silos != mine.n_global)
    throw InputError(std::string(kWhere) + ": " + path + ": the checkpoint holds " +
                     std::to_string(meta.n_silos) + " silos, this run has " +
                     std::to_string(mine.n_global) + " (they must match)");
  using detail::Packer;
  Packer arrays, scalars, silos;
  std::int64_t n_arrays = 0, n_scalars = 0, n_silo_arrays = 0;
  auto const dxpl = detail::transfer(false);
  for (auto const& name : detail::listDatasets(file)) {
    try {
      h5::Dataset dataset(SADDLE_H5_CHECK(H5Dopen2(file, name.c_str(), H5P_DEFAULT)));
      auto const shape = detail::datasetShape(dataset.get());
      switch (classify(dataset.get(), shape, path, name)) {
      case Kind::array: {
        std::vector<double> values(shape[0]);
        detail::readRows(dataset.get(), shape, 0, shape[0], values.data(), dxpl.get());
        arrays.putString(name.substr(1));
        arrays.putDoubles(values);
        ++n_arrays;
        break;
      }
      case Kind::scalar: {
        std::int64_t value = 0;
        SADDLE_H5_CHECK(
            H5Dread(dataset.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, dxpl.get(), &value));
        scalars.putString(name.substr(1));
        scalars.putInt(value);
        ++n_scalars;
        break;
      }
      case Kind::silo:
        if (static_cast<std::int64_t>(shape[0]) != meta.n_silos)
          throw InputError(std::string(kWhere) + ": " + path + ": silo array '" + name + "' has " +
                           std::to_string(shape[0]) + " rows, n_silos is " +
                           std::to_string(meta.n_silos));
        silos.putString(name.substr(1));
        silos.putInt(static_cast<std::int64_t>(shape[1]));
        ++n_silo_arrays;
        break;
      }
    } catch (IoError const& e) {
      throw detail::corruptFile(kWhere, path, name, e.what());
    }
  }
  Packer all;
  detail::packMeta(all, meta);
  all.putInt(n_arrays);
  all.putInt(n_scalars);
  all.putInt(n_silo_arrays);
  return all.take() + arrays.take() + scalars.take() + silos.take();
}

/// Unpack readHeader's payload into `out`; returns the silo arrays' names and widths.
std::vector<std::pair<std::string, std::int64_t>> unpackHeader(std::string const& payload,
                                                               Checkpoint& out) {
  detail::Unpacker u(payload);
  out.meta = detail::unpackMeta(u);
  std::int64_t const n_arrays = u.getInt(), n_scalars = u.getInt(), n_silos = u.getInt();
  for (std::int64_t i = 0; i < n_arrays; ++i) {
    auto name = u.getString();
    out.state.putArray(name, u.getDoubles());
  }
  for (std::int64_t i = 0; i < n_scalars; ++i) {
    auto name = u.getString();
    out.state.putInt(name, u.getInt());
  }
  std::vector<std::pair<std::string, std::int64_t>> silo_arrays;
  for (std::int64_t i = 0; i < n_silos; ++i) {
    auto name = u.getString();
    silo_arrays.emplace_back(std::move(name), u.getInt());
  }
  return silo_arrays;
}

/// This rank's rows (the silos `mine` owns) of every silo array. Independent reads.
void readOwnRows(hid_t file, std::string const& path, data::SiloPartition const& mine,
                 std::vector<std::pair<std::string, std::int64_t>> const& silo_arrays,
                 Checkpoint& out) {
  auto const dxpl = detail::transfer(false);
  for (auto const& [name, width] : silo_arrays) {
    SiloArray table;
    table.n_silos = mine.n_global;
    table.width = width;
    std::vector<double> rows(static_cast<std::size_t>(mine.count() * width));
    try {
      h5::Dataset dataset(SADDLE_H5_CHECK(H5Dopen2(file, ("/" + name).c_str(), H5P_DEFAULT)));
      std::vector<hsize_t> const shape{static_cast<hsize_t>(mine.n_global),
                                       static_cast<hsize_t>(width)};
      SADDLE_REQUIRE(detail::datasetShape(dataset.get()) == shape,
                     "saddle::readCheckpoint: silo array changed shape while reading");
      detail::readRows(dataset.get(), shape, static_cast<hsize_t>(mine.begin),
                       static_cast<hsize_t>(mine.count()), rows.data(), dxpl.get());
    } catch (IoError const& e) {
      throw detail::corruptFile(kWhere, path, "/" + name, e.what());
    }
    for (std::int64_t s = 0; s < mine.count(); ++s)
      table.rows[mine.begin + s] =
          std::vector<double>(rows.begin() + s * width, rows.begin() + (s + 1) * width);
    out.state.putSiloArray(name, std::move(table));
  }
}

/// Run `work` on this rank, then agree: every rank throws InputError with the first failing
/// rank's message if any failed. Collective.
template <class Work> void agreed(mpi::Comm const& comm, std::string const& path, Work&& work) {
  std::string local;
  try {
    work();
  } catch (InputError const& e) {
    local = e.what();
  } catch (std::exception const& e) {
    local = detail::corruptFile(kWhere, path, "", e.what()).what();
  }
  if (auto const problem = detail::agreeOnError(comm, local); !problem.empty())
    throw InputError(problem);
}

} // namespace

Checkpoint readCheckpoint(std::string const& path, data::SiloPartition const& mine,
                          mpi::Comm const& comm) {
  h5::silenceErrors();
  agreed(comm, path, [&] {
    detail::requireHdf5File(kWhere, path);
    if (comm.rank() == 0)
      detail::requireSoundGlobalHeaps(kWhere, path);
  });
  h5::File file;
  agreed(comm, path, [&] {
    auto const fapl = detail::parallelAccess(comm, false);
    file = h5::File(SADDLE_H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get())));
  });
  std::string payload;
  agreed(comm, path, [&] {
    if (comm.rank() == 0)
      payload = readHeader(file.get(), path, mine);
  });
  comm.broadcast(payload);
  Checkpoint out;
  auto const silo_arrays = unpackHeader(payload, out);
  agreed(comm, path, [&] { readOwnRows(file.get(), path, mine, silo_arrays, out); });
  agreed(comm, path, [&] { file.close(); });
  return out;
}

} // namespace saddle::io
