#pragma once
/// Per-round metrics of a run in HDF5, appended across restarts without duplicated or missing
/// rounds. File `<dir>/history.h5` (readable with h5dump and h5py), layout:
///
///   /                    attributes: format_version (int32, 1), saddle_version (string)
///   /history/round       int64  [n_rows], strictly increasing round numbers
///   /history/<metric>    float64 [n_rows], one per metric; NaN where a round did not report it
///
/// Every dataset is 1-D, extendible and chunked with Fletcher32 checksums; all have the same
/// length. The file is flushed after every append, so a kill loses at most the round being
/// appended. Only one process touches the file (rank 0): the default POSIX driver, also when
/// the HDF5 library is the parallel build.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace saddle::io {

/// The history file's contents (for tests, tools and restart checks).
struct History {
  std::vector<std::int64_t> rounds;
  std::map<std::string, std::vector<double>> metrics; ///< each of rounds.size() values
};

/// `<dir>/history.h5`. Pure.
std::string historyPath(std::string const& dir);

/// Everything in a history file. Throws InputError if it is missing or not a history file,
/// IoError if it cannot be read. Local (any one process).
History readHistory(std::string const& path);

/// Appends one row per round to `<dir>/history.h5`. Not collective: construct it on rank 0
/// only. Not copyable; the file stays open (and consistent after each append) until destroyed.
class HistoryWriter {
public:
  /// `resume_after_round` < 0: start a new history (an existing file is replaced).
  /// >= 0: resuming a run whose checkpoint is of that round: open the existing file (or start
  /// one if there is none) and truncateAfter(resume_after_round). Creates `dir` if needed.
  /// Throws InputError if the existing file is not a history file or ends before
  /// `resume_after_round` (rounds would be missing), IoError if it cannot be written.
  explicit HistoryWriter(std::string const& dir, std::int64_t resume_after_round = -1);
  ~HistoryWriter();
  HistoryWriter(HistoryWriter const&) = delete;
  HistoryWriter& operator=(HistoryWriter const&) = delete;

  /// Append the row of `round` (greater than every round already in the file; Error if not).
  /// Metrics new to the file get NaN for earlier rows; metrics missing here get NaN in this
  /// row. Names are non-empty, without '/', and not "round". Flushes the file.
  /// With flush_now = false the row may stay in HDF5's cache until flush() (cheaper per row;
  /// a kill loses the rows since the last flush).
  void append(std::int64_t round, std::vector<std::pair<std::string, double>> const& metrics,
              bool flush_now = true);
  /// Write everything appended so far to disk.
  void flush();
  /// Drop every row of a round > `round`, and metrics left with no value. Flushes the file.
  void truncateAfter(std::int64_t round);

  /// Rows in the file.
  std::int64_t rows() const;
  /// The round of the last row, if any.
  std::optional<std::int64_t> lastRound() const;
  std::string const& path() const { return _path; }

private:
  struct Impl;
  std::string _path;
  std::unique_ptr<Impl> _impl;
};

} // namespace saddle::io
