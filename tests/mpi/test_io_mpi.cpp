// Parallel checkpoints: written at this rank count, read back bitwise with other partitions of
// the silos (as if at 1, 2, 3, size + 1 ranks); failures on some ranks only end on all ranks.
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/inspect.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using saddle::data::SiloPartition;

constexpr std::int64_t kSilos = 5;
constexpr std::int64_t kWide = 70000; // a row of more than one chunk

/// Entry (silo, j) of a silo array of width `width`: a formula every rank can recompute.
double cell(std::int64_t width, std::int64_t silo, std::int64_t j) {
  return std::sin(0.7 * static_cast<double>(silo) + 1e-3 * static_cast<double>(j * width)) /
         (1.0 + static_cast<double>(j));
}

std::vector<double> theta() {
  std::vector<double> v(1234);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::exp(-1e-3 * static_cast<double>(i)) * (i % 2 ? -1.0 : 1.0);
  return v;
}

/// The state one rank holds when it owns `mine`.
saddle::State stateFor(SiloPartition const& mine) {
  saddle::State s;
  s.putArray("model/theta", theta());
  s.putArray("dual/lambda", {0.5, 0.25});
  s.putInt("run/round", 40);
  for (std::int64_t width : {std::int64_t{3}, std::int64_t{1}, kWide}) {
    saddle::SiloArray table{kSilos, width, {}};
    for (auto silo = mine.begin; silo < mine.end; ++silo) {
      auto& row = table.rows[silo];
      for (std::int64_t j = 0; j < width; ++j)
        row.push_back(cell(width, silo, j));
    }
    s.putSiloArray("silo/w" + std::to_string(width), table);
  }
  return s;
}

bool sameBits(std::vector<double> const& a, std::vector<double> const& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// A folder shared by all ranks, fresh for this rank count. Collective.
std::string sharedDir(saddle::mpi::Comm const& comm, std::string const& name) {
  auto const dir = fs::path(::testing::TempDir()) /
                   ("saddle_io_mpi_" + name + "_np" + std::to_string(comm.size()));
  if (comm.rank() == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  comm.barrier();
  return dir.string();
}

std::string writeAtThisSize(saddle::mpi::Comm const& comm, std::string const& dir) {
  auto const mine = SiloPartition::block(kSilos, comm.rank(), comm.size());
  saddle::io::CheckpointMeta meta;
  meta.deck_text = "[silos]\ncount = 5\n";
  meta.round = 40;
  auto const path = saddle::io::checkpointPath(dir, 40);
  auto const written = saddle::io::writeCheckpoint(path, stateFor(mine), meta, mine, comm);
  EXPECT_EQ(written.ranks, comm.size());
  return path;
}

TEST(IoMpi, ReadBackBitwiseUnderOtherPartitions) {
  saddle::mpi::Comm const comm(MPI_COMM_WORLD);
  auto const path = writeAtThisSize(comm, sharedDir(comm, "partitions"));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  for (int const readers : {1, 2, 3, comm.size(), comm.size() + 1}) {
    // Every silo of the `readers`-rank partition is read by some rank of this run; all ranks
    // make the same number of collective reads (an empty partition where none is left).
    int const rounds = (readers + comm.size() - 1) / comm.size();
    for (int k = 0; k < rounds; ++k) {
      int const r = comm.rank() + k * comm.size();
      auto const part =
          r < readers ? SiloPartition::block(kSilos, r, readers) : SiloPartition{kSilos, 0, 0};
      auto const got = saddle::io::readCheckpoint(path, part, comm);
      EXPECT_TRUE(sameBits(got.state.array("model/theta"), theta()));
      EXPECT_TRUE(sameBits(got.state.array("dual/lambda"), {0.5, 0.25}));
      EXPECT_EQ(got.state.integer("run/round"), 40);
      EXPECT_EQ(got.meta.ranks, comm.size());
      EXPECT_EQ(got.meta.n_silos, kSilos);
      for (std::int64_t width : {std::int64_t{3}, std::int64_t{1}, kWide}) {
        auto const& table = got.state.siloArray("silo/w" + std::to_string(width), width);
        ASSERT_EQ(static_cast<std::int64_t>(table.rows.size()), part.count());
        for (auto const& [silo, row] : table.rows) {
          EXPECT_TRUE(part.owns(silo));
          std::vector<double> expected;
          for (std::int64_t j = 0; j < width; ++j)
            expected.push_back(cell(width, silo, j));
          EXPECT_TRUE(sameBits(row, expected)) << "width " << width << " silo " << silo;
        }
      }
    }
  }
  auto const verify = saddle::io::verifyCheckpoint(path, comm);
  EXPECT_TRUE(verify.ok) << verify.message;
}

TEST(IoMpi, RanksWithoutSilosTakePart) {
  // One silo: at np > 1 every other rank owns none and writes an empty selection.
  saddle::mpi::Comm const comm(MPI_COMM_WORLD);
  auto const dir = sharedDir(comm, "one_silo");
  auto const mine = SiloPartition::block(1, comm.rank(), comm.size());
  saddle::State state;
  saddle::SiloArray table{1, 4, {}};
  if (mine.owns(0))
    table.rows[0] = {1.0, -2.0, 0.5, 8.0};
  state.putSiloArray("silo/acc", table);
  saddle::io::CheckpointMeta meta;
  auto const path = saddle::io::checkpointPath(dir, 2);
  saddle::io::writeCheckpoint(path, state, meta, mine, comm);
  auto const everything = SiloPartition::block(1, 0, 1); // every rank reads the one row
  auto const got = saddle::io::readCheckpoint(path, everything, comm);
  EXPECT_EQ(got.state.siloArray("silo/acc").rows.at(0), (std::vector<double>{1.0, -2.0, 0.5, 8.0}));
  auto const own = saddle::io::readCheckpoint(path, mine, comm);
  EXPECT_EQ(static_cast<std::int64_t>(own.state.siloArray("silo/acc").rows.size()), mine.count());
}

TEST(IoMpi, DamageSeenByOneRankFailsEveryRank) {
  saddle::mpi::Comm const comm(MPI_COMM_WORLD);
  auto const path = writeAtThisSize(comm, sharedDir(comm, "damage"));
  if (comm.rank() == 0) { // damage the last chunk of the wide table: the last silo's row
    auto const chunks = saddle::io::chunkExtents(path, "/silo/w70000");
    auto const last = std::max_element(chunks.begin(), chunks.end(),
                                       [](auto& a, auto& b) { return a.start < b.start; });
    EXPECT_EQ(last->start.at(0), static_cast<std::uint64_t>(kSilos - 1)); // no ASSERT: barrier
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(last->offset + last->size / 2));
    f.put('\x7f').put('\x01');
  }
  comm.barrier();
  auto const mine = SiloPartition::block(kSilos, comm.rank(), comm.size());
  try {
    saddle::io::readCheckpoint(path, mine, comm);
    ADD_FAILURE() << "no InputError on rank " << comm.rank();
  } catch (saddle::InputError const& e) { // on every rank, with the failing rank's message
    EXPECT_NE(std::string(e.what()).find("checksum mismatch in dataset '/silo/w70000'"),
              std::string::npos)
        << e.what();
  }
}

TEST(IoMpi, RanksThatDisagreeFailTogether) {
  saddle::mpi::Comm const comm(MPI_COMM_WORLD);
  if (comm.size() < 2)
    GTEST_SKIP() << "needs 2 ranks";
  auto const dir = sharedDir(comm, "disagree");
  auto const mine = SiloPartition::block(kSilos, comm.rank(), comm.size());
  auto state = stateFor(mine);
  if (comm.rank() == comm.size() - 1)
    state.putArray("model/theta", {1.0}); // not what the other ranks hold
  saddle::io::CheckpointMeta meta;
  auto const path = saddle::io::checkpointPath(dir, 1);
  EXPECT_THROW(saddle::io::writeCheckpoint(path, state, meta, mine, comm), saddle::IoError);
  comm.barrier();
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

} // namespace
