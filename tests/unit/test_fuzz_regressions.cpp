// Every seed of the fuzzers' corpora (tests/fuzz/corpus/<target>/) and every input that once
// crashed a fuzzer (tests/fuzz/regressions/<target>/), replayed through the fuzzers' own entry
// points (fuzz/fuzz_entries.hpp) in the ordinary build: a reader that throws anything but
// InputError, or accepts a file and returns something broken, fails here.
#include <gtest/gtest.h>

#include "fuzz_entries.hpp"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// The files of tests/fuzz/<kind>/<target>/ (none if the folder is absent), sorted.
std::vector<fs::path> inputs(char const* kind, char const* target) {
  std::vector<fs::path> files;
  fs::path const dir = fs::path(SADDLE_FUZZ_DATA_DIR) / kind / target;
  if (fs::is_directory(dir))
    for (auto const& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && entry.path().filename() != "README.md")
        files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytesOf(fs::path const& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Replay every file of `target`'s corpus and regressions through `entry`; returns how many.
template <class Entry> std::size_t replay(char const* target, Entry entry) {
  std::size_t count = 0;
  for (char const* kind : {"corpus", "regressions"})
    for (auto const& file : inputs(kind, target)) {
      SCOPED_TRACE(file.string());
      std::string const bytes = bytesOf(file);
      EXPECT_NO_THROW(entry(reinterpret_cast<std::uint8_t const*>(bytes.data()), bytes.size()));
      ++count;
    }
  return count;
}

TEST(FuzzRegressions, DeckInputs) {
  EXPECT_GE(replay("deck", saddle::fuzz::deckEntry), 1u); // the seeds at least
}

TEST(FuzzRegressions, CsvInputs) {
  EXPECT_GE(replay("csv", saddle::fuzz::csvEntry), 1u);
}

TEST(FuzzRegressions, CheckpointInputs) {
  EXPECT_GE(replay("checkpoint", saddle::fuzz::checkpointEntry), 1u);
}

TEST(FuzzRegressions, EmptyInputsAreRejectedCleanly) {
  std::uint8_t const none = 0;
  EXPECT_NO_THROW(saddle::fuzz::deckEntry(&none, 0));
  EXPECT_NO_THROW(saddle::fuzz::csvEntry(&none, 0));
  EXPECT_NO_THROW(saddle::fuzz::checkpointEntry(&none, 0));
}

} // namespace
