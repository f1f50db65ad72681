// Failure paths under MPI, as a user meets them: an error on one rank only ends every rank
// promptly, with the message printed once, never a hang. Each case launches saddle-train under
// mpiexec (two ranks, MPMD so that one rank gets another command line) inside `timeout`: a hang
// shows up as exit 124 and fails the test.
#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// Seconds any case may take before it counts as a hang (a normal failure takes ~1-3 s).
constexpr int kHangSeconds = 60;

std::string const kDeck = std::string(SADDLE_INPUTS_DIR) + "/quickstart.toml";

std::string trainArgs(std::string const& out, std::string const& extra) {
  return std::string(SADDLE_TRAIN_EXE) + " " + kDeck + " --output " + out +
         " --set run.rounds=10 --set data.n_samples=2000 --set privacy.target_epsilon=0 " + extra;
}

/// mpiexec with rank 0 running `rank0` and rank 1 running `rank1` (MPMD), under timeout.
/// Returns the exit code; `output` gets both ranks' stdout and stderr, `seconds` the wall time.
int runTwoRanks(std::string const& rank0, std::string const& rank1, std::string& output,
                double& seconds) {
  // This test process is an MPI singleton: the child launcher must not inherit its Open MPI /
  // PMIx variables.
  std::string const clean_env =
      "env $(env | grep -oE '^(OMPI|PMIX|OPAL)[A-Za-z0-9_]*' | sed 's/^/-u /') ";
  auto const start = Clock::now();
  int const code =
      saddle::test::runCommand("timeout " + std::to_string(kHangSeconds) + " " + clean_env +
                                   SADDLE_MPIEXEC + " -n 1 " + rank0 + " : -n 1 " + rank1,
                               output);
  seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return code;
}

std::size_t count(std::string const& text, std::string const& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

/// A small valid CSV (label, group, two features).
std::string writeCsv(std::string const& dir) {
  std::string const path = dir + "/data.csv";
  std::ofstream out(path);
  out << "label,sensitive_g,x1,x2\n";
  for (int i = 0; i < 200; ++i)
    out << (i % 3 == 0) << "," << i % 2 << "," << (i % 7) * 0.5 << "," << i % 5 << "\n";
  return path;
}

TEST(FailurePathsMpi, DataFileUnreadableOnRankOneOnlyEndsBothRanksWithOneMessage) {
  auto const dir = saddle::test::freshDir("mpi_fail_data");
  auto const csv = writeCsv(dir);
  auto const missing = dir + "/only_rank1_looks_here.csv";
  std::string const common = "--set data.source=csv --set silos.count=2 ";
  std::string out;
  double seconds = 0;
  int const code =
      runTwoRanks(trainArgs(dir + "/out", common + "--set data.path=" + csv),
                  trainArgs(dir + "/out", common + "--set data.path=" + missing), out, seconds);
  EXPECT_EQ(code, 2) << out; // bad input, on every rank (124 would be the hang timeout)
  EXPECT_LT(seconds, 30.0) << out;
  EXPECT_EQ(count(out, "saddle-train: error:"), 1u) << out;
  EXPECT_NE(out.find(missing), std::string::npos) << out; // rank 1's own reason is the one shown
  EXPECT_FALSE(fs::exists(dir + "/out/summary.csv"));
}

TEST(FailurePathsMpi, CheckpointMissingOnRankOneOnlyEndsBothRanksWithOneMessage) {
  auto const dir = saddle::test::freshDir("mpi_fail_restart");
  std::string out;
  double seconds = 0;
  std::string const one = trainArgs(dir + "/out", "--set checkpoint.every=5");
  ASSERT_EQ(runTwoRanks(one, one, out, seconds), 0) << out;
  auto const good = dir + "/out/checkpoints/ckpt_00000010.h5";
  ASSERT_TRUE(fs::exists(good)) << out;
  auto const before = fs::last_write_time(dir + "/out/summary.csv");
  auto const missing = dir + "/nowhere/ckpt_00000010.h5";
  std::string const more = "--set run.rounds=20 --set checkpoint.every=5 --restart ";
  int const code = runTwoRanks(trainArgs(dir + "/out", more + good),
                               trainArgs(dir + "/out", more + missing), out, seconds);
  EXPECT_EQ(code, 2) << out;
  EXPECT_LT(seconds, 30.0) << out;
  EXPECT_EQ(count(out, "saddle-train: error:"), 1u) << out;
  EXPECT_NE(out.find(missing), std::string::npos) << out;
  EXPECT_EQ(fs::last_write_time(dir + "/out/summary.csv"), before); // nothing overwritten
}

TEST(FailurePathsMpi, ARankKilledMidRunEndsTheOtherPromptly) {
  auto const dir = saddle::test::freshDir("mpi_fail_kill");
  std::string const long_run = trainArgs(dir + "/out", "--set run.rounds=100000000");
  std::string out;
  double seconds = 0;
  // rank 1 is killed (SIGKILL, as by the OOM killer) after 3 s; rank 0 must not wait forever
  // in the next collective
  int const code = runTwoRanks(long_run, "timeout -s KILL 3 " + long_run, out, seconds);
  EXPECT_NE(code, 0) << out;
  EXPECT_NE(code, 124) << "hang: mpiexec still running after " << kHangSeconds << " s\n" << out;
  EXPECT_LT(seconds, 30.0) << out;
  EXPECT_GE(seconds, 3.0) << out; // the kill happened, not an early failure of the launch
  EXPECT_NE(out.find("signal 9"), std::string::npos) << out; // mpiexec saw rank 1 killed
}

} // namespace
