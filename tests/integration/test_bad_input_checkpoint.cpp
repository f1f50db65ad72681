// The bad-input matrix, checkpoints given to --restart, beyond test_restart.cpp (which covers a
// truncated file, a missing file and another deck's checkpoint): corrupted values, a corrupted
// superblock, a format version this saddle does not read, not HDF5, an HDF5 file that is not a
// checkpoint, an empty file, a folder, another deck's checkpoint with another silo count, a
// checkpoint missing a state entry, "latest" with no checkpoint. Each: exit code 2, a message
// naming the file and what is wrong, and the outputs already written (summary, history,
// checkpoints) untouched.
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/inspect.hpp"
#include "saddle/run/app.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> small(std::string const& dir, int rounds) {
  return {"run.rounds=" + std::to_string(rounds),
          "data.n_samples=2000",
          "run.log_every=5",
          "privacy.target_epsilon=0",
          "checkpoint.every=5",
          "run.output_dir=\"" + dir + "\""};
}

int train(std::vector<std::string> overrides, std::string const& restart, std::string& err) {
  saddle::TrainOptions o;
  o.deck_path = std::string(SADDLE_INPUTS_DIR) + "/quickstart.toml";
  o.overrides = std::move(overrides);
  o.restart = restart;
  o.verbose = false;
  testing::internal::CaptureStderr();
  int const code = saddle::runTraining(o, saddle::mpi::Comm::self());
  err = testing::internal::GetCapturedStderr();
  return code;
}

void flipBytes(std::string const& path, std::uintmax_t at, int n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  for (int i = 0; i < n; ++i) {
    f.seekg(static_cast<std::streamoff>(at + i));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(at + i));
    f.put(static_cast<char>(c ^ 0x5a));
  }
}

/// A run of 10 rounds in `dir` (checkpoints at 5 and 10), shared by the cases below.
class BadCheckpoint : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = saddle::test::freshDir("bad_checkpoint");
    std::string err;
    ASSERT_EQ(train(small(dir + "/run", 10), "", err), 0) << err;
    good = saddle::io::checkpointPath(dir + "/run/checkpoints", 10);
    ASSERT_TRUE(fs::exists(good));
  }

  /// Restart the same deck from `path`: exit 2, every fragment in the message, nothing
  /// written to the run's folder.
  static void expectRejected(std::string const& path, std::vector<std::string> const& fragments,
                             std::vector<std::string> overrides = {}) {
    auto const before = saddle::test::fileSnapshot(dir + "/run");
    if (overrides.empty())
      overrides = small(dir + "/run", 20);
    std::string err;
    EXPECT_EQ(train(overrides, path, err), saddle::kExitInput) << path << ": " << err;
    for (auto const& f : fragments)
      EXPECT_NE(err.find(f), std::string::npos) << "'" << f << "' not in: " << err;
    EXPECT_EQ(saddle::test::fileSnapshot(dir + "/run"), before) << path;
  }

  static std::string copyOfGood(std::string const& name) {
    std::string const path = dir + "/" + name;
    fs::copy_file(good, path, fs::copy_options::overwrite_existing);
    return path;
  }

  static std::string dir, good;
};
std::string BadCheckpoint::dir, BadCheckpoint::good;

TEST_F(BadCheckpoint, CorruptedDataBytes) {
  // Bytes inside the stored values of the model's parameters: the Fletcher32 checksum of the
  // chunk catches them. (Bytes in free space of the file change nothing a reader uses, so a
  // flip at an arbitrary offset may rightly go unnoticed.)
  auto const path = copyOfGood("corrupted.h5");
  auto const chunks = saddle::io::chunkExtents(path, "/model/theta");
  ASSERT_FALSE(chunks.empty());
  flipBytes(path, chunks[0].offset + chunks[0].size / 2, 4);
  expectRejected(path, {path, "checksum mismatch", "/model/theta"});
}

TEST_F(BadCheckpoint, CorruptedSuperblock) {
  auto const path = copyOfGood("superblock.h5");
  flipBytes(path, 12, 8); // inside the superblock, after the signature
  expectRejected(path, {path});
}

TEST_F(BadCheckpoint, WrongFormatVersion) {
  auto const self = saddle::mpi::Comm::self();
  auto ck = saddle::io::readCheckpoint(good, saddle::data::SiloPartition::block(4, 0, 1), self);
  ck.meta.format_version = saddle::io::kCheckpointFormatVersion + 1;
  auto const path = dir + "/v2.h5";
  saddle::io::writeCheckpoint(path, ck.state, ck.meta, saddle::data::SiloPartition::block(4, 0, 1),
                              self);
  expectRejected(path, {path, "format_version 2 is not supported"});
}

TEST_F(BadCheckpoint, NotHdf5EmptyOrAFolder) {
  auto const text = dir + "/deck_as_checkpoint.h5";
  std::ofstream(text) << "[run]\nrounds = 3\n";
  expectRejected(text, {text, "not an HDF5 file"});
  auto const empty = dir + "/empty.h5";
  std::ofstream{empty};
  expectRejected(empty, {empty});
  expectRejected(dir + "/run/checkpoints", {dir + "/run/checkpoints"});
}

TEST_F(BadCheckpoint, AnHdf5FileThatIsNotACheckpoint) {
  auto const history = dir + "/run/history.h5"; // HDF5, written by saddle, not a checkpoint
  expectRejected(history, {history, "missing"});
}

TEST_F(BadCheckpoint, AnotherDecksCheckpointWithAnotherSiloCount) {
  auto overrides = small(dir + "/run", 20);
  overrides.push_back("silos.count=3");
  expectRejected(good, {good, "silos"}, overrides);
}

TEST_F(BadCheckpoint, LatestWithNoCheckpointNamesTheFolder) {
  auto const empty_run = dir + "/no_checkpoints";
  fs::create_directories(empty_run);
  std::string err;
  EXPECT_EQ(train(small(empty_run, 20), "latest", err), saddle::kExitInput) << err;
  EXPECT_NE(err.find(empty_run + "/checkpoints"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(empty_run + "/summary.csv"));
}

TEST_F(BadCheckpoint, AMissingStateEntryNamesTheFile) {
  // The attributes and the deck are right, one dataset of the state is gone: the message must
  // say which checkpoint file lacks it (the State alone knows only the entry's name).
  auto const self = saddle::mpi::Comm::self();
  auto const mine = saddle::data::SiloPartition::block(4, 0, 1);
  auto const ck = saddle::io::readCheckpoint(good, mine, self);
  saddle::State partial;
  bool dropped = false;
  for (auto const& [name, values] : ck.state.arrays())
    if (!dropped && name.find("theta") != std::string::npos)
      dropped = true; // leave the model's parameters out
    else
      partial.putArray(name, values);
  ASSERT_TRUE(dropped);
  for (auto const& [name, value] : ck.state.integers())
    partial.putInt(name, value);
  for (auto const& [name, rows] : ck.state.siloArrays())
    partial.putSiloArray(name, rows);
  auto const path = dir + "/partial.h5";
  saddle::io::writeCheckpoint(path, partial, ck.meta, mine, self);
  expectRejected(path, {path, "theta"});
}

} // namespace
