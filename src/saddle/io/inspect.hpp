#pragma once
/// A human summary of a checkpoint file, and its verification: the logic of `saddle-inspect`.
/// Serial: one process opens the file with the default (POSIX) driver.
#include "saddle/io/checkpoint.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace saddle::io {

/// One dataset of a checkpoint.
struct DatasetSummary {
  std::string path;                        ///< "/model/theta"
  std::string type;                        ///< "float64" or "int64"
  std::vector<std::int64_t> shape;         ///< {} for a scalar
  std::string layout;                      ///< "chunked", "compact" or "contiguous"
  bool fletcher32 = false;                 ///< chunks carry Fletcher32 checksums
  std::int64_t stored_bytes = 0;           ///< bytes on disk (after filters)
  bool read = false;                       ///< every value read (checksums checked)
  std::vector<double> first;               ///< the values, when there are at most kShowValues
  std::int64_t integer = 0;                ///< the value of an int64 scalar
  std::int64_t nan_count = 0;              ///< NaN among the values read
  double min = 0.0, max = 0.0, mean = 0.0; ///< over the non-NaN values read
};

struct CheckpointSummary {
  std::string path;
  std::int64_t file_bytes = 0;
  CheckpointMeta meta;
  std::vector<DatasetSummary> datasets;
  bool verified = false;   ///< every dataset read in full
  std::int64_t values = 0; ///< numbers read
};

/// Datasets of at most this many values are printed in full.
inline constexpr std::int64_t kShowValues = 8;
/// Datasets of at most this many values are read for min/max/mean even without verify.
inline constexpr std::int64_t kStatsValues = 1 << 16;

/// Summarize the checkpoint `path`; `verify` reads every dataset in full (every checksum).
/// Throws InputError naming the file and the problem: missing, not HDF5, truncated or corrupt,
/// not a checkpoint, wrong format_version, checksum mismatch in a dataset it read. Local.
CheckpointSummary inspectCheckpoint(std::string const& path, bool verify);

/// The summary as aligned text lines.
std::string formatSummary(CheckpointSummary const& summary);

/// `saddle-inspect FILE [--verify]`: print the summary on `out`; on a problem print it on `err`
/// and return 2 (kExitInput), else 0. Local.
int runInspect(std::string const& path, bool verify, std::ostream& out, std::ostream& err);

/// Where a chunked dataset's chunks lie in the file: byte offset and stored size of each.
/// For tools and for tests that damage a file on purpose. Local.
struct ChunkExtent {
  std::vector<std::uint64_t> start; ///< index of the chunk's first element in the dataset
  std::uint64_t offset = 0;         ///< byte offset in the file
  std::uint64_t size = 0;           ///< bytes stored (after filters)
};
std::vector<ChunkExtent> chunkExtents(std::string const& path, std::string const& dataset);

} // namespace saddle::io
