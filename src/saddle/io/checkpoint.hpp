#pragma once
/// Checkpoints: one parallel-HDF5 file holding a whole State, written collectively, indexed by
/// silo (never by rank) so that a run can restart on another number of ranks.
///
/// File layout, format_version 1 (readable with h5dump and h5py):
///
///   /                      root group, attributes:
///     format_version       int32     1 (kCheckpointFormatVersion); readers reject others
///     saddle_version       string    saddle::kVersion of the writer
///     git_hash             string    saddle::kGitHash of the writer
///     deck_text            string    the effective deck (TOML)
///     deck_hash            string    FNV-1a 64-bit hash of deck_text, 16 lower-case hex digits
///     round                int64     round the state belongs to
///     ranks                int32     number of ranks that wrote the file
///     n_silos              int64     number of silos (rows of every silo array)
///     created              string    ISO-8601 UTC time of writing, e.g. 2024-05-01T12:34:56Z
///   /<name>                one dataset per State entry, at its name as an HDF5 path
///                          ("model/theta" -> /model/theta; groups made as needed):
///     replicated array     float64, 1-D [n], chunked, Fletcher32
///     int64 scalar         int64, scalar dataspace, compact layout (see below)
///     silo array           float64, 2-D [n_silos][width], chunked, Fletcher32; row s = silo s
///
/// Integrity: every chunked dataset carries a Fletcher32 checksum per chunk, checked on every
/// read. HDF5 cannot chunk (hence cannot filter) a scalar dataspace, so int64 scalars use the
/// compact layout: their 8 bytes live inside the dataset's object header, and the file is
/// written with version-2 object headers (library bounds 1.8 .. 1.10), whose metadata carry
/// their own checksums, so a flipped byte there is detected as well. Empty datasets (a zero
/// extent) have nothing to checksum.
///
/// Atomicity: the file is written to `<path>.tmp`, closed, synced, and only then renamed to
/// `<path>` by rank 0. A crash or kill at any point leaves the previous checkpoint intact;
/// latestCheckpoint() never returns a .tmp file.
#include "saddle/core/comm.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/partition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace saddle::io {

/// The checkpoint format this saddle writes and the only one it reads.
inline constexpr int kCheckpointFormatVersion = 1;

/// The root attributes of a checkpoint.
struct CheckpointMeta {
  /// Written as given: leave the default (tests set others to make files that readers reject).
  int format_version = kCheckpointFormatVersion;
  std::string saddle_version; ///< filled by the writer (saddle::kVersion)
  std::string git_hash;       ///< filled by the writer (saddle::kGitHash)
  std::string deck_text;      ///< set by the caller: the effective deck
  std::string deck_hash;      ///< filled by the writer: deckHash(deck_text)
  std::int64_t round = 0;     ///< set by the caller
  int ranks = 0;              ///< filled by the writer: comm.size()
  std::int64_t n_silos = 0;   ///< filled by the writer: mine.n_global
  std::string created;        ///< filled by the writer: ISO-8601 UTC, rank 0's clock
};

/// A State read back from a checkpoint, with the file's attributes.
struct Checkpoint {
  State state; ///< replicated entries in full; silo arrays hold the reader's own rows only
  CheckpointMeta meta;
};

/// FNV-1a 64-bit hash of `text` as 16 lower-case hex digits. Pure, stable across platforms.
std::string deckHash(std::string const& text);

/// Write `state` as the checkpoint `path`. Collective on `comm` (parallel HDF5, collective
/// metadata and collective transfers). Every rank passes the same replicated entries and the
/// same names and widths of silo arrays; each rank's silo arrays hold exactly the rows of the
/// silos `mine` owns, and every silo array has mine.n_global rows. Fills the writer's fields of
/// `meta` (see CheckpointMeta) and returns what was written. Writes `<path>.tmp`, then renames;
/// on any failure on any rank every rank throws IoError with the first failing rank's message,
/// `<path>.tmp` is removed and an existing `<path>` is untouched. Test hook: when the
/// environment variable SADDLE_TEST_CHECKPOINT_PAUSE is set (seconds), every rank sleeps that
/// long after writing half of the datasets, before closing the file.
CheckpointMeta writeCheckpoint(std::string const& path, State const& state,
                               CheckpointMeta const& meta, data::SiloPartition const& mine,
                               mpi::Comm const& comm);

/// Read the checkpoint `path`. Collective on `comm`. Every rank gets the replicated arrays and
/// scalars in full (rank 0 reads them, one broadcast) and the rows of the silos `mine` owns of
/// every silo array (read independently, so a file written at any number of ranks can be read
/// at any other). Throws InputError on every rank, naming the file and the problem, when the
/// file is missing, not HDF5, truncated or corrupt, fails a checksum, lacks an attribute, has a
/// format_version other than kCheckpointFormatVersion, or has n_silos != mine.n_global.
Checkpoint readCheckpoint(std::string const& path, data::SiloPartition const& mine,
                          mpi::Comm const& comm);

/// The outcome of verifyCheckpoint.
struct VerifyResult {
  bool ok = false;
  std::string message;       ///< "sound: ..." or what is wrong
  CheckpointMeta meta;       ///< valid when ok
  std::int64_t datasets = 0; ///< datasets read in full
  std::int64_t values = 0;   ///< numbers read in full
};

/// Read every dataset of `path` in full (every checksum checked) and every attribute. Collective
/// on `comm`: rank 0 reads (serially), every rank gets the same result. Never throws for a bad
/// file: the problem is in `message`.
VerifyResult verifyCheckpoint(std::string const& path, mpi::Comm const& comm);

/// `dir`/ckpt_<round, 8 digits>.h5. Pure.
std::string checkpointPath(std::string const& dir, std::int64_t round);

/// The complete checkpoint (ckpt_<digits>.h5; never a .tmp) of the highest round in `dir`, or
/// nothing if there is none or `dir` does not exist. Local (not collective): on a shared file
/// system call it on rank 0 and broadcast, so that every rank restarts from the same file.
std::optional<std::string> latestCheckpoint(std::string const& dir);

/// Delete all but the `keep_last` (>= 1) complete checkpoints of highest round in `dir`, and
/// leftover ckpt_*.h5.tmp files of rounds below the newest complete one. Returns the deleted
/// paths. Local: call on rank 0 only, after writeCheckpoint returned.
std::vector<std::string> pruneCheckpoints(std::string const& dir, int keep_last);

} // namespace saddle::io
