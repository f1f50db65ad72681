// Checkpoint/restart as a user meets it: a run stopped and restarted continues bit for bit;
// stop signals, bad checkpoints, deck mismatches, divergence and the privacy budget each end
// the way README documents.
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/history.hpp"
#include "saddle/run/app.hpp"
#include "saddle/run/signals.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using saddle::test::readKeyValueCsv;
using saddle::test::runCommand;

std::string const kDeck = std::string(SADDLE_INPUTS_DIR) + "/quickstart.toml";

/// A small private, constrained, federated run (4 silos, adaptive clipping, shuffled epochs,
/// nuPI multipliers on the augmented Lagrangian: every kind of evolving state).
std::vector<std::string> small(std::string const& dir, int rounds) {
  return {"run.rounds=" + std::to_string(rounds),
          "data.n_samples=3000",
          "run.log_every=7",
          "privacy.clipping=\"adaptive\"",
          "privacy.sampling=\"shuffle\"",
          "privacy.neighbouring=\"replace_one\"",
          "privacy.target_epsilon=0",
          "privacy.noise_multiplier=1.0",
          "checkpoint.every=10",
          "run.output_dir=\"" + dir + "\""};
}

int train(std::vector<std::string> overrides, std::string const& restart = "") {
  saddle::TrainOptions o;
  o.deck_path = kDeck;
  o.overrides = std::move(overrides);
  o.restart = restart;
  o.verbose = false;
  return saddle::runTraining(o, saddle::mpi::Comm::self());
}

saddle::io::Checkpoint finalCheckpoint(std::string const& dir, std::int64_t round) {
  auto const path = saddle::io::checkpointPath(dir + "/checkpoints", round);
  return saddle::io::readCheckpoint(path, saddle::data::SiloPartition::block(4, 0, 1),
                                    saddle::mpi::Comm::self());
}

TEST(Restart, StoppedAndRestartedEqualsUninterruptedBitwise) {
  auto const a = saddle::test::freshDir("restart_a"), b = saddle::test::freshDir("restart_b");
  ASSERT_EQ(train(small(a, 37)), 0);
  ASSERT_EQ(train(small(b, 16)), 0);           // k = 16 rounds, then stop
  ASSERT_EQ(train(small(b, 37), "latest"), 0); // N - k more from the latest checkpoint
  auto const ca = finalCheckpoint(a, 37), cb = finalCheckpoint(b, 37);
  EXPECT_EQ(ca.state, cb.state); // every dataset: theta, lambda, clip norm, ledgers, round
  auto const ha = saddle::io::readHistory(saddle::io::historyPath(a));
  auto const hb = saddle::io::readHistory(saddle::io::historyPath(b));
  EXPECT_EQ(ha.rounds, hb.rounds); // no duplicated or missing round
  for (auto const& [name, values] : ha.metrics) {
    if (name == "records_per_s")
      continue; // wall-clock, not state
    ASSERT_TRUE(hb.metrics.count(name)) << name;
    auto const& other = hb.metrics.at(name);
    ASSERT_EQ(values.size(), other.size()) << name;
    for (std::size_t i = 0; i < values.size(); ++i) {
      bool const both_nan = std::isnan(values[i]) && std::isnan(other[i]);
      EXPECT_TRUE(both_nan || values[i] == other[i]) << name << " row " << i;
    }
  }
}

TEST(Restart, DeckMismatchAndBadCheckpointsAreInputErrorsThatWriteNothing) {
  auto const dir = saddle::test::freshDir("restart_bad");
  ASSERT_EQ(train(small(dir, 10)), 0);
  auto const before = fs::last_write_time(dir + "/summary.csv");
  auto other = small(dir, 20);
  other.push_back("run.seed=99"); // another run's deck
  testing::internal::CaptureStderr();
  EXPECT_EQ(train(other, "latest"), saddle::kExitInput);
  auto const err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("run.seed: "), std::string::npos) << err;
  // a truncated copy of the checkpoint
  auto const good = saddle::io::checkpointPath(dir + "/checkpoints", 10);
  auto const cut = dir + "/cut.h5";
  fs::copy_file(good, cut);
  fs::resize_file(cut, fs::file_size(good) / 2);
  testing::internal::CaptureStderr();
  EXPECT_EQ(train(small(dir, 20), cut), saddle::kExitInput);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("cut.h5"), std::string::npos);
  testing::internal::CaptureStderr();
  EXPECT_EQ(train(small(dir, 20), dir + "/missing.h5"), saddle::kExitInput);
  testing::internal::GetCapturedStderr();
  EXPECT_EQ(fs::last_write_time(dir + "/summary.csv"), before); // nothing overwritten
  EXPECT_TRUE(fs::exists(good));
}

TEST(Restart, SignalStopsAfterTheRoundWithACheckpointAndRestartCompletesTheRun) {
  auto const a = saddle::test::freshDir("signal_a"), b = saddle::test::freshDir("signal_b");
  ASSERT_EQ(train(small(a, 30)), 0);
  std::string out;
  std::string const exe = std::string(SADDLE_TRAIN_EXE) + " " + kDeck;
  std::string sets;
  for (auto const& s : small(b, 30))
    sets += " --set '" + s + "'";
  // the hook raises SIGUSR1 just before round 13, as SLURM's --signal would
  int const code = runCommand("SADDLE_TEST_SIGNAL_AT_ROUND=13 " + exe + sets, out);
  EXPECT_EQ(code, saddle::kExitInterrupted) << out;
  EXPECT_NE(out.find("stopped by a signal after round 13"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(saddle::io::checkpointPath(b + "/checkpoints", 13)));
  EXPECT_EQ(runCommand(exe + sets + " --restart latest", out), 0) << out;
  EXPECT_EQ(finalCheckpoint(a, 30).state, finalCheckpoint(b, 30).state);
}

TEST(Restart, ExternalSignalEndsALongRunPromptly) {
  auto const dir = saddle::test::freshDir("signal_ext");
  std::string const cmd = std::string(SADDLE_TRAIN_EXE) + " " + kDeck +
                          " --set run.rounds=100000000 --set privacy.target_epsilon=0 --output " +
                          dir + " > " + dir + "/log.txt 2>&1 & echo $!";
  std::string pid;
  ASSERT_EQ(runCommand(cmd, pid), 0);
  pid = pid.substr(0, pid.find_first_of("\r\n"));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::string out;
  runCommand("kill -USR1 " + pid, out);
  // wait (at most 60 s) for the process to end, then read its log
  runCommand("for i in $(seq 600); do kill -0 " + pid +
                 " 2>/dev/null || exit 0; sleep 0.1; done; "
                 "exit 1",
             out);
  std::ifstream log(dir + "/log.txt");
  std::string const text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("stopped by a signal"), std::string::npos) << text;
  EXPECT_TRUE(saddle::io::latestCheckpoint(dir + "/checkpoints").has_value());
}

TEST(Restart, DivergenceStopsWithAClearMessageAndNoNonFiniteCheckpoint) {
  auto const dir = saddle::test::freshDir("diverge");
  auto sets = small(dir, 30);
  sets.push_back("optim.lr=1e308"); // no clipping: the first steps overflow the parameters
  sets.push_back("privacy.enabled=false");
  testing::internal::CaptureStderr();
  EXPECT_EQ(train(sets), saddle::kExitRuntime);
  auto const err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("diverged at round"), std::string::npos) << err;
  auto const last = saddle::io::latestCheckpoint(dir + "/checkpoints");
  if (last) { // any checkpoint written before the divergence holds finite values only
    auto const ck = saddle::io::readCheckpoint(*last, saddle::data::SiloPartition::block(4, 0, 1),
                                               saddle::mpi::Comm::self());
    for (double v : ck.state.array("model/theta"))
      EXPECT_TRUE(std::isfinite(v));
  }
}

TEST(PrivacyBudget, RunStopsAtTheLastRoundThatFitsAndSaysSo) {
  auto const dir = saddle::test::freshDir("budget");
  saddle::TrainOptions o;
  o.deck_path = std::string(SADDLE_INPUTS_DIR) + "/dp_budget.toml";
  o.overrides = {"run.output_dir=\"" + dir + "\"", "data.n_samples=8000", "checkpoint.every=0"};
  o.verbose = false;
  ASSERT_EQ(saddle::runTraining(o, saddle::mpi::Comm::self()), 0);
  auto const s = readKeyValueCsv(dir + "/summary.csv");
  EXPECT_EQ(s.at("stopped_by_budget"), 1.0);
  EXPECT_LE(s.at("epsilon"), 2.0); // privacy.epsilon_budget of dp_budget.toml
  EXPECT_GT(s.at("epsilon"), 1.9); // and the next round would not have fit: it used it up
  EXPECT_LT(s.at("rounds"), 5000.0);
  auto const h = saddle::io::readHistory(saddle::io::historyPath(dir));
  auto const& eps = h.metrics.at("epsilon_rdp"); // per round, never decreasing
  for (std::size_t i = 1; i < eps.size(); ++i)
    EXPECT_GE(eps[i], eps[i - 1]);
}

} // namespace

namespace {

/// mpiexec for a child job: this test process is itself an MPI singleton, so the Open MPI /
/// PMIx variables it inherited are removed for the child launcher.
std::string mpiexec() {
  return "env $(env | grep -oE '^(OMPI|PMIX|OPAL)[A-Za-z0-9_]*' | sed 's/^/-u /') " +
         std::string(SADDLE_MPIEXEC);
}

/// theta of the checkpoint of `round` in `dir`, read on one rank.
std::vector<double> thetaAt(std::string const& dir, std::int64_t round) {
  return finalCheckpoint(dir, round).state.array("model/theta");
}

TEST(Restart, WrittenAtTwoRanksRestartsAtOneAndFour) {
  std::string const a = saddle::test::freshDir("ranks_a");
  std::string sets_a, out;
  for (auto const& s : small(a, 30))
    sets_a += " --set '" + s + "'";
  std::string const exe = std::string(SADDLE_TRAIN_EXE) + " " + kDeck;
  ASSERT_EQ(runCommand(mpiexec() + " -n 2 " + exe + sets_a, out), 0) << out;
  auto const want = thetaAt(a, 30);
  for (int np : {1, 4}) {
    std::string const b = saddle::test::freshDir("ranks_b" + std::to_string(np));
    std::string first, second;
    for (auto const& s : small(b, 12))
      first += " --set '" + s + "'";
    for (auto const& s : small(b, 30))
      second += " --set '" + s + "'";
    ASSERT_EQ(runCommand(mpiexec() + " -n 2 " + exe + first, out), 0) << out;
    ASSERT_EQ(runCommand(mpiexec() + " -n " + std::to_string(np) + " " + exe + second +
                             " --restart latest",
                         out),
              0)
        << out;
    auto const got = thetaAt(b, 30);
    ASSERT_EQ(got.size(), want.size());
    // only the order of the cross-rank sums differs (batches and noise are pure functions of
    // seed, silo and round): ulp-level differences, grown over 18 rounds
    for (std::size_t j = 0; j < want.size(); ++j)
      EXPECT_NEAR(got[j], want[j], 1e-10 * (1 + std::fabs(want[j]))) << "np " << np << " j " << j;
  }
}

} // namespace
