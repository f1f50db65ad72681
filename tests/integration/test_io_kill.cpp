// kill -9 while a checkpoint is being written: the previous checkpoint stays intact and
// loadable, the partial file is never taken for a checkpoint, and the next write succeeds.
// The writer is this test program itself, started again in a child mode (posix_spawn) with
// SADDLE_TEST_CHECKPOINT_PAUSE set, so that it sleeps half-way through the file.
#include "saddle/io/checkpoint.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using saddle::data::SiloPartition;

char const* const kChildDirVariable = "SADDLE_IO_KILL_CHILD_DIR";

saddle::State stateOfRound(std::int64_t round) {
  saddle::State s;
  for (int k = 0; k < 6; ++k) {
    std::vector<double> values(5000);
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<double>(round) + 1e-3 * static_cast<double>(i + k);
    s.putArray("model/layer" + std::to_string(k), values);
  }
  s.putInt("run/round", round);
  return s;
}

void writeRound(std::string const& dir, std::int64_t round) {
  saddle::io::CheckpointMeta meta;
  meta.round = round;
  saddle::io::writeCheckpoint(saddle::io::checkpointPath(dir, round), stateOfRound(round), meta,
                              SiloPartition::block(1, 0, 1), saddle::mpi::Comm::self());
}

std::string slurp(std::string const& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Start this program again as the child writer; its output goes to `log`. Returns its pid.
pid_t spawnWriter(std::string const& dir, std::string const& log) {
  std::vector<std::string> env_text{std::string(kChildDirVariable) + "=" + dir,
                                    "SADDLE_TEST_CHECKPOINT_PAUSE=60"};
  for (char** e = environ; *e != nullptr; ++e)
    env_text.emplace_back(*e);
  std::vector<char*> env;
  for (auto& e : env_text)
    env.push_back(e.data());
  env.push_back(nullptr);
  std::string exe = fs::read_symlink("/proc/self/exe").string();
  std::string filter = "--gtest_filter=IoKill.ChildWritesRoundTwo";
  char* argv[] = {exe.data(), filter.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  int const rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

/// The child mode: write round 2 (pauses half-way, to be killed). Skipped in a normal run.
TEST(IoKill, ChildWritesRoundTwo) {
  char const* dir = std::getenv(kChildDirVariable);
  if (dir == nullptr)
    GTEST_SKIP() << "child mode of IoKill.PreviousCheckpointSurvivesKillMidWrite";
  writeRound(dir, 2);
}

TEST(IoKill, PreviousCheckpointSurvivesKillMidWrite) {
  auto const dir = saddle::test::freshDir("io_kill");
  writeRound(dir, 1);
  auto const log = dir + "/child.log";
  pid_t const pid = spawnWriter(dir, log);
  ASSERT_GT(pid, 0);
  bool paused = false; // the child says when it sleeps half-way through the file
  int status = 0;
  for (int i = 0; i < 300 && !paused; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    paused = slurp(log).find("pausing 60 s after 3 of 7 datasets") != std::string::npos;
    if (!paused && waitpid(pid, &status, WNOHANG) == pid)
      FAIL() << "the child writer ended before pausing:\n" << slurp(log);
  }
  kill(pid, SIGKILL);
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(paused) << slurp(log);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  auto const round1 = saddle::io::checkpointPath(dir, 1),
             round2 = saddle::io::checkpointPath(dir, 2);
  EXPECT_TRUE(fs::exists(round2 + ".tmp")); // the killed writer's partial file
  EXPECT_FALSE(fs::exists(round2));
  EXPECT_THROW(saddle::io::readCheckpoint(round2 + ".tmp", SiloPartition::block(1, 0, 1),
                                          saddle::mpi::Comm::self()),
               saddle::InputError); // never closed: its superblock is not even written
  EXPECT_EQ(saddle::io::latestCheckpoint(dir), round1);
  auto const back =
      saddle::io::readCheckpoint(round1, SiloPartition::block(1, 0, 1), saddle::mpi::Comm::self());
  EXPECT_EQ(back.state, stateOfRound(1)); // no NaN in it: == is bitwise here
  EXPECT_EQ(back.meta.round, 1);
  EXPECT_TRUE(saddle::io::verifyCheckpoint(round1, saddle::mpi::Comm::self()).ok);

  writeRound(dir, 2); // the restarted run writes its next checkpoint over the leftover
  EXPECT_FALSE(fs::exists(round2 + ".tmp"));
  EXPECT_EQ(saddle::io::latestCheckpoint(dir), round2);
  EXPECT_EQ(saddle::io::pruneCheckpoints(dir, 1), std::vector<std::string>{round1});
}

} // namespace
