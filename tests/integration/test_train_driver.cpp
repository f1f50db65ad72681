// saddle-train on the decks of inputs/, as a user runs it: exit codes, outputs, and the
// constraint doing its job (the constrained run meets its tolerance where the unconstrained
// run does not).
#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using saddle::test::readKeyValueCsv;
using saddle::test::runCommand;

std::string train(std::string const& deck, std::string const& out, std::string const& extra,
                  int& code) {
  std::string output;
  code = runCommand(std::string(SADDLE_TRAIN_EXE) + " " + SADDLE_INPUTS_DIR + "/" + deck +
                        " --output " + out + " " + extra,
                    output);
  return output;
}

TEST(TrainDriver, QuickstartMeetsItsConstraintWhereUnconstrainedDoesNot) {
  auto const dir_c = saddle::test::freshDir("quickstart");
  auto const dir_u = saddle::test::freshDir("unconstrained");
  int code = -1;
  auto const log_c = train("quickstart.toml", dir_c, "", code);
  ASSERT_EQ(code, 0) << log_c;
  auto const log_u = train("unconstrained.toml", dir_u, "", code);
  ASSERT_EQ(code, 0) << log_u;
  for (auto const* f : {"history.csv", "evaluation.csv", "summary.txt", "summary.csv", "deck.toml"})
    EXPECT_TRUE(fs::exists(fs::path(dir_c) / f)) << f;
  auto const c = readKeyValueCsv(dir_c + "/summary.csv");
  auto const u = readKeyValueCsv(dir_u + "/summary.csv");
  double const tol = 0.05; // problem.tolerance of quickstart.toml
  EXPECT_LE(c.at("train_dp_gap"), tol + 0.01) << log_c;
  EXPECT_GT(u.at("train_dp_gap"), tol + 0.05) << log_u;
  EXPECT_GT(c.at("train_accuracy"), 0.6); // better than the majority class of the synthetic data
  EXPECT_GT(c.at("max_lambda"), 0.0);
  EXPECT_EQ(u.at("max_lambda"), 0.0);
}

TEST(TrainDriver, BadInputExitsWithTwoAndNamesTheProblem) {
  auto const dir = saddle::test::freshDir("bad");
  int code = -1;
  auto out = train("quickstart.toml", dir, "--set optim.lr=-1", code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("optim.lr"), std::string::npos) << out;
  out = train("no_such_deck.toml", dir, "", code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("no_such_deck.toml"), std::string::npos) << out;
  out = train("quickstart.toml", dir, "--no-such-option", code);
  EXPECT_EQ(code, 2) << out;
  out = train("quickstart.toml", dir, "--set data.source=csv --set data.path=missing.csv", code);
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("missing.csv"), std::string::npos) << out;
  std::string help;
  EXPECT_EQ(runCommand(std::string(SADDLE_TRAIN_EXE) + " --help", help), 0);
  EXPECT_NE(help.find("--set"), std::string::npos);
}

TEST(TrainDriver, HmdaDeckRunsOnRealData) {
  auto const dir = saddle::test::freshDir("hmda");
  int code = -1;
  auto const log = train("hmda.toml", dir, "--set run.rounds=100", code);
  ASSERT_EQ(code, 0) << log;
  auto const s = readKeyValueCsv(dir + "/summary.csv");
  EXPECT_GT(s.at("train_accuracy"), 0.80) << log; // hmda: majority class 0.88
  EXPECT_GT(s.at("records"), 0.0);
}

} // namespace
