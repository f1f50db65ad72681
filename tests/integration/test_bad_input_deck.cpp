// The bad-input matrix, decks: for every key of the deck's key table (Deck::keys(), so keys
// added later are covered without touching this file), a value of the wrong type and a value
// out of range. Each must end saddle-train with exit code 2 and a message naming the deck file,
// the line and the key. In-process through runTraining (the driver's whole code path after the
// command line), plus one saddle-train process per class.
#include "saddle/core/deck.hpp"
#include "saddle/run/app.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace {

using saddle::DeckKeyInfo;

/// Comment lines above the key in every generated deck: the key sits on line kLine.
constexpr int kLine = 4;

std::string sectionOf(std::string const& key) {
  return key.substr(0, key.find('.'));
}
std::string nameOf(std::string const& key) {
  return key.substr(key.find('.') + 1);
}

/// A deck that sets only `key` = `value` (TOML text), on line kLine.
std::string writeDeck(std::string const& dir, DeckKeyInfo const& info, std::string const& value) {
  std::string const path = dir + "/" + info.key + ".toml";
  std::ofstream out(path);
  out << "# bad-input matrix: " << info.key << " (" << info.type << ", allowed " << info.allowed
      << ")\n[" << sectionOf(info.key) << "]\n# the value under test\n"
      << nameOf(info.key) << " = " << value << "\n";
  return path;
}

/// A value of another TOML type than `type`.
std::string wrongType(std::string const& type) {
  if (type == "integer")
    return "1.5";
  if (type == "float" || type == "boolean")
    return "\"text\"";
  return "1"; // string
}

/// `v` as TOML of `type` (integers without a decimal point).
std::string number(double v, std::string const& type) {
  char text[40];
  if (type == "integer")
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(v));
  else
    std::snprintf(text, sizeof text, "%.17g", v);
  std::string out = text;
  if (type == "float" && out.find_first_of(".ein") == std::string::npos)
    out += ".0";
  return out;
}

/// A value outside what Deck::keys() says `info` allows, from its `allowed` text:
/// ">= a" / "> a" [", finite" | " (inf allowed)"], "[a, b]" / "(a, b]", "\"x\" | \"y\"",
/// "non-empty string"; nothing for "any string" and booleans (every value is in range).
std::optional<std::string> outOfRange(DeckKeyInfo const& info) {
  std::string const& a = info.allowed;
  if (info.type == "boolean" || a == "any string")
    return std::nullopt;
  if (a == "non-empty string")
    return "\"\"";
  if (a.front() == '"')
    return "\"not_one_of_the_choices\"";
  if (a.rfind(">= ", 0) == 0 || a.rfind("> ", 0) == 0) {
    bool const open = a[1] == ' ';
    double const lo = std::strtod(a.c_str() + (open ? 2 : 3), nullptr);
    if (std::isinf(lo))
      return "inf"; // ">= -inf, finite": anything finite is allowed, infinity is not
    return number(open ? lo : lo - 1, info.type);
  }
  if (a.front() == '[' || a.front() == '(') {
    double const lo = std::strtod(a.c_str() + 1, nullptr);
    double const hi = std::strtod(a.c_str() + a.find(',') + 1, nullptr);
    return a.front() == '(' ? number(lo, info.type) : number(hi + 1, info.type);
  }
  ADD_FAILURE() << info.key << ": unknown form of allowed text '" << a
                << "' (teach outOfRange() about it)";
  return std::nullopt;
}

/// runTraining on `deck_path`; returns the exit code and the message printed.
int train(std::string const& deck_path, std::string& err) {
  saddle::TrainOptions o;
  o.deck_path = deck_path;
  o.verbose = false;
  o.write_outputs = false;
  testing::internal::CaptureStderr();
  int const code = saddle::runTraining(o, saddle::mpi::Comm::self());
  err = testing::internal::GetCapturedStderr();
  return code;
}

/// Exit code 2 and a message naming "<file>:<line>" and the key.
void expectRejected(std::string const& path, std::string const& key, std::string const& what) {
  std::string err;
  EXPECT_EQ(train(path, err), saddle::kExitInput) << key << " " << what << ": " << err;
  EXPECT_NE(err.find(path + ":" + std::to_string(kLine) + ":"), std::string::npos)
      << key << " " << what << ": the message names no file:line: " << err;
  EXPECT_NE(err.find("'" + key + "'"), std::string::npos)
      << key << " " << what << ": the message names no key: " << err;
}

TEST(BadInputDeck, EveryKeyRejectsAWrongType) {
  auto const dir = saddle::test::freshDir("bad_deck_type");
  ASSERT_GT(saddle::Deck::keys().size(), 50u);
  for (auto const& info : saddle::Deck::keys())
    expectRejected(writeDeck(dir, info, wrongType(info.type)), info.key, "wrong type");
}

TEST(BadInputDeck, EveryRangedKeyRejectsAnOutOfRangeValue) {
  auto const dir = saddle::test::freshDir("bad_deck_range");
  std::size_t ranged = 0, free_keys = 0;
  for (auto const& info : saddle::Deck::keys()) {
    auto const value = outOfRange(info);
    if (!value) {
      ++free_keys; // booleans and free strings: no value is out of range
      continue;
    }
    ++ranged;
    expectRejected(writeDeck(dir, info, *value), info.key, "out of range (" + *value + ")");
  }
  EXPECT_GT(ranged, 3 * free_keys); // most keys have a range; a parse slip would drop them
}

TEST(BadInputDeck, TheDefaultDeckIsValid) {
  // The matrix relies on it: every generated deck is the defaults plus the one bad key.
  auto const dir = saddle::test::freshDir("bad_deck_default");
  std::string const path = dir + "/empty.toml";
  std::ofstream(path) << "# every key at its default\n";
  saddle::mpi::Comm const self = saddle::mpi::Comm::self();
  EXPECT_NO_THROW(saddle::Deck::fromFile(path, self));
}

TEST(BadInputDeck, SaddleTrainProcessExitsTwoForEachClass) {
  auto const dir = saddle::test::freshDir("bad_deck_driver");
  for (auto const& [key, value] : {std::pair<std::string, std::string>{"optim.lr", "\"fast\""},
                                   {"privacy.delta", "1.5"},
                                   {"privacy.accountant", "\"gdp\""},
                                   {"run.rounds", "0"}}) {
    DeckKeyInfo info;
    for (auto const& k : saddle::Deck::keys())
      if (k.key == key)
        info = k;
    ASSERT_EQ(info.key, key);
    std::string const path = writeDeck(dir, info, value);
    std::string out;
    int const code = saddle::test::runCommand(
        std::string(SADDLE_TRAIN_EXE) + " " + path + " --output " + dir + "/out", out);
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find(path + ":" + std::to_string(kLine) + ": key '" + key + "'"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("saddle-train: error:"), out.rfind("saddle-train: error:")) << out;
  }
}

} // namespace
