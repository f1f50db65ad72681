// saddle-inspect on good and damaged checkpoints (exit 0 / 2), and the file read by h5dump and
// h5py, the tools the checkpoint layout promises.
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/inspect.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <filesystem>
#include <fstream>

namespace {

using saddle::data::SiloPartition;

std::string writeCheckpoint(std::string const& dir, int format_version = 1) {
  saddle::State s;
  s.putArray("model/theta", {0.5, -1.5, 2.0, 4.0});
  std::vector<double> big(100000, 0.0);
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<double>(i % 17) - 8.0;
  s.putArray("optim/momentum", big);
  s.putInt("run/round", 12);
  saddle::SiloArray table{5, 3, {}};
  for (std::int64_t silo = 0; silo < 5; ++silo)
    table.rows[silo] = {1.0 * static_cast<double>(silo), 2.0, 3.0};
  s.putSiloArray("privacy/ledger", table);
  saddle::io::CheckpointMeta meta;
  meta.deck_text = "[run]\nrounds = 20\n";
  meta.round = 12;
  meta.format_version = format_version;
  auto const path = saddle::io::checkpointPath(dir, 12);
  saddle::io::writeCheckpoint(path, s, meta, SiloPartition::block(5, 0, 1),
                              saddle::mpi::Comm::self());
  return path;
}

int run(std::string const& command, std::string& output) {
  return saddle::test::runCommand(command, output);
}

TEST(IoTools, InspectSummarizesAGoodCheckpoint) {
  auto const path = writeCheckpoint(saddle::test::freshDir("io_inspect_good"));
  std::string out;
  ASSERT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " " + path, out), 0) << out;
  std::string const hash = saddle::io::deckHash("[run]\nrounds = 20\n");
  for (auto const* part :
       {"round           12", "silos           5", "format_version  1", "/model/theta", "[4]",
        "= [0.5, -1.5, 2, 4]", "/privacy/ledger", "[5][3]", "/optim/momentum", "[100000]",
        "not read", "= 12", hash.c_str()})
    EXPECT_NE(out.find(part), std::string::npos) << "'" << part << "' not in:\n" << out;
  ASSERT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " --verify " + path, out), 0) << out;
  EXPECT_NE(out.find("sound: 4 datasets, 100020 values read, every checksum holds"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("min -8  max 8"), std::string::npos) << out;
}

TEST(IoTools, InspectVerifyFailsOnDamage) {
  auto const dir = saddle::test::freshDir("io_inspect_bad");
  auto const path = writeCheckpoint(dir);
  auto const chunks = saddle::io::chunkExtents(path, "/optim/momentum");
  ASSERT_EQ(chunks.size(), 2u);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(chunks[1].offset + 100));
    f.put('\x55');
  }
  std::string out;
  EXPECT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " " + path, out), 0) << out; // not read
  EXPECT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " --verify " + path, out), 2) << out;
  EXPECT_NE(out.find("checksum mismatch in dataset '/optim/momentum'"), std::string::npos) << out;

  EXPECT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " " + dir + "/absent.h5", out), 2);
  EXPECT_NE(out.find("does not exist"), std::string::npos) << out;
  auto const v7 = writeCheckpoint(saddle::test::freshDir("io_inspect_v7"), 7);
  EXPECT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " --verify " + v7, out), 2);
  EXPECT_NE(out.find("format_version 7 is not supported (this saddle reads 1)"), std::string::npos)
      << out;
  std::filesystem::resize_file(v7, 3000);
  EXPECT_EQ(run(std::string(SADDLE_INSPECT_EXE) + " " + v7, out), 2);
  EXPECT_NE(out.find("truncated"), std::string::npos) << out;
  EXPECT_EQ(run(std::string(SADDLE_INSPECT_EXE), out), 2) << out; // no FILE
}

TEST(IoTools, ReadableByH5dumpAndH5py) {
  auto const path = writeCheckpoint(saddle::test::freshDir("io_tools_read"));
  std::string out;
  std::string const h5dump = SADDLE_H5DUMP_EXE;
  if (!h5dump.empty()) {
    ASSERT_EQ(run(h5dump + " -d /model/theta -a /round " + path, out), 0) << out;
    EXPECT_NE(out.find("0.5, -1.5, 2, 4"), std::string::npos) << out;
    EXPECT_NE(out.find("(0): 12"), std::string::npos) << out;
  }
  // Debian's interpreter (the one with python3-h5py), as in saddle-report's first line.
  ASSERT_EQ(run("/usr/bin/python3 -c \"import h5py; f = h5py.File('" + path +
                    "', 'r'); print(f.attrs['round'], f.attrs['deck_hash'], "
                    "f['privacy/ledger'].shape, int(f['run/round'][()]), "
                    "f['optim/momentum'].fletcher32)\"",
                out),
            0)
      << out;
  EXPECT_NE(out.find("12 " + saddle::io::deckHash("[run]\nrounds = 20\n") + " (5, 3) 12 True"),
            std::string::npos)
      << out;
}

} // namespace
