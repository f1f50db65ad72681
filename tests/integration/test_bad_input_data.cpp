// The bad-input matrix, data files: saddle-train on a CSV with ragged rows, NaN or Inf cells, a
// label or group that is not allowed, a header only, no bytes at all, duplicate columns, no
// label column: exit code 2 and a message naming the file and the line and column (or the
// header line), with the previous run's outputs in the same folder untouched. A CRLF file is
// valid and trains.
#include "saddle/run/app.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

/// 80 good data rows of label,sensitive_g,x1,x2 after a header, lines joined by `eol`.
std::string goodCsv(char const* eol) {
  std::ostringstream out;
  out << "label,sensitive_g,x1,x2" << eol;
  for (int i = 0; i < 80; ++i)
    out << (i % 3 == 0 ? 1 : 0) << "," << i % 2 << "," << (i % 7) * 0.25 << "," << -(i % 5) << eol;
  return out.str();
}

/// goodCsv("\n") with data line `line` (1-based, the header is line 1) replaced by `text`.
std::string withLine(int line, std::string const& text) {
  std::istringstream in(goodCsv("\n"));
  std::string out, row;
  for (int n = 1; std::getline(in, row); ++n)
    out += (n == line ? text : row) + "\n";
  return out;
}

struct BadCsv {
  std::string name;     ///< file name, also the case's name
  std::string text;     ///< file content
  std::string location; ///< what the message must name after "<path>": ":<line>: ..." etc.
};

std::vector<BadCsv> badFiles() {
  return {
      {"ragged.csv", withLine(5, "1,0,0.5"), ":5: expected 4 cells, got 3"},
      {"ragged_long.csv", withLine(9, "1,0,0.5,2,7"), ":9: expected 4 cells, got 5"},
      {"nan.csv", withLine(3, "0,1,nan,2"), ":3: column 'x1' (column 3): cell 'nan'"},
      {"inf.csv", withLine(4, "0,1,1,inf"), ":4: column 'x2' (column 4): cell 'inf'"},
      {"overflow.csv", withLine(6, "0,1,1e999,2"), ":6: column 'x1' (column 3): cell '1e999'"},
      {"label_two.csv", withLine(7, "2,1,1,2"), ":7: column 'label' (column 1): cell '2'"},
      {"label_half.csv", withLine(2, "0.5,1,1,2"), ":2: column 'label' (column 1): cell '0.5'"},
      {"group_negative.csv", withLine(8, "1,-1,1,2"),
       ":8: column 'sensitive_g' (column 2): cell '-1'"},
      {"group_fraction.csv", withLine(3, "1,0.5,1,2"),
       ":3: column 'sensitive_g' (column 2): cell '0.5'"},
      {"text_cell.csv", withLine(10, "1,0,abc,2"), ":10: column 'x1' (column 3): cell 'abc'"},
      {"header_only.csv", "label,sensitive_g,x1,x2\n", ":1: header only"},
      {"empty.csv", "", ": the file is empty"},
      {"blank_lines.csv", "\n\n\r\n", ": the file is empty"},
      {"duplicate.csv", withLine(1, "label,sensitive_g,x1,x1"),
       ":1: column 'x1' (column 4) duplicates column 3"},
      {"no_label.csv", withLine(1, "outcome,sensitive_g,x1,x2"), ":1: no label column 'label'"},
      {"no_group.csv", withLine(1, "label,g,x1,x2"), ":1: no sensitive_* column"},
      {"empty_line_inside.csv", withLine(12, ""), ":12: expected 4 cells, got 1 (empty line)"},
  };
}

/// saddle-train's application on the quickstart deck reading `csv`, writing into `out`.
int train(std::string const& csv, std::string const& out, std::string& err) {
  saddle::TrainOptions o;
  o.deck_path = std::string(SADDLE_INPUTS_DIR) + "/quickstart.toml";
  o.overrides = {"data.source=\"csv\"", "data.path=\"" + csv + "\"",
                 "run.rounds=12",       "run.log_every=6",
                 "silos.count=2",       "privacy.target_epsilon=0",
                 "checkpoint.every=6",  "run.output_dir=\"" + out + "\""};
  o.verbose = false;
  testing::internal::CaptureStderr();
  int const code = saddle::runTraining(o, saddle::mpi::Comm::self());
  err = testing::internal::GetCapturedStderr();
  return code;
}

TEST(BadInputData, CrlfTrainsAndEveryBadFileExitsTwoNamingWhereWithOutputsKept) {
  auto const dir = saddle::test::freshDir("bad_data");
  auto const out = dir + "/run";
  std::string const crlf = dir + "/crlf.csv";
  std::ofstream(crlf, std::ios::binary) << goodCsv("\r\n");
  std::string err;
  ASSERT_EQ(train(crlf, out, err), 0) << err; // Windows line endings are valid
  ASSERT_TRUE(fs::exists(out + "/summary.csv"));
  auto const before = saddle::test::fileSnapshot(out);
  ASSERT_FALSE(before.empty());
  for (auto const& bad : badFiles()) {
    std::string const path = dir + "/" + bad.name;
    std::ofstream(path, std::ios::binary) << bad.text;
    EXPECT_EQ(train(path, out, err), saddle::kExitInput) << bad.name << ": " << err;
    EXPECT_NE(err.find(path + bad.location), std::string::npos)
        << bad.name << ": expected '" << path + bad.location << "' in: " << err;
    EXPECT_EQ(err.find("saddle-train: error:"), err.rfind("saddle-train: error:")) << err;
  }
  EXPECT_EQ(saddle::test::fileSnapshot(out),
            before); // the good run's outputs: same files, sizes and times
}

TEST(BadInputData, MissingAndUnnamedColumnsAndUnreadableFiles) {
  auto const dir = saddle::test::freshDir("bad_data_columns");
  std::string const path = dir + "/ok.csv";
  std::ofstream(path) << goodCsv("\n");
  std::string err;
  saddle::TrainOptions o;
  o.deck_path = std::string(SADDLE_INPUTS_DIR) + "/quickstart.toml";
  o.verbose = false;
  o.write_outputs = false;
  auto const run = [&](std::vector<std::string> overrides) {
    o.overrides = {"data.source=\"csv\"", "run.rounds=2", "privacy.target_epsilon=0"};
    o.overrides.insert(o.overrides.end(), overrides.begin(), overrides.end());
    testing::internal::CaptureStderr();
    int const code = saddle::runTraining(o, saddle::mpi::Comm::self());
    err = testing::internal::GetCapturedStderr();
    return code;
  };
  EXPECT_EQ(run({"data.path=\"" + path + "\"", "data.sensitive_column=\"sensitive_x\""}), 2);
  EXPECT_NE(err.find(path + ":1: no group column 'sensitive_x'"), std::string::npos) << err;
  EXPECT_EQ(run({"data.path=\"" + path + "\"", "data.label_column=\"y\""}), 2);
  EXPECT_NE(err.find(path + ":1: no label column 'y'"), std::string::npos) << err;
  EXPECT_EQ(run({"data.path=\"" + dir + "\""}), 2); // a folder, not a file
  EXPECT_NE(err.find(dir), std::string::npos) << err;
  EXPECT_EQ(run({"data.path=\"" + dir + "/absent.csv\""}), 2);
  EXPECT_NE(err.find(dir + "/absent.csv"), std::string::npos) << err;
}

} // namespace
