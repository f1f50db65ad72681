// Unit tests of the CSV reader (data/csv) on the hmda data set of tests/data (statistics from
// tests/data/hmda.md) and on small bad files written into a temporary folder: every error
// names the file, the line (the header is line 1) and the column.
#include "saddle/core/error.hpp"
#include "saddle/data/csv.hpp"
#include "saddle/data/dataset.hpp"

#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

using saddle::data::Table;

std::string const kHmda = std::string(SADDLE_TEST_DATA_DIR) + "/hmda.csv";

/// Write `text` to a file `name` of a per-process temporary folder and return its path.
std::string writeFile(std::string const& name, std::string const& text) {
  auto const dir = std::filesystem::path(::testing::TempDir()) /
                   ("saddle_test_csv_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto const path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string readFile(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The message of the InputError that loading `path` throws ("" and a failure if none).
std::string errorOf(std::string const& path, std::string const& label = "label",
                    std::string const& sensitive = "") {
  try {
    saddle::data::loadCsv(path, label, sensitive);
  } catch (saddle::InputError const& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError for " << path;
  return "";
}

/// Expect that `message` contains every one of `parts`.
void expectContains(std::string const& message, std::vector<std::string> const& parts) {
  for (auto const& part : parts)
    EXPECT_NE(message.find(part), std::string::npos) << "'" << part << "' not in: " << message;
}

void expectSameTable(Table const& a, Table const& b) {
  EXPECT_EQ(a.n_features, b.n_features);
  EXPECT_EQ(a.n_groups, b.n_groups);
  EXPECT_EQ(a.x, b.x); // bitwise: same text, same parser
  EXPECT_EQ(a.y, b.y);
  EXPECT_EQ(a.group, b.group);
  EXPECT_EQ(a.row_id, b.row_id);
  EXPECT_EQ(a.feature_names, b.feature_names);
}

// hmda.md: 2380 rows, 20 features; label positive in 2095 rows; sensitive_afam = 1 in 339
// rows; P(y=1 | afam=0) = 0.9074 (1852 of 2041), P(y=1 | afam=1) = 0.7168 (243 of 339).
TEST(Csv, HmdaMatchesItsProvenanceNote) {
  Table const t = saddle::data::loadCsv(kHmda, "label", "");
  ASSERT_EQ(t.rows(), 2380);
  EXPECT_EQ(t.n_features, 20);
  EXPECT_EQ(t.n_groups, 2);
  ASSERT_EQ(t.feature_names.size(), 20u);
  EXPECT_EQ(t.feature_names.front(), "pirat");
  EXPECT_EQ(t.feature_names.back(), "hschool_yes");
  EXPECT_EQ(std::count(t.feature_names.begin(), t.feature_names.end(), "sensitive_afam"), 0);
  double positives[2] = {0.0, 0.0};
  std::int64_t sizes[2] = {0, 0};
  for (std::int64_t i = 0; i < t.rows(); ++i) {
    auto const g = t.group[static_cast<std::size_t>(i)];
    positives[g] += t.y[static_cast<std::size_t>(i)];
    ++sizes[g];
    EXPECT_EQ(t.row_id[static_cast<std::size_t>(i)], i);
  }
  EXPECT_EQ(sizes[1], 339);
  EXPECT_EQ(positives[0] + positives[1], 2095.0);
  EXPECT_EQ(positives[0], 1852.0);
  EXPECT_EQ(positives[1], 243.0);
  // First data row: 1,0,0.221,0.221,0.8,...
  EXPECT_EQ(t.x[0], 0.221);
  EXPECT_EQ(t.x[2], 0.8);
  expectSameTable(saddle::data::loadCsv(kHmda, "label", "sensitive_afam"), t);
}

TEST(Csv, CrlfAndMissingFinalNewlineAreAccepted) {
  std::string const lf = readFile(kHmda);
  std::string crlf;
  for (char const c : lf)
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  Table const reference = saddle::data::loadCsv(kHmda, "label", "");
  expectSameTable(saddle::data::loadCsv(writeFile("crlf.csv", crlf), "label", ""), reference);
  std::string trimmed = lf;
  while (!trimmed.empty() && trimmed.back() == '\n')
    trimmed.pop_back();
  expectSameTable(saddle::data::loadCsv(writeFile("nonl.csv", trimmed), "label", ""), reference);
  expectSameTable(saddle::data::loadCsv(writeFile("blank.csv", lf + "\n\r\n\n"), "label", ""),
                  reference);
}

TEST(Csv, GroupsAndSensitiveColumns) {
  std::string const path = writeFile("groups.csv", "sensitive_a,label,f1,sensitive_b,f2\n"
                                                   "1,0,1.5,0,-2\n"
                                                   "0,1,+2.5,2,3e1\n"
                                                   "1,1, 7 ,1,0\n");
  std::string group_column;
  Table const first = saddle::data::loadCsv(path, "label", "", group_column);
  EXPECT_EQ(group_column, "sensitive_a");
  EXPECT_EQ(first.n_groups, 2);
  EXPECT_EQ(first.group, (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(first.feature_names, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_EQ(first.x, (std::vector<double>{1.5, -2.0, 2.5, 30.0, 7.0, 0.0}));
  EXPECT_EQ(first.y, (std::vector<double>{0.0, 1.0, 1.0}));
  Table const second = saddle::data::loadCsv(path, "label", "sensitive_b");
  EXPECT_EQ(second.n_groups, 3);
  EXPECT_EQ(second.group, (std::vector<int>{0, 2, 1}));
  EXPECT_EQ(second.feature_names, first.feature_names); // sensitive_a is dropped, not a feature
}

TEST(Csv, FileLevelErrors) {
  std::string const missing = writeFile("x", "") + "_does_not_exist.csv";
  expectContains(errorOf(missing), {"saddle::data::loadCsv: " + missing + ": cannot open"});
  std::string const empty = writeFile("empty.csv", "");
  expectContains(errorOf(empty), {empty + ": the file is empty"});
  std::string const blank = writeFile("blank_only.csv", "\n\r\n");
  expectContains(errorOf(blank), {blank + ": the file is empty"});
  std::string const header = writeFile("header.csv", "label,sensitive_a,x\r\n");
  expectContains(errorOf(header), {header + ":1: header only, no data rows"});
}

TEST(Csv, HeaderErrors) {
  std::string const no_label = writeFile("no_label.csv", "y,sensitive_a,x\n1,0,2\n");
  expectContains(errorOf(no_label), {no_label + ":1: no label column 'label'", "y, sensitive_a"});
  std::string const no_sensitive = writeFile("no_sensitive.csv", "label,a,x\n1,0,2\n");
  expectContains(errorOf(no_sensitive), {no_sensitive + ":1: no sensitive_* column"});
  std::string const named = writeFile("named.csv", "label,sensitive_a,x\n1,0,2\n");
  expectContains(errorOf(named, "label", "sensitive_b"),
                 {named + ":1: no group column 'sensitive_b'"});
  std::string const duplicate = writeFile("duplicate.csv", "label,sensitive_a,x,x\n1,0,2,3\n");
  expectContains(errorOf(duplicate), {duplicate + ":1: column 'x' (column 4) duplicates column 3"});
  std::string const unnamed = writeFile("unnamed.csv", "label,sensitive_a,,x\n1,0,2,3\n");
  expectContains(errorOf(unnamed), {unnamed + ":1: column 3 has an empty name"});
  std::string const no_features = writeFile("no_features.csv", "label,sensitive_a\n1,0\n");
  expectContains(errorOf(no_features), {no_features + ":1: no feature columns"});
}

TEST(Csv, RowErrorsNameLineColumnAndCell) {
  std::string const head = "label,sensitive_a,x,y\n1,0,2,3\n";
  std::string const text = writeFile("text.csv", head + "1,0,2,abc\n");
  EXPECT_EQ(errorOf(text), "saddle::data::loadCsv: " + text +
                               ":3: column 'y' (column 4): cell 'abc' is not a number");
  std::string const ragged = writeFile("ragged.csv", head + "1,0,2,3\r\n1,0,2\n");
  expectContains(errorOf(ragged), {ragged + ":4: expected 4 cells, got 3"});
  std::string const gap = writeFile("gap.csv", head + "\n1,0,2,3\n");
  expectContains(errorOf(gap), {gap + ":3: expected 4 cells, got 1 (empty line)"});
  std::string const nan = writeFile("nan.csv", head + "1,0,nan,3\n");
  expectContains(errorOf(nan), {nan + ":3: column 'x' (column 3): cell 'nan' is not finite"});
  std::string const inf = writeFile("inf.csv", head + "1,0,2,-inf\n");
  expectContains(errorOf(inf), {inf + ":3: column 'y' (column 4): cell '-inf' is not finite"});
  std::string const blank = writeFile("blank_cell.csv", head + "1,0,,3\n");
  expectContains(errorOf(blank), {blank + ":3: column 'x' (column 3): cell '' is empty"});
  std::string const trailing = writeFile("trailing.csv", head + "1,0,2x,3\n");
  expectContains(errorOf(trailing), {":3: column 'x' (column 3): cell '2x' is not a number"});
  std::string const label = writeFile("label.csv", head + "2,0,2,3\n");
  expectContains(errorOf(label),
                 {label + ":3: column 'label' (column 1): cell '2' is not a valid label"});
  std::string const half = writeFile("half.csv", head + "1,0.5,2,3\n");
  expectContains(errorOf(half),
                 {half + ":3: column 'sensitive_a' (column 2): cell '0.5' is not a valid group"});
  std::string const negative = writeFile("negative.csv", head + "1,-1,2,3\n");
  expectContains(errorOf(negative), {":3: column 'sensitive_a' (column 2): cell '-1' is not a "
                                     "valid group"});
}

TEST(Csv, LoadResolvesTheDeckPathAndStandardizes) {
  // A constant feature keeps scale 1 (and becomes 0 after centring).
  std::string const path = writeFile("constant.csv", "label,sensitive_a,c,v\n"
                                                     "1,0,5,1\n0,1,5,2\n1,0,5,3\n0,1,5,4\n"
                                                     "1,0,5,5\n0,1,5,6\n1,0,5,7\n0,1,5,8\n");
  saddle::Deck deck;
  deck.data.source = "csv";
  deck.data.path = path;
  deck.data.test_fraction = 0.0;
  deck.silos.count = 2;
  auto const data = saddle::data::load(deck, saddle::mpi::Comm::self());
  EXPECT_EQ(data.info.n_train, 8);
  EXPECT_EQ(data.info.n_test, 0);
  EXPECT_EQ(data.test.rows(), 0);
  EXPECT_EQ(data.test.silo_offset, (std::vector<std::int64_t>{0, 0, 0}));
  EXPECT_EQ(data.info.mean, (std::vector<double>{5.0, 4.5}));
  EXPECT_EQ(data.info.scale[0], 1.0);
  EXPECT_DOUBLE_EQ(data.info.scale[1], std::sqrt(5.25)); // population variance of 1..8
  EXPECT_EQ(data.info.train_group_counts, (std::vector<std::int64_t>{4, 4}));
  expectContains(data.info.description,
                 {"csv: " + path, "8 rows", "2 features", "group column 'sensitive_a'"});
  auto const x = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, data.train.x);
  for (std::int64_t i = 0; i < data.train.rows(); ++i)
    EXPECT_EQ(x(i, 0), 0.0);
}

TEST(Csv, LoadHmdaThroughTheDeck) {
  saddle::Deck deck;
  deck.data.source = "csv";
  deck.data.path = kHmda;
  deck.silos.count = 5;
  auto const data = saddle::data::load(deck, saddle::mpi::Comm::self());
  EXPECT_EQ(data.info.n_features, 20);
  EXPECT_EQ(data.info.n_groups, 2);
  EXPECT_EQ(data.info.n_train + data.info.n_test, 2380);
  EXPECT_EQ(data.info.train_group_counts[0] + data.info.train_group_counts[1], data.info.n_train);
  EXPECT_EQ(data.train.silo_offset.size(), 6u);
  expectContains(data.info.description, {"2380 rows, 20 features", "'sensitive_afam'"});
}

} // namespace
