// History in HDF5: append, NaN padding, reopen for a resumed run without duplicated or missing
// rounds, truncation.
#include "saddle/core/error.hpp"
#include "saddle/io/history.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <filesystem>

namespace {

using saddle::io::HistoryWriter;
using saddle::io::readHistory;

/// The metrics a run reports at `round` (a made-up, exactly representable formula).
std::vector<std::pair<std::string, double>> metricsAt(std::int64_t round) {
  auto const r = static_cast<double>(round);
  return {{"train_loss", 1.0 / (1.0 + r)}, {"lambda_dp", 0.25 * r}};
}

TEST(IoHistory, AppendsRowsAndPadsMissingValuesWithNaN) {
  auto const dir = saddle::test::freshDir("io_history_append");
  {
    HistoryWriter h(dir);
    EXPECT_EQ(h.rows(), 0);
    EXPECT_FALSE(h.lastRound().has_value());
    h.append(1, metricsAt(1));
    h.append(2, metricsAt(2));
    auto m3 = metricsAt(3);
    m3.emplace_back("epsilon", 0.5); // appears at the third row
    h.append(3, m3);
    h.append(5, {{"epsilon", 0.75}}); // the others are not reported at round 5
    EXPECT_EQ(h.rows(), 4);
    EXPECT_EQ(h.lastRound(), 5);
  }
  auto const got = readHistory(saddle::io::historyPath(dir));
  EXPECT_EQ(got.rounds, (std::vector<std::int64_t>{1, 2, 3, 5}));
  ASSERT_EQ(got.metrics.size(), 3u);
  auto const& eps = got.metrics.at("epsilon");
  ASSERT_EQ(eps.size(), 4u);
  EXPECT_TRUE(std::isnan(eps[0]) && std::isnan(eps[1]));
  EXPECT_EQ(eps[2], 0.5);
  EXPECT_EQ(eps[3], 0.75);
  auto const& loss = got.metrics.at("train_loss");
  ASSERT_EQ(loss.size(), 4u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(loss[i], metricsAt(got.rounds[i])[0].second);
  EXPECT_TRUE(std::isnan(loss[3]));
}

TEST(IoHistory, ResumedRunAppendsWithoutDuplicatedOrMissingRounds) {
  auto const dir = saddle::test::freshDir("io_history_resume");
  {
    HistoryWriter h(dir);
    for (std::int64_t r = 1; r <= 10; ++r) // killed after round 10; checkpoint of round 6
      h.append(r, metricsAt(r));
  }
  {
    HistoryWriter h(dir, 6);
    EXPECT_EQ(h.rows(), 6);
    EXPECT_EQ(h.lastRound(), 6);
    for (std::int64_t r = 7; r <= 12; ++r)
      h.append(r, metricsAt(r));
  }
  auto const got = readHistory(saddle::io::historyPath(dir));
  ASSERT_EQ(got.rounds.size(), 12u);
  for (std::int64_t r = 1; r <= 12; ++r) {
    auto const i = static_cast<std::size_t>(r - 1);
    EXPECT_EQ(got.rounds[i], r);
    EXPECT_EQ(got.metrics.at("train_loss")[i], metricsAt(r)[0].second);
    EXPECT_EQ(got.metrics.at("lambda_dp")[i], metricsAt(r)[1].second);
  }
}

TEST(IoHistory, TruncationDropsMetricsLeftWithoutValues) {
  auto const dir = saddle::test::freshDir("io_history_truncate");
  HistoryWriter h(dir);
  h.append(1, metricsAt(1));
  h.append(2, {{"late_metric", 2.0}});
  h.truncateAfter(1);
  EXPECT_EQ(h.rows(), 1);
  auto got = readHistory(h.path());
  EXPECT_EQ(got.rounds, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(got.metrics.count("late_metric"), 0u);
  h.append(2, metricsAt(2));
  got = readHistory(h.path());
  EXPECT_EQ(got.rounds, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(got.metrics.at("train_loss")[1], metricsAt(2)[0].second);
}

TEST(IoHistory, RejectsBadRoundsAndNames) {
  auto const dir = saddle::test::freshDir("io_history_bad");
  HistoryWriter h(dir);
  h.append(3, metricsAt(3));
  EXPECT_THROW(h.append(3, metricsAt(3)), saddle::Error); // duplicate
  EXPECT_THROW(h.append(2, metricsAt(2)), saddle::Error); // backwards
  EXPECT_THROW(h.append(4, {{"a/b", 1.0}}), saddle::Error);
  EXPECT_THROW(h.append(4, {{"round", 1.0}}), saddle::Error);
  EXPECT_THROW(h.append(4, {{"x", 1.0}, {"x", 2.0}}), saddle::Error);
  EXPECT_EQ(h.rows(), 1); // nothing half-appended
  h.append(4, metricsAt(4));
  EXPECT_EQ(readHistory(h.path()).rounds, (std::vector<std::int64_t>{3, 4}));
}

TEST(IoHistory, ResumingPastTheEndWouldMissRounds) {
  auto const dir = saddle::test::freshDir("io_history_gap");
  {
    HistoryWriter h(dir);
    h.append(1, metricsAt(1));
  }
  EXPECT_THROW(HistoryWriter(dir, 5), saddle::InputError);
}

TEST(IoHistory, FreshStartReplacesAndResumeWithoutFileStartsOne) {
  auto const dir = saddle::test::freshDir("io_history_fresh");
  {
    HistoryWriter h(dir, 4); // no file yet: starts one
    h.append(5, metricsAt(5));
  }
  EXPECT_EQ(readHistory(saddle::io::historyPath(dir)).rounds, (std::vector<std::int64_t>{5}));
  { HistoryWriter h(dir); } // a new run replaces it
  EXPECT_TRUE(readHistory(saddle::io::historyPath(dir)).rounds.empty());
  EXPECT_THROW(readHistory(dir + "/absent.h5"), saddle::InputError);
  auto const path = saddle::io::historyPath(dir);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  EXPECT_THROW(HistoryWriter(dir, 4), saddle::InputError); // truncated: a clear error
}

} // namespace
