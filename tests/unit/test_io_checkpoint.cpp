// Checkpoint files on one rank: bitwise round trip, attributes, atomic replacement, and a clear
// InputError for every kind of bad file (missing, not HDF5, truncated, flipped bytes, wrong
// format version, wrong number of silos, not a checkpoint).
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/history.hpp"
#include "saddle/io/inspect.hpp"
#include "saddle/version.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>

namespace {

namespace fs = std::filesystem;
using saddle::data::SiloPartition;
using saddle::io::readCheckpoint;
using saddle::io::writeCheckpoint;

constexpr std::int64_t kSilos = 5;

/// A State with awkward values (signed zero, subnormal, infinities, NaN, extremes), an empty
/// array, an array of several chunks, int64 extremes and silo arrays of widths 3, 1 and 0.
saddle::State sampleState() {
  saddle::State s;
  std::vector<double> theta(1000);
  for (std::size_t i = 0; i < theta.size(); ++i)
    theta[i] = std::sin(0.37 * static_cast<double>(i)) * std::pow(10.0, static_cast<double>(i % 9));
  theta[0] = -0.0;
  theta[1] = std::numeric_limits<double>::denorm_min();
  theta[2] = std::numeric_limits<double>::infinity();
  theta[3] = -std::numeric_limits<double>::max();
  theta[4] = std::numeric_limits<double>::quiet_NaN();
  s.putArray("model/theta", theta);
  s.putArray("dual/lambda", {0.125, 3.5, 1e-300});
  s.putArray("empty", {});
  std::vector<double> big(70000); // more than one chunk of 65536 values
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = 1.0 / (1.0 + static_cast<double>(i));
  s.putArray("optim/adam/m", big);
  s.putInt("run/round", 12);
  s.putInt("rng/counter", std::numeric_limits<std::int64_t>::min());
  s.putInt("sampler/position", std::numeric_limits<std::int64_t>::max());
  for (auto const width : {3, 1, 0}) {
    saddle::SiloArray table{kSilos, width, {}};
    for (std::int64_t silo = 0; silo < kSilos; ++silo) {
      auto& row = table.rows[silo];
      for (int j = 0; j < width; ++j)
        row.push_back(std::cos(1.3 * static_cast<double>(silo) + j) * 7.0);
    }
    s.putSiloArray("silo/w" + std::to_string(width), table);
  }
  return s;
}

bool sameBits(std::vector<double> const& a, std::vector<double> const& b) {
  // empty vectors may hold null data pointers, which memcmp must not see (UBSan)
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

/// Bitwise equality (NaN included, -0.0 distinguished from 0.0).
void expectSameBits(saddle::State const& a, saddle::State const& b) {
  ASSERT_EQ(a.arrays().size(), b.arrays().size());
  for (auto const& [name, values] : a.arrays())
    EXPECT_TRUE(sameBits(values, b.array(name))) << name;
  EXPECT_EQ(a.integers(), b.integers());
  ASSERT_EQ(a.siloArrays().size(), b.siloArrays().size());
  for (auto const& [name, table] : a.siloArrays()) {
    auto const& other = b.siloArray(name);
    EXPECT_EQ(table.n_silos, other.n_silos) << name;
    EXPECT_EQ(table.width, other.width) << name;
    ASSERT_EQ(table.rows.size(), other.rows.size()) << name;
    for (auto const& [silo, row] : table.rows)
      EXPECT_TRUE(sameBits(row, other.rows.at(silo))) << name << " silo " << silo;
  }
}

saddle::io::CheckpointMeta sampleMeta(std::int64_t round = 12) {
  saddle::io::CheckpointMeta meta;
  meta.deck_text = "[run]\nrounds = 30\n";
  meta.round = round;
  return meta;
}

SiloPartition all() {
  return SiloPartition::block(kSilos, 0, 1);
}

std::string writeSample(std::string const& dir, std::int64_t round = 12) {
  auto const path = saddle::io::checkpointPath(dir, round);
  writeCheckpoint(path, sampleState(), sampleMeta(round), all(), saddle::mpi::Comm::self());
  return path;
}

/// Run `read` and expect an InputError whose message contains every one of `parts`.
template <class F> void expectInputError(F&& read, std::vector<std::string> const& parts) {
  try {
    read();
    ADD_FAILURE() << "no InputError";
  } catch (saddle::InputError const& e) {
    for (auto const& part : parts)
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos)
          << "'" << part << "' not in: " << e.what();
  }
}

void flipBytes(std::string const& path, std::uint64_t offset, std::size_t n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  for (std::size_t i = 0; i < n; ++i) {
    f.seekg(static_cast<std::streamoff>(offset + i));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset + i));
    f.put(static_cast<char>(c ^ 0x5a));
  }
}

TEST(IoCheckpoint, RoundTripIsBitwiseWithAttributes) {
  auto const dir = saddle::test::freshDir("io_roundtrip");
  auto const path = writeSample(dir);
  EXPECT_EQ(path, dir + "/ckpt_00000012.h5");
  auto const back = readCheckpoint(path, all(), saddle::mpi::Comm::self());
  expectSameBits(sampleState(), back.state);
  auto const& m = back.meta;
  EXPECT_EQ(m.format_version, 1);
  EXPECT_EQ(m.saddle_version, saddle::kVersion);
  EXPECT_EQ(m.git_hash, saddle::kGitHash);
  EXPECT_EQ(m.deck_text, sampleMeta().deck_text);
  EXPECT_EQ(m.deck_hash, saddle::io::deckHash(m.deck_text));
  EXPECT_EQ(m.round, 12);
  EXPECT_EQ(m.ranks, 1);
  EXPECT_EQ(m.n_silos, kSilos);
  EXPECT_TRUE(std::regex_match(m.created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << m.created;
}

TEST(IoCheckpoint, DeckHashIsFnv1a64) {
  // FNV-1a 64-bit test vectors from the FNV reference (Fowler, Noll, Vo): "" and "a".
  EXPECT_EQ(saddle::io::deckHash(""), "cbf29ce484222325");
  EXPECT_EQ(saddle::io::deckHash("a"), "af63dc4c8601ec8c");
  EXPECT_NE(saddle::io::deckHash("[run]\nrounds = 3\n"),
            saddle::io::deckHash("[run]\nrounds = 4\n"));
}

TEST(IoCheckpoint, ReplacesAtomicallyAndLeavesNoTmp) {
  auto const dir = saddle::test::freshDir("io_atomic");
  auto const path = writeSample(dir);
  auto state = sampleState();
  state.putInt("run/round", 13);
  writeCheckpoint(path, state, sampleMeta(), all(), saddle::mpi::Comm::self()); // overwrite
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  EXPECT_EQ(readCheckpoint(path, all(), saddle::mpi::Comm::self()).state.integer("run/round"), 13);
}

TEST(IoCheckpoint, FailureMidwayKeepsThePreviousCheckpoint) {
  auto const dir = saddle::test::freshDir("io_fail");
  auto const path = writeSample(dir);
  auto bad = sampleState();
  bad.putArray("model/theta/x", {1.0}); // /model/theta is a dataset: HDF5 cannot make a group
  EXPECT_THROW(writeCheckpoint(path, bad, sampleMeta(), all(), saddle::mpi::Comm::self()),
               saddle::IoError);
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  expectSameBits(sampleState(), readCheckpoint(path, all(), saddle::mpi::Comm::self()).state);
}

TEST(IoCheckpoint, WriterRejectsRowsOfSilosItDoesNotOwn) {
  auto const dir = saddle::test::freshDir("io_rows");
  auto const half = SiloPartition::block(kSilos, 0, 2); // silos 0..2
  EXPECT_THROW(
      writeCheckpoint(dir + "/x.h5", sampleState(), sampleMeta(), half, saddle::mpi::Comm::self()),
      saddle::IoError);
  EXPECT_FALSE(fs::exists(dir + "/x.h5.tmp"));
  EXPECT_FALSE(fs::exists(dir + "/x.h5"));
}

TEST(IoCheckpoint, MissingFileIsAClearInputError) {
  auto const dir = saddle::test::freshDir("io_missing");
  expectInputError([&] { readCheckpoint(dir + "/nope.h5", all(), saddle::mpi::Comm::self()); },
                   {dir + "/nope.h5", "does not exist"});
}

TEST(IoCheckpoint, NotHdf5IsAClearInputError) {
  auto const dir = saddle::test::freshDir("io_nothdf5");
  std::ofstream(dir + "/deck.h5") << "[run]\nrounds = 3\n";
  expectInputError([&] { readCheckpoint(dir + "/deck.h5", all(), saddle::mpi::Comm::self()); },
                   {dir + "/deck.h5", "not an HDF5 file"});
}

TEST(IoCheckpoint, TruncatedFileIsAClearInputError) {
  auto const dir = saddle::test::freshDir("io_truncated");
  auto const path = writeSample(dir);
  fs::resize_file(path, fs::file_size(path) / 2);
  expectInputError([&] { readCheckpoint(path, all(), saddle::mpi::Comm::self()); },
                   {path, "truncated"});
}

TEST(IoCheckpoint, FlippedDataBytesFailTheChecksum) {
  auto const dir = saddle::test::freshDir("io_flip_chunk");
  auto const path = writeSample(dir);
  auto const chunks = saddle::io::chunkExtents(path, "/model/theta");
  ASSERT_EQ(chunks.size(), 1u);
  flipBytes(path, chunks[0].offset + chunks[0].size / 2, 3);
  expectInputError([&] { readCheckpoint(path, all(), saddle::mpi::Comm::self()); },
                   {path, "checksum mismatch", "/model/theta"});
}

TEST(IoCheckpoint, FlippedBytesAnywhereAreAnInputError) {
  // Sweep flips across the file: each lands in raw data (checksum) or metadata (structure).
  auto const dir = saddle::test::freshDir("io_flip_sweep");
  auto const good = writeSample(dir);
  auto const size = fs::file_size(good);
  for (int k = 1; k < 8; ++k) {
    auto const path = dir + "/flip" + std::to_string(k) + ".h5";
    fs::copy_file(good, path);
    flipBytes(path, size * static_cast<std::uint64_t>(k) / 8, 16);
    expectInputError([&] { readCheckpoint(path, all(), saddle::mpi::Comm::self()); }, {path});
  }
}

TEST(IoCheckpoint, FlippedScalarBytesAreDetected) {
  // int64 scalars are compact: their bytes sit in the dataset's object header, which carries
  // a checksum (version-2 headers). Find the value's bytes by their distinctive pattern.
  auto const dir = saddle::test::freshDir("io_flip_scalar");
  saddle::State state;
  std::int64_t const value = 0x1122334455667788;
  state.putInt("rng/counter", value);
  auto const path = dir + "/scalar.h5";
  writeCheckpoint(path, state, sampleMeta(), all(), saddle::mpi::Comm::self());
  std::ifstream in(path, std::ios::binary);
  std::string const bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string pattern(sizeof value, '\0');
  std::memcpy(pattern.data(), &value, sizeof value); // the file is little-endian, as is x86
  auto const at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(bytes.find(pattern, at + 1), std::string::npos);
  flipBytes(path, at, 1);
  expectInputError([&] { readCheckpoint(path, all(), saddle::mpi::Comm::self()); },
                   {path, "rng/counter"});
}

TEST(IoCheckpoint, UnknownFormatVersionIsRejected) {
  auto const dir = saddle::test::freshDir("io_version");
  auto meta = sampleMeta();
  meta.format_version = 7;
  auto const path = dir + "/v7.h5";
  writeCheckpoint(path, sampleState(), meta, all(), saddle::mpi::Comm::self());
  expectInputError([&] { readCheckpoint(path, all(), saddle::mpi::Comm::self()); },
                   {path, "format_version 7 is not supported (this saddle reads 1)"});
}

TEST(IoCheckpoint, SiloCountMismatchIsRejected) {
  auto const dir = saddle::test::freshDir("io_silos");
  auto const path = writeSample(dir);
  expectInputError(
      [&] { readCheckpoint(path, SiloPartition::block(4, 0, 1), saddle::mpi::Comm::self()); },
      {path, "holds 5 silos", "this run has 4"});
}

TEST(IoCheckpoint, AnotherHdf5FileLacksAttributes) {
  auto const dir = saddle::test::freshDir("io_notckpt");
  { saddle::io::HistoryWriter history(dir); } // an HDF5 file, but not a checkpoint
  auto const path = saddle::io::historyPath(dir);
  expectInputError([&] { readCheckpoint(path, all(), saddle::mpi::Comm::self()); },
                   {path, "attribute 'git_hash' is missing"});
}

TEST(IoCheckpoint, VerifyReadsEverythingAndReportsDamage) {
  auto const dir = saddle::test::freshDir("io_verify");
  auto const path = writeSample(dir);
  auto const ok = saddle::io::verifyCheckpoint(path, saddle::mpi::Comm::self());
  EXPECT_TRUE(ok.ok) << ok.message;
  EXPECT_EQ(ok.datasets, 10);                          // 4 arrays + 3 scalars + 3 silo arrays
  EXPECT_EQ(ok.values, 1000 + 3 + 70000 + 3 + 15 + 5); // every number of sampleState()
  EXPECT_EQ(ok.meta.round, 12);
  auto const chunks = saddle::io::chunkExtents(path, "/optim/adam/m");
  ASSERT_EQ(chunks.size(), 2u);
  flipBytes(path, chunks[1].offset + 8, 1);
  auto const bad = saddle::io::verifyCheckpoint(path, saddle::mpi::Comm::self());
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.message.find("checksum mismatch in dataset '/optim/adam/m'"), std::string::npos)
      << bad.message;
}

TEST(IoCheckpointFiles, PathLatestAndPrune) {
  auto const dir = saddle::test::freshDir("io_files");
  EXPECT_EQ(saddle::io::checkpointPath("out", 7), "out/ckpt_00000007.h5");
  EXPECT_FALSE(saddle::io::latestCheckpoint(dir + "/absent").has_value());
  EXPECT_FALSE(saddle::io::latestCheckpoint(dir).has_value());
  for (std::int64_t round : {1, 2, 3, 10})
    std::ofstream(saddle::io::checkpointPath(dir, round)) << "x";
  for (auto const* name : {"ckpt_00000011.h5.tmp", "ckpt_00000002.h5.tmp", "ckpt_abc.h5",
                           "ckpt_.h5", "notes.txt", "ckpt_00000099.h5.bak"})
    std::ofstream(dir + "/" + name) << "x";
  EXPECT_EQ(saddle::io::latestCheckpoint(dir), saddle::io::checkpointPath(dir, 10));

  auto removed = saddle::io::pruneCheckpoints(dir, 2);
  std::sort(removed.begin(), removed.end());
  std::vector<std::string> const expected{saddle::io::checkpointPath(dir, 1),
                                          saddle::io::checkpointPath(dir, 2),
                                          saddle::io::checkpointPath(dir, 2) + ".tmp"};
  EXPECT_EQ(removed, expected);
  EXPECT_TRUE(fs::exists(saddle::io::checkpointPath(dir, 3)));
  EXPECT_TRUE(fs::exists(saddle::io::checkpointPath(dir, 10)));
  EXPECT_TRUE(fs::exists(dir + "/ckpt_00000011.h5.tmp")); // newer than the newest complete one
  EXPECT_TRUE(fs::exists(dir + "/notes.txt"));
  EXPECT_TRUE(saddle::io::pruneCheckpoints(dir, 2).empty());
  EXPECT_THROW(saddle::io::pruneCheckpoints(dir, 0), saddle::InputError);
}

} // namespace
