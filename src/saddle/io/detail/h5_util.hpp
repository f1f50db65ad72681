#pragma once
/// Helpers shared by the checkpoint writer, reader, inspector and history (internal to io/).
#include "saddle/core/comm.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/hdf5.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle::io::detail {

/// File access through MPI-IO on `comm` (H5Pset_fapl_mpio), version-2 object headers (library
/// bounds 1.8 .. 1.10: checksummed metadata). `collective_metadata` makes metadata reads and
/// writes collective (every rank must then make the same metadata calls in the same order).
h5::PropList parallelAccess(mpi::Comm const& comm, bool collective_metadata);
/// File access through the default (POSIX) driver, for files one process touches.
h5::PropList serialAccess();
/// A transfer property list: MPI-IO collective or independent, checksums checked on read.
h5::PropList transfer(bool collective);

/// Scalar attribute `name` on `object`: a variable-length UTF-8 string, or an integer stored
/// as `file_type` (H5T_STD_I32LE or H5T_STD_I64LE).
void writeAttribute(hid_t object, char const* name, std::string const& value);
void writeAttribute(hid_t object, char const* name, std::int64_t value, hid_t file_type);
bool hasAttribute(hid_t object, char const* name);
/// A scalar string (variable or fixed length) or integer attribute; IoError if of another kind.
std::string readStringAttribute(hid_t object, char const* name);
std::int64_t readIntAttribute(hid_t object, char const* name);

/// Write every attribute of CheckpointMeta on `root` (the file's root group).
void writeMetaAttributes(hid_t root, CheckpointMeta const& meta);
/// Read them back. Throws InputError naming `path` for a missing attribute or a
/// format_version other than kCheckpointFormatVersion (checked first).
CheckpointMeta readMetaAttributes(hid_t root, std::string const& path);

/// Paths ("/model/theta") of every dataset under `file`'s root, in name order.
std::vector<std::string> listDatasets(hid_t file);
/// Extents of a dataset ({} for a scalar).
std::vector<hsize_t> datasetShape(hid_t dataset);
/// Number of elements of `shape` (1 for a scalar).
std::int64_t elementCount(std::vector<hsize_t> const& shape);

/// Read rows [begin, begin + count) of a float64 dataset of shape [n] (width 1) or
/// [n][width] into `out` (count * width doubles). Independent unless `dxpl` says otherwise.
void readRows(hid_t dataset, std::vector<hsize_t> const& shape, hsize_t begin, hsize_t count,
              double* out, hid_t dxpl);

/// The file-system checks before HDF5 opens `path`: it exists, is a regular file and is HDF5.
/// Throws InputError naming `where` and `path`. Local.
void requireHdf5File(std::string const& where, std::string const& path);
/// Every global heap collection of `path` (where HDF5 keeps variable-length strings, unchecked
/// by any checksum) is well formed, so that HDF5 1.10 never copies past a heap object: throws
/// InputError naming `where`, `path` and the byte offset otherwise. Reads the whole file. Local.
/// (Defined in checkpoint_read.cpp.)
void requireSoundGlobalHeaps(std::string const& where, std::string const& path);
/// InputError for a failure reading `path` (checksum errors named as such). `dataset` may be "".
InputError corruptFile(std::string const& where, std::string const& path,
                       std::string const& dataset, std::string const& cause);

/// The first failing rank's message on every rank (empty everywhere when no rank failed).
/// `local` is this rank's message, empty if it did not fail. Collective on `comm`.
std::string agreeOnError(mpi::Comm const& comm, std::string const& local);

} // namespace saddle::io::detail
