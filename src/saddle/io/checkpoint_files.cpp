// Checkpoint file names in an output folder: ckpt_<round:08d>.h5, newest, pruning.
#include "saddle/core/error.hpp"
#include "saddle/io/checkpoint.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <system_error>

namespace saddle::io {

namespace {

namespace fs = std::filesystem;

/// The round of "ckpt_<digits><suffix>", or -1 if `name` is not of that form.
std::int64_t roundOf(std::string const& name, std::string const& suffix) {
  std::string const prefix = "ckpt_";
  if (name.size() <= prefix.size() + suffix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  std::string const digits =
      name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  if (digits.size() > 18 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  return std::stoll(digits);
}

/// round -> path of the files "ckpt_<digits><suffix>" in `dir` (none if `dir` is absent).
std::map<std::int64_t, std::string> filesIn(std::string const& dir, std::string const& suffix) {
  std::map<std::int64_t, std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec))
      continue;
    auto const round = roundOf(it->path().filename().string(), suffix);
    if (round >= 0)
      out[round] = it->path().string();
  }
  return out;
}

} // namespace

std::string checkpointPath(std::string const& dir, std::int64_t round) {
  SADDLE_REQUIRE(round >= 0, "saddle::checkpointPath: round must be >= 0");
  char name[40];
  std::snprintf(name, sizeof name, "ckpt_%08lld.h5", static_cast<long long>(round));
  return (fs::path(dir) / name).string();
}

std::optional<std::string> latestCheckpoint(std::string const& dir) {
  auto const complete = filesIn(dir, ".h5");
  if (complete.empty())
    return std::nullopt;
  return complete.rbegin()->second;
}

std::vector<std::string> pruneCheckpoints(std::string const& dir, int keep_last) {
  if (keep_last < 1)
    throw InputError("saddle::pruneCheckpoints: keep_last = " + std::to_string(keep_last) +
                     " is invalid (must be >= 1)");
  auto const complete = filesIn(dir, ".h5");
  std::vector<std::string> removed;
  auto const remove = [&](std::string const& path) {
    std::error_code ec;
    if (fs::remove(path, ec))
      removed.push_back(path);
    else if (ec)
      throw IoError("saddle::pruneCheckpoints: cannot delete " + path + ": " + ec.message());
  };
  std::size_t const n_old =
      complete.size() > static_cast<std::size_t>(keep_last) ? complete.size() - keep_last : 0;
  auto it = complete.begin();
  for (std::size_t i = 0; i < n_old; ++i, ++it)
    remove(it->second);
  if (!complete.empty()) // leftovers of killed writers, older than the newest good checkpoint
    for (auto const& [round, path] : filesIn(dir, ".h5.tmp"))
      if (round < complete.rbegin()->first)
        remove(path);
  return removed;
}

} // namespace saddle::io
