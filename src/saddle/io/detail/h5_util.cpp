#include "saddle/io/detail/h5_util.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace saddle::io::detail {

h5::PropList parallelAccess(mpi::Comm const& comm, bool collective_metadata) {
  h5::PropList fapl(SADDLE_H5_CHECK(H5Pcreate(H5P_FILE_ACCESS)));
  SADDLE_H5_CHECK(H5Pset_fapl_mpio(fapl.get(), comm.raw(), MPI_INFO_NULL));
  SADDLE_H5_CHECK(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V110));
  if (collective_metadata) {
    SADDLE_H5_CHECK(H5Pset_all_coll_metadata_ops(fapl.get(), 1));
    SADDLE_H5_CHECK(H5Pset_coll_metadata_write(fapl.get(), 1));
  }
  return fapl;
}

h5::PropList serialAccess() {
  h5::PropList fapl(SADDLE_H5_CHECK(H5Pcreate(H5P_FILE_ACCESS)));
  SADDLE_H5_CHECK(H5Pset_fapl_sec2(fapl.get()));
  SADDLE_H5_CHECK(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V110));
  return fapl;
}

h5::PropList transfer(bool collective) {
  h5::PropList dxpl(SADDLE_H5_CHECK(H5Pcreate(H5P_DATASET_XFER)));
  SADDLE_H5_CHECK(H5Pset_edc_check(dxpl.get(), H5Z_ENABLE_EDC));
  if (collective)
    SADDLE_H5_CHECK(H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE));
  return dxpl;
}

void writeAttribute(hid_t object, char const* name, std::string const& value) {
  h5::Datatype type(SADDLE_H5_CHECK(H5Tcopy(H5T_C_S1)));
  SADDLE_H5_CHECK(H5Tset_size(type.get(), H5T_VARIABLE));
  SADDLE_H5_CHECK(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  h5::Dataspace space(SADDLE_H5_CHECK(H5Screate(H5S_SCALAR)));
  h5::Attribute attr(
      SADDLE_H5_CHECK(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT)));
  char const* text = value.c_str();
  SADDLE_H5_CHECK(H5Awrite(attr.get(), type.get(), &text));
  attr.close();
}

void writeAttribute(hid_t object, char const* name, std::int64_t value, hid_t file_type) {
  h5::Dataspace space(SADDLE_H5_CHECK(H5Screate(H5S_SCALAR)));
  h5::Attribute attr(
      SADDLE_H5_CHECK(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT)));
  SADDLE_H5_CHECK(H5Awrite(attr.get(), H5T_NATIVE_INT64, &value));
  attr.close();
}

bool hasAttribute(hid_t object, char const* name) {
  return SADDLE_H5_CHECK(H5Aexists(object, name)) > 0;
}

std::string readStringAttribute(hid_t object, char const* name) {
  h5::Attribute attr(SADDLE_H5_CHECK(H5Aopen(object, name, H5P_DEFAULT)));
  h5::Datatype file_type(SADDLE_H5_CHECK(H5Aget_type(attr.get())));
  if (H5Tget_class(file_type.get()) != H5T_STRING)
    throw IoError("saddle::h5: attribute '" + std::string(name) + "' is not a string");
  h5::Datatype mem_type(SADDLE_H5_CHECK(H5Tcopy(file_type.get())));
  if (SADDLE_H5_CHECK(H5Tis_variable_str(file_type.get())) > 0) {
    char* text = nullptr;
    SADDLE_H5_CHECK(H5Aread(attr.get(), mem_type.get(), &text));
    std::string out = text != nullptr ? text : "";
    H5free_memory(text);
    return out;
  }
  std::string out(H5Tget_size(file_type.get()), '\0');
  SADDLE_H5_CHECK(H5Aread(attr.get(), mem_type.get(), out.data()));
  out.resize(out.find('\0') == std::string::npos ? out.size() : out.find('\0'));
  return out;
}

std::int64_t readIntAttribute(hid_t object, char const* name) {
  h5::Attribute attr(SADDLE_H5_CHECK(H5Aopen(object, name, H5P_DEFAULT)));
  h5::Datatype file_type(SADDLE_H5_CHECK(H5Aget_type(attr.get())));
  if (H5Tget_class(file_type.get()) != H5T_INTEGER)
    throw IoError("saddle::h5: attribute '" + std::string(name) + "' is not an integer");
  std::int64_t value = 0;
  SADDLE_H5_CHECK(H5Aread(attr.get(), H5T_NATIVE_INT64, &value));
  return value;
}

void writeMetaAttributes(hid_t root, CheckpointMeta const& meta) {
  writeAttribute(root, "format_version", meta.format_version, H5T_STD_I32LE);
  writeAttribute(root, "saddle_version", meta.saddle_version);
  writeAttribute(root, "git_hash", meta.git_hash);
  writeAttribute(root, "deck_text", meta.deck_text);
  writeAttribute(root, "deck_hash", meta.deck_hash);
  writeAttribute(root, "round", meta.round, H5T_STD_I64LE);
  writeAttribute(root, "ranks", meta.ranks, H5T_STD_I32LE);
  writeAttribute(root, "n_silos", meta.n_silos, H5T_STD_I64LE);
  writeAttribute(root, "created", meta.created);
}

namespace {
void requireAttribute(hid_t root, char const* name, std::string const& path) {
  if (!hasAttribute(root, name))
    throw InputError("saddle::checkpoint: " + path + ": attribute '" + name +
                     "' is missing (not a saddle checkpoint, or a damaged one)");
}
} // namespace

CheckpointMeta readMetaAttributes(hid_t root, std::string const& path) {
  CheckpointMeta meta;
  requireAttribute(root, "format_version", path);
  auto const version = readIntAttribute(root, "format_version");
  if (version != kCheckpointFormatVersion)
    throw InputError("saddle::checkpoint: " + path + ": format_version " + std::to_string(version) +
                     " is not supported (this saddle reads " +
                     std::to_string(kCheckpointFormatVersion) + ")");
  meta.format_version = static_cast<int>(version);
  for (char const* name : {"saddle_version", "git_hash", "deck_text", "deck_hash", "round", "ranks",
                           "n_silos", "created"})
    requireAttribute(root, name, path);
  meta.saddle_version = readStringAttribute(root, "saddle_version");
  meta.git_hash = readStringAttribute(root, "git_hash");
  meta.deck_text = readStringAttribute(root, "deck_text");
  meta.deck_hash = readStringAttribute(root, "deck_hash");
  meta.round = readIntAttribute(root, "round");
  meta.ranks = static_cast<int>(readIntAttribute(root, "ranks"));
  meta.n_silos = readIntAttribute(root, "n_silos");
  meta.created = readStringAttribute(root, "created");
  return meta;
}

namespace {
struct Visit {
  std::vector<std::string> datasets;
  std::string failed; ///< the object that could not be opened
};

herr_t visitLink(hid_t group, char const* name, H5L_info_t const* info, void* client) {
  auto& visit = *static_cast<Visit*>(client);
  if (info->type != H5L_TYPE_HARD)
    return 0;
  hid_t const object = H5Oopen(group, name, H5P_DEFAULT);
  if (object < 0) {
    visit.failed = "/" + std::string(name);
    return -1;
  }
  bool const is_dataset = H5Iget_type(object) == H5I_DATASET;
  H5Oclose(object);
  if (is_dataset)
    visit.datasets.push_back("/" + std::string(name));
  return 0;
}
} // namespace

std::vector<std::string> listDatasets(hid_t file) {
  Visit visit;
  if (H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, visitLink, &visit) < 0) {
    std::string const stack = h5::errorStackText();
    throw IoError("saddle::h5: cannot open object '" + visit.failed + "': " + stack);
  }
  return visit.datasets;
}

std::vector<hsize_t> datasetShape(hid_t dataset) {
  h5::Dataspace space(SADDLE_H5_CHECK(H5Dget_space(dataset)));
  int const rank = SADDLE_H5_CHECK(H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0)
    SADDLE_H5_CHECK(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr));
  return shape;
}

std::int64_t elementCount(std::vector<hsize_t> const& shape) {
  std::int64_t n = 1;
  for (auto const d : shape)
    n *= static_cast<std::int64_t>(d);
  return n;
}

void readRows(hid_t dataset, std::vector<hsize_t> const& shape, hsize_t begin, hsize_t count,
              double* out, hid_t dxpl) {
  SADDLE_REQUIRE(shape.size() == 1 || shape.size() == 2, "saddle::h5: readRows needs 1-D or 2-D");
  std::vector<hsize_t> start(shape.size(), 0), extent = shape;
  start[0] = begin;
  extent[0] = count;
  if (elementCount(extent) == 0)
    return;
  h5::Dataspace file_space(SADDLE_H5_CHECK(H5Dget_space(dataset)));
  SADDLE_H5_CHECK(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                      extent.data(), nullptr));
  h5::Dataspace mem_space(
      SADDLE_H5_CHECK(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr)));
  SADDLE_H5_CHECK(
      H5Dread(dataset, H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), dxpl, out));
}

void requireHdf5File(std::string const& where, std::string const& path) {
  std::error_code ec;
  auto const status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status))
    throw InputError(where + ": " + path + " does not exist");
  if (!std::filesystem::is_regular_file(status))
    throw InputError(where + ": " + path + " is not a regular file");
  htri_t const is_hdf5 = H5Fis_hdf5(path.c_str());
  h5::errorStackText(); // clear the stack
  if (is_hdf5 <= 0)
    throw InputError(where + ": " + path + " is not an HDF5 file (or cannot be read)");
}

InputError corruptFile(std::string const& where, std::string const& path,
                       std::string const& dataset, std::string const& cause) {
  bool const checksum =
      cause.find("Fletcher32") != std::string::npos || cause.find("checksum") != std::string::npos;
  std::string what = checksum ? "checksum mismatch" : "cannot be read (truncated or corrupt)";
  if (!dataset.empty())
    what += " in dataset '" + dataset + "'";
  return InputError(where + ": " + path + ": " + what + ": " + cause);
}

std::string agreeOnError(mpi::Comm const& comm, std::string const& local) {
  std::int64_t const mine = local.empty() ? 0 : comm.size() - comm.rank();
  std::int64_t const first = comm.allreduceMax(mine); // size - (lowest failing rank)
  if (first == 0)
    return {};
  std::string message = local;
  comm.broadcast(message, static_cast<int>(comm.size() - first));
  return message;
}

} // namespace saddle::io::detail
