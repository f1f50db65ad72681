// saddle-report on a run folder whose history.h5 is written by HistoryWriter: one non-empty PNG
// per group of metrics and a summary; exit 2 on a folder without history.
#include "saddle/io/history.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

bool isPng(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == std::string("\x89PNG\r\n\x1a\n", 8) &&
         fs::file_size(path) > 1000;
}

void writeRun(std::string const& dir) {
  saddle::io::HistoryWriter history(dir);
  for (std::int64_t r = 1; r <= 30; ++r) {
    auto const x = static_cast<double>(r);
    std::vector<std::pair<std::string, double>> m{{"train_loss", 0.7 / std::sqrt(x)},
                                                  {"train_accuracy", 1.0 - 0.4 / x},
                                                  {"violation_dp_rate0", 0.3 / x - 0.02},
                                                  {"violation_dp_rate1", 0.1 - 0.01 * x},
                                                  {"lambda_dp_rate0", 0.01 * x},
                                                  {"lambda_dp_rate1", 0.005 * x},
                                                  {"epsilon", 0.05 * std::sqrt(x)},
                                                  {"records_per_s", 1.0e5 + 100.0 * x},
                                                  {"dp_gap", 0.2 / x}};
    if (r > 10)
      m.emplace_back("epsilon_pld", 0.045 * std::sqrt(x)); // a metric that starts late
    history.append(r, m);
  }
  std::ofstream(dir + "/evaluation.csv")
      << "round,train_loss,train_accuracy,train_dp_gap,max_lambda,records_per_s\n"
      << "10,0.22,0.9,0.05,0.1,101000\n20,0.16,0.95,0.03,0.2,102000\n";
  std::ofstream(dir + "/summary.csv") << "key,value\nrounds,30\ntest_accuracy,0.93\n";
}

TEST(Report, PlotsEveryGroupAndSummarizes) {
  auto const dir = saddle::test::freshDir("io_report");
  writeRun(dir);
  std::string out;
  ASSERT_EQ(saddle::test::runCommand(std::string(SADDLE_REPORT_SCRIPT) + " " + dir, out), 0) << out;
  for (auto const* png :
       {"loss_accuracy", "violations", "multipliers", "epsilon", "throughput", "other"})
    EXPECT_TRUE(isPng(dir + "/report/" + png + ".png")) << png << "\n" << out;
  std::ifstream in(dir + "/report/summary.txt");
  std::stringstream text;
  text << in.rdbuf();
  for (auto const* part : {"rounds: 30 (first 1, last 30)", "train_loss", "last 0.127802",
                           "epsilon_pld", "(10 missing or non-finite)", "max_lambda",
                           "test_accuracy = 0.93", "report/violations.png"})
    EXPECT_NE(text.str().find(part), std::string::npos) << "'" << part << "' not in:\n"
                                                        << text.str();
}

TEST(Report, FolderWithoutHistoryIsExitTwo) {
  auto const dir = saddle::test::freshDir("io_report_empty");
  std::string out;
  EXPECT_EQ(saddle::test::runCommand(std::string(SADDLE_REPORT_SCRIPT) + " " + dir, out), 2);
  EXPECT_NE(out.find("has no history.h5"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir + "/report"));
}

} // namespace
