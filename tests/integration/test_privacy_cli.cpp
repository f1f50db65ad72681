// saddle-privacy: the built executable on reference cases (outputs and exit codes), and the
// same logic called in-process (runPrivacyCli).
#include "saddle/privacy/calibration.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/pld.hpp"
#include "saddle/privacy/privacy_cli.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <map>
#include <sstream>
#include <string>
#include <vector>

#ifndef SADDLE_PRIVACY_EXE
#error "SADDLE_PRIVACY_EXE (path of the saddle-privacy executable) must be defined"
#endif

namespace {

/// "key = value" lines of the tool's output.
std::map<std::string, std::string> keyValues(std::string const& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto const eq = line.find(" = ");
    if (eq != std::string::npos)
      out[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return out;
}

int runTool(std::string const& args, std::string& output) {
  return saddle::test::runCommand(std::string(SADDLE_PRIVACY_EXE) + " " + args, output);
}

// Opacus' example (sigma 1.5, q 0.04, 2250 steps, delta 1e-5 -> 7.32911117143, order 3.9); the
// tool prints 10 significant digits.
TEST(PrivacyCli, EpsilonRdp) {
  std::string out;
  ASSERT_EQ(runTool("epsilon --sigma 1.5 --q 0.04 --steps 2250 --delta 1e-5", out), 0) << out;
  auto const kv = keyValues(out);
  ASSERT_EQ(kv.count("epsilon"), 1u) << out;
  EXPECT_NEAR(std::stod(kv.at("epsilon")), 7.32911117143, 1e-6 * 7.32911117143);
  EXPECT_EQ(kv.at("best_order"), "3.9");
  EXPECT_EQ(kv.at("accountant"), "rdp");
  EXPECT_EQ(out.find("warning"), std::string::npos);
}

TEST(PrivacyCli, EpsilonPldMatchesLibrary) {
  std::string out;
  ASSERT_EQ(runTool("epsilon --sigma 1.5 --q 0.04 --steps 500 --delta 1e-5 --accountant pld", out),
            0)
      << out;
  auto const kv = keyValues(out);
  double const expected = saddle::pldEpsilon({{0.04, 1.5, 500}}, 1e-5);
  EXPECT_NEAR(std::stod(kv.at("epsilon")), expected, 1e-9 * expected);
  EXPECT_NEAR(std::stod(kv.at("epsilon_error_bound")), 500 * 1e-4, 1e-12);
  saddle::PrivacyLedger rdp;
  rdp.compose(0.04, 1.5, 500);
  EXPECT_LT(std::stod(kv.at("epsilon")), rdp.epsilon(1e-5).epsilon);
}

// Opacus' get_noise_multiplier example: epsilon 8, delta 1e-5, q 0.04, 90 epochs -> 1.416
// (tolerance 0.01 in epsilon); steps = ceil(90 / 0.04) = 2250.
TEST(PrivacyCli, SigmaFromEpochs) {
  std::string out;
  ASSERT_EQ(runTool("sigma --epsilon 8 --q 0.04 --epochs 90 --delta 1e-5", out), 0) << out;
  auto const kv = keyValues(out);
  EXPECT_EQ(kv.at("steps"), "2250");
  double const sigma = std::stod(kv.at("sigma"));
  EXPECT_NEAR(sigma, 1.416, 1e-3);
  EXPECT_NEAR(sigma, saddle::calibrateSigma(8, 1e-5, 0.04, 2250, saddle::Accountant::Rdp), 1e-8);
  double const eps = std::stod(kv.at("epsilon"));
  EXPECT_LE(eps, 8.0);
  EXPECT_GE(eps, 8.0 - 0.01);
}

TEST(PrivacyCli, GridEdgeWarning) {
  std::string out;
  ASSERT_EQ(runTool("epsilon --sigma 50 --q 0.01 --steps 1 --delta 1e-5", out), 0) << out;
  EXPECT_NE(out.find("warning: the best order 512 is at the edge"), std::string::npos) << out;
  // A grid far coarser than the per-step losses (q = 1e-6) over 10^9 steps: the PLD bound is
  // then looser than RDP's, and the tool says so.
  ASSERT_EQ(
      runTool("epsilon --sigma 1 --q 1e-6 --steps 1000000000 --delta 1e-5 --accountant pld", out),
      0)
      << out;
  EXPECT_NE(out.find("warning: the PLD grid is too coarse"), std::string::npos) << out;
}

// Out-of-range values: exit code 2 and a message naming the option and the allowed range.
TEST(PrivacyCli, RangeErrors) {
  struct Case {
    std::string args;
    std::string message;
  };
  std::vector<Case> const cases{
      {"epsilon --sigma 1 --q 1.5 --steps 10 --delta 1e-5",
       "--q = 1.5 is out of range (allowed: 0 < q <= 1)"},
      {"epsilon --sigma 1 --q 0 --steps 10 --delta 1e-5", "--q = 0 is out of range"},
      {"epsilon --sigma=-1 --q 0.1 --steps 10 --delta 1e-5",
       "--sigma = -1 is out of range (allowed: 0 <= sigma < inf)"},
      {"epsilon --sigma 1 --q 0.1 --steps 10 --delta 1",
       "--delta = 1 is out of range (allowed: 0 < delta < 1)"},
      {"epsilon --sigma 1 --q 0.1 --steps 10 --delta 0", "--delta = 0 is out of range"},
      {"epsilon --sigma 1 --q 0.1 --steps 0 --delta 1e-5",
       "--steps = 0 is out of range (allowed: an integer >= 1)"},
      {"epsilon --sigma 1 --q 0.1 --steps=-5 --delta 1e-5", "--steps = -5 is out of range"},
      {"sigma --epsilon 0 --q 0.1 --steps 10 --delta 1e-5",
       "--epsilon = 0 is out of range (allowed: 0 < epsilon < inf)"},
      {"sigma --epsilon 1 --q 0.1 --epochs=-1 --delta 1e-5", "--epochs = -1 is out of range"},
      {"sigma --epsilon 1 --q 0.1 --delta 1e-5", "one of --steps or --epochs is required"},
      {"sigma --epsilon 1 --q 0.1 --steps 5 --epochs 2 --delta 1e-5", "excludes"},
      {"epsilon --sigma 1 --q 0.1 --steps 10 --delta 1e-5 --accountant gdp",
       "--accountant = \"gdp\" is not an accountant (allowed: rdp, pld)"},
      {"epsilon --sigma 1 --q 0.1 --delta 1e-5", "--steps is required"},
      {"epsilon --sigma one --q 0.1 --steps 10 --delta 1e-5", "--sigma"},
      {"", "A subcommand is required"},
  };
  for (Case const& c : cases) {
    std::string out;
    EXPECT_EQ(runTool(c.args, out), 2) << c.args << "\n" << out;
    EXPECT_NE(out.find(c.message), std::string::npos) << c.args << "\n" << out;
    EXPECT_EQ(keyValues(out).count("epsilon"), 0u) << c.args << "\n" << out; // no result
  }
}

TEST(PrivacyCli, Help) {
  std::string out;
  ASSERT_EQ(runTool("--help", out), 0);
  EXPECT_NE(out.find("saddle-privacy epsilon --sigma S --q Q --steps T --delta D"),
            std::string::npos)
      << out;
  ASSERT_EQ(runTool("sigma --help", out), 0);
  EXPECT_NE(out.find("--epochs"), std::string::npos) << out;
}

// The library entry point behind the driver, with its output captured in memory.
TEST(PrivacyCli, InProcess) {
  std::vector<char const*> const argv{
      "saddle-privacy", "epsilon", "--sigma", "4.530877117", "--q", "1",
      "--steps",        "1",       "--delta", "1e-6"};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(saddle::runPrivacyCli(static_cast<int>(argv.size()), argv.data(), out, err), 0);
  EXPECT_NEAR(std::stod(keyValues(out.str()).at("epsilon")), 1.0, 1e-6) << out.str();
  std::vector<char const*> const bad{"saddle-privacy", "epsilon", "--sigma", "1",   "--q", "2",
                                     "--steps",        "1",       "--delta", "1e-6"};
  std::ostringstream out2;
  std::ostringstream err2;
  EXPECT_EQ(saddle::runPrivacyCli(static_cast<int>(bad.size()), bad.data(), out2, err2), 2);
  EXPECT_NE(err2.str().find("--q = 2 is out of range"), std::string::npos) << err2.str();
  EXPECT_TRUE(out2.str().empty());
}

} // namespace
