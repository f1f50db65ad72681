// Deck: parsing, every class of error message, overrides, defaults, the toToml round trip and
// the key table in inputs/README.md.
#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/core/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using saddle::Deck;

/// Expect `fn` to throw saddle::InputError whose message holds every one of `parts`.
void expectInputError(std::function<void()> const& fn, std::initializer_list<std::string> parts) {
  try {
    fn();
    ADD_FAILURE() << "expected saddle::InputError, nothing was thrown";
  } catch (saddle::InputError const& e) {
    std::string const message = e.what();
    for (auto const& part : parts)
      EXPECT_NE(message.find(part), std::string::npos)
          << "message:  " << message << "\nlacks:    " << part;
  }
}

Deck parse(std::string const& text, std::vector<std::string> const& overrides = {}) {
  return Deck::fromText(text, "inputs/x.toml", overrides);
}

/// A file under the test temporary folder holding `text`; returns its path.
std::string writeTemp(std::string const& name, std::string const& text) {
  std::string const path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// ---- reading -----------------------------------------------------------------------------------

TEST(Deck, ReadsFileAndRemembersTextSourceAndFolder) {
  std::string const text = "[run]\nrounds = 7\n\n[optim]\nlr = 0.125\n";
  std::string const path = writeTemp("saddle_deck_ok.toml", text);
  Deck const deck = Deck::fromFile(path, saddle::mpi::Comm::self());
  EXPECT_EQ(deck.run.rounds, 7);
  EXPECT_EQ(deck.optim.lr, 0.125);
  EXPECT_EQ(deck.text(), text);
  EXPECT_EQ(deck.source(), path);
  std::string dir = ::testing::TempDir();
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  EXPECT_EQ(deck.baseDir(), dir);
}

TEST(Deck, BaseDirOfABareFileNameIsDot) {
  writeTemp("saddle_deck_bare.toml", "[run]\nrounds = 3\n");
  auto const previous = std::filesystem::current_path();
  std::filesystem::current_path(::testing::TempDir());
  Deck const deck = Deck::fromFile("saddle_deck_bare.toml", saddle::mpi::Comm::self());
  std::filesystem::current_path(previous);
  EXPECT_EQ(deck.baseDir(), ".");
  EXPECT_EQ(deck.run.rounds, 3);
  EXPECT_EQ(Deck::fromText("", "text").baseDir(), "");
}

TEST(Deck, MissingFileNamesPathAndReason) {
  std::string const path = ::testing::TempDir() + "saddle_deck_missing/nothing.toml";
  expectInputError(
      [&] { Deck::fromFile(path, saddle::mpi::Comm::self()); },
      {"saddle::Deck: cannot read deck file '" + path + "'", "(No such file or directory)"});
}

TEST(Deck, FolderIsNotADeck) {
  expectInputError([] { Deck::fromFile(::testing::TempDir(), saddle::mpi::Comm::self()); },
                   {"cannot read deck file", "Is a directory"});
}

TEST(Deck, SyntaxErrorNamesLineAndColumn) {
  expectInputError([] { parse("[run]\nrounds = 3\nseed = = 4\n"); },
                   {"saddle::Deck: inputs/x.toml:3:", "TOML syntax error: "});
  expectInputError([] { parse("[run]\n\n\nrounds = \"open\n"); },
                   {"inputs/x.toml:4:", "TOML syntax error"});
}

// ---- unknown keys and sections -----------------------------------------------------------------

TEST(Deck, UnknownKeySuggestsTheNearestKey) {
  expectInputError([] { parse("[optim]\nlr = 0.1\nlrr = 0.2\n"); },
                   {"saddle::Deck: inputs/x.toml:3: unknown key 'optim.lrr' (did you mean "
                    "'optim.lr'?)"});
  expectInputError([] { parse("[privacy]\nnoise_multiplyer = 1.0\n"); },
                   {"unknown key 'privacy.noise_multiplyer'", "'privacy.noise_multiplier'"});
}

TEST(Deck, KeyInTheWrongSectionSuggestsItsSection) {
  expectInputError([] { parse("[run]\nlr = 0.1\n"); },
                   {"inputs/x.toml:2: unknown key 'run.lr' (did you mean 'optim.lr'?)"});
}

TEST(Deck, FarOffKeyListsTheSectionsKeys) {
  expectInputError([] { parse("[optim]\nstep_size_of_the_player = 0.9\n"); },
                   {"unknown key 'optim.step_size_of_the_player' (keys of [optim]: primal, lr, "
                    "momentum, update_order, l2)"});
}

TEST(Deck, UnknownSectionSuggestsTheNearestSection) {
  expectInputError([] { parse("[run]\nrounds = 2\n\n[optm]\nlr = 0.1\n"); },
                   {"saddle::Deck: inputs/x.toml:4: unknown section 'optm' (did you mean "
                    "'optim'?)"});
  expectInputError(
      [] { parse("[accountant]\nkind = \"rdp\"\n"); },
      {"unknown section 'accountant' (sections: run, data, silos, federated, model, optim, "
       "privacy, problem, checkpoint, dual, formulation, schedule, cmp, petsc)"});
}

TEST(Deck, KeyOutsideASectionIsAnError) {
  expectInputError([] { parse("rounds = 3\n"); },
                   {"inputs/x.toml:1: key 'rounds' is outside any [section] (did you mean "
                    "'run.rounds'?)"});
  expectInputError([] { parse("run = 3\n"); },
                   {"section 'run' has type integer (3), expected table"});
}

TEST(Deck, TablesNestedDeeperThanSectionKeyAreErrors) {
  expectInputError([] { parse("[optim.adam]\nbeta1 = 0.9\n"); },
                   {"inputs/x.toml:1: table 'optim.adam' is nested too deep"});
  expectInputError([] { parse("[optim]\nlr = { value = 0.1 }\n"); },
                   {"inputs/x.toml:2: key 'optim.lr' has type table", "expected float"});
}

TEST(Deck, FirstErrorInTheFileIsReported) {
  // toml++ keeps keys sorted by name; the deck reports in file order.
  expectInputError([] { parse("[run]\nzeta = 1\n[data]\nalpha = 2\n"); },
                   {"inputs/x.toml:2: unknown key 'run.zeta'"});
}

// ---- values: ranges and types ------------------------------------------------------------------

TEST(Deck, OutOfRangeNamesLineKeyValueAndRule) {
  expectInputError([] { parse("[run]\nrounds = 5\n\n[optim]\nprimal = \"sgd\"\n\nlr = -1\n"); },
                   {"saddle::Deck: inputs/x.toml:7: key 'optim.lr' = -1 is out of range "
                    "(allowed: > 0"});
  expectInputError([] { parse("[data]\ntest_fraction = 0.95\n"); },
                   {"inputs/x.toml:2: key 'data.test_fraction' = 0.95 is out of range "
                    "(allowed: [0, 0.9])"});
  expectInputError([] { parse("[run]\nrounds = 0\n"); },
                   {"key 'run.rounds' = 0 is out of range (allowed: >= 1)"});
  expectInputError([] { parse("[privacy]\nsampling_rate = 0\n"); },
                   {"key 'privacy.sampling_rate' = 0 is out of range (allowed: (0, 1])"});
  expectInputError([] { parse("[data]\nn_groups = 1001\n"); },
                   {"key 'data.n_groups' = 1001 is out of range (allowed: [2, 1000])"});
}

TEST(Deck, StringOutsideItsChoicesNamesTheChoices) {
  expectInputError([] { parse("[data]\nsource = \"parquet\"\n"); },
                   {"inputs/x.toml:2: key 'data.source' = \"parquet\" is not allowed (allowed: "
                    "\"synthetic\" | \"csv\" | \"hdf5\")"});
  expectInputError([] { parse("[run]\noutput_dir = \"\"\n"); },
                   {"key 'run.output_dir' = \"\" is not allowed (allowed: non-empty string)"});
}

TEST(Deck, WrongTypeNamesBothTypesAndTheValue) {
  expectInputError([] { parse("[run]\nrounds = \"ten\"\n"); },
                   {"saddle::Deck: inputs/x.toml:2: key 'run.rounds' has type string (\"ten\"), "
                    "expected integer"});
  expectInputError([] { parse("[privacy]\nenabled = 1\n"); },
                   {"inputs/x.toml:2: key 'privacy.enabled' has type integer (1), expected "
                    "boolean"});
  expectInputError([] { parse("[run]\nrounds = 2.5\n"); },
                   {"key 'run.rounds' has type float (2.5), expected integer"});
  expectInputError([] { parse("[run]\nrounds = 2.0\n"); },
                   {"key 'run.rounds' has type float (2), expected integer"});
  expectInputError([] { parse("[data]\nsource = [\"csv\"]\n"); },
                   {"key 'data.source' has type array", "expected string"});
}

TEST(Deck, FloatKeyAcceptsAnInteger) {
  Deck const deck = parse("[optim]\nlr = 1\n[dual]\nlr = 2\n[data]\nbias = 0\n");
  EXPECT_EQ(deck.optim.lr, 1.0);
  EXPECT_EQ(deck.dual.lr, 2.0);
  EXPECT_EQ(deck.data.bias, 0.0);
}

TEST(Deck, SeedTakesNonNegativeIntegers) {
  EXPECT_EQ(parse("[run]\nseed = 9223372036854775807\n").run.seed, 9223372036854775807ull);
  EXPECT_EQ(parse("[run]\nseed = 0\n").run.seed, 0u);
  expectInputError([] { parse("[run]\nseed = -3\n"); },
                   {"inputs/x.toml:2: key 'run.seed' = -3 is out of range (allowed: >= 0)"});
}

TEST(Deck, ClipNormAcceptsInfinityOnly) {
  Deck const deck = parse("[privacy]\nclip_norm = inf\nnoise_multiplier = 0\n");
  EXPECT_TRUE(std::isinf(deck.privacy.clip_norm) && deck.privacy.clip_norm > 0);
  EXPECT_EQ(parse("[privacy]\nclip_norm = +inf\nnoise_multiplier = 0.0\n").privacy.clip_norm,
            std::numeric_limits<double>::infinity());
  expectInputError([] { parse("[privacy]\nclip_norm = -inf\n"); },
                   {"inputs/x.toml:2: key 'privacy.clip_norm' = -inf is out of range (allowed: > "
                    "0 (inf allowed))"});
  expectInputError([] { parse("[privacy]\nclip_norm = nan\n"); },
                   {"key 'privacy.clip_norm' = nan is out of range"});
  expectInputError([] { parse("[optim]\nlr = inf\n"); },
                   {"key 'optim.lr' = inf is out of range (allowed: > 0, finite)"});
  expectInputError([] { parse("[dual]\nlr = nan\n"); }, {"key 'dual.lr' = nan"});
}

// ---- cross-key rules ---------------------------------------------------------------------------

TEST(Deck, CsvNeedsAPath) {
  expectInputError([] { parse("[data]\nsource = \"csv\"\n"); },
                   {"inputs/x.toml:2: key 'data.path' = \"\" is not allowed",
                    "required when data.source = \"csv\""});
  Deck const deck = parse("[data]\nsource = \"csv\"\npath = \"data/adult.csv\"\n");
  EXPECT_EQ(deck.data.path, "data/adult.csv");
}

TEST(Deck, InfiniteClipNeedsNoNoise) {
  expectInputError([] { parse("[privacy]\nclip_norm = inf\n"); },
                   {"inputs/x.toml:2: key 'privacy.noise_multiplier' = 1 is not allowed",
                    "privacy.clip_norm = inf"});
  EXPECT_NO_THROW(parse("[privacy]\nenabled = false\nclip_norm = inf\n"));
}

TEST(Deck, SyntheticSilosNeedRows) {
  expectInputError(
      [] { parse("[data]\nn_samples = 10\n[silos]\ncount = 11\n"); },
      {"inputs/x.toml:4: key 'silos.count' = 11 is not allowed", "at most data.n_samples = 10"});
}

TEST(Deck, ValidateCanBeCalledAgainAfterEdits) {
  Deck deck = parse("[optim]\nlr = 0.25\n");
  EXPECT_NO_THROW(deck.validate());
  deck.optim.lr = -0.5;
  expectInputError([&] { deck.validate(); },
                   {"saddle::Deck: inputs/x.toml:2: key 'optim.lr' = -0.5 is out of range"});
  deck.optim.lr = 0.5;
  deck.run.log_every = 0; // never set by the file: the message names the source alone
  expectInputError([&] { deck.validate(); },
                   {"saddle::Deck: inputs/x.toml: key 'run.log_every' = 0 is out of range"});
}

// ---- overrides ---------------------------------------------------------------------------------

TEST(Deck, OverrideWinsOverTheFile) {
  Deck const deck = parse("[run]\nrounds = 5\n[optim]\nlr = 0.1\n",
                          {"run.rounds=9", "optim.lr = 0.75", "privacy.enabled=false"});
  EXPECT_EQ(deck.run.rounds, 9);
  EXPECT_EQ(deck.optim.lr, 0.75);
  EXPECT_FALSE(deck.privacy.enabled);
  EXPECT_EQ(deck.text(), "[run]\nrounds = 5\n[optim]\nlr = 0.1\n"); // text is before overrides
}

TEST(Deck, OverrideTakesBareAndQuotedStrings) {
  Deck const bare = parse("", {"data.source=csv", "data.path=data/a b.csv", "run.output_dir=2024"});
  EXPECT_EQ(bare.data.source, "csv");
  EXPECT_EQ(bare.data.path, "data/a b.csv");
  EXPECT_EQ(bare.run.output_dir, "2024");
  Deck const quoted = parse("", {"data.source=\"csv\"", "data.path='x.csv'"});
  EXPECT_EQ(quoted.data.source, "csv");
  EXPECT_EQ(quoted.data.path, "x.csv");
}

TEST(Deck, OverrideErrorsNameTheOverride) {
  expectInputError([] { parse("", {"optim.lrr=0.1"}); },
                   {"saddle::Deck: inputs/x.toml (from --set): unknown key 'optim.lrr' (did you "
                    "mean 'optim.lr'?)"});
  expectInputError([] { parse("", {"rounds"}); },
                   {"inputs/x.toml (from --set): malformed override 'rounds' (expected "
                    "section.key=value)"});
  expectInputError([] { parse("", {"rounds=3"}); },
                   {"malformed override 'rounds=3' (expected section.key=value)"});
  expectInputError([] { parse("", {"run.rounds=ten"}); },
                   {"(from --set): key 'run.rounds' has type string (\"ten\"), expected integer"});
  expectInputError([] { parse("[optim]\nlr = 0.1\n", {"optim.lr=-2"}); },
                   {"saddle::Deck: inputs/x.toml (from --set): key 'optim.lr' = -2 is out of "
                    "range (allowed: > 0"});
}

TEST(Deck, FileOverridesApplyOnFromFile) {
  std::string const path = writeTemp("saddle_deck_over.toml", "[run]\nrounds = 4\n");
  Deck const deck = Deck::fromFile(path, saddle::mpi::Comm::self(), {"run.rounds=6"});
  EXPECT_EQ(deck.run.rounds, 6);
}

// ---- defaults, toToml, keys --------------------------------------------------------------------

TEST(Deck, EmptyDeckHasTheStructDefaults) {
  Deck const parsed = parse("");
  Deck const defaults;
  EXPECT_EQ(parsed.toToml(), defaults.toToml());
  EXPECT_EQ(parsed.run.rounds, defaults.run.rounds);
  EXPECT_EQ(parsed.run.seed, defaults.run.seed);
  EXPECT_EQ(parsed.data.source, defaults.data.source);
  EXPECT_EQ(parsed.privacy.clip_norm, defaults.privacy.clip_norm);
  EXPECT_EQ(parsed.problem.constraint, defaults.problem.constraint);
  EXPECT_NO_THROW(defaults.validate());
  for (auto const& info : Deck::keys()) {
    auto const name = info.key.substr(info.key.find('.') + 1);
    EXPECT_NE(defaults.toToml().find("\n" + name + " = " + info.default_text + "\n"),
              std::string::npos)
        << info.key;
  }
}

TEST(Deck, KeysAreDescribedOnceEach) {
  auto const& keys = Deck::keys();
  std::set<std::string> names;
  for (auto const& k : keys)
    EXPECT_TRUE(names.insert(k.key).second) << k.key << " is described twice";
  EXPECT_EQ(keys.front().key, "run.rounds");
  EXPECT_EQ(keys.front().type, "integer");
  EXPECT_EQ(keys.front().default_text, "300");
  EXPECT_EQ(keys.front().allowed, ">= 1");
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_FALSE(keys[i].description.empty()) << keys[i].key;
    EXPECT_FALSE(keys[i].allowed.empty()) << keys[i].key;
    for (std::size_t j = 0; j < i; ++j)
      EXPECT_NE(keys[i].key, keys[j].key);
  }
}

TEST(Deck, ToTomlRoundTripsEveryKeyExactly) {
  Deck const deck = parse("[run]\nseed = 9223372036854775807\noutput_dir = \"out \\\"q\\\" \\\\ "
                          "\\t\"\n[data]\nbias = 0.1\ntest_fraction = 0\nstandardize = false\n"
                          "[optim]\nlr = 1e-7\n[dual]\nlr = 3\n"
                          "[privacy]\nclip_norm = inf\nnoise_multiplier = 0\n"
                          "sampling_rate = 0.30000000000000004\n",
                          {"problem.constraint=none", "problem.tolerance=0.0"});
  std::string const toml = deck.toToml();
  Deck const back = Deck::fromText(toml, "round-trip");
  EXPECT_EQ(back.toToml(), toml);
  EXPECT_EQ(back.run.seed, 9223372036854775807ull);
  EXPECT_EQ(back.run.output_dir, "out \"q\" \\ \t");
  EXPECT_EQ(back.data.bias, 0.1);
  EXPECT_EQ(back.optim.lr, 1e-7);
  EXPECT_EQ(back.dual.lr, 3.0);
  EXPECT_EQ(back.privacy.clip_norm, std::numeric_limits<double>::infinity());
  EXPECT_EQ(back.privacy.sampling_rate, 0.30000000000000004);
  EXPECT_FALSE(back.data.standardize);
  EXPECT_EQ(back.problem.constraint, "none");
  EXPECT_NE(toml.find("[optim]\nprimal = \"sgd\"\nlr = 1e-07\nmomentum = 0.9\n"
                      "update_order = \"simultaneous\"\n"),
            std::string::npos)
      << toml;
}

TEST(Deck, EveryDeckInInputsParses) {
  int decks = 0;
  for (auto const& entry : std::filesystem::directory_iterator(SADDLE_INPUTS_DIR)) {
    if (entry.path().extension() != ".toml")
      continue;
    ++decks;
    try {
      Deck::fromFile(entry.path().string(), saddle::mpi::Comm::self());
    } catch (std::exception const& e) {
      ADD_FAILURE() << e.what();
    }
  }
  EXPECT_GT(decks, 0);
}

/// The row of inputs/README.md's table for one key (`|` escaped inside cells).
std::string readmeRow(saddle::DeckKeyInfo const& info) {
  auto const cell = [](std::string text) {
    for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2))
      text.replace(at, 1, "\\|");
    return text;
  };
  return "| `" + info.key + "` | " + info.type + " | `" + cell(info.default_text) + "` | " +
         cell(info.allowed) + " | " + cell(info.description) + " |";
}

std::string readReadme() {
  std::ifstream in(std::string(SADDLE_INPUTS_DIR) + "/README.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Deck, EveryKeyIsInInputsReadme) {
  std::string const readme = readReadme();
  ASSERT_FALSE(readme.empty()) << SADDLE_INPUTS_DIR "/README.md is missing or empty";
  for (auto const& info : Deck::keys())
    EXPECT_NE(readme.find("`" + info.key + "`"), std::string::npos)
        << info.key << " is not in inputs/README.md";
}

TEST(Deck, InputsReadmeTableMatchesTheKeyTable) {
  std::string const readme = readReadme();
  std::string table = "| Key | Type | Default | Allowed | Description |\n|---|---|---|---|---|\n";
  bool all_found = true;
  for (auto const& info : Deck::keys()) {
    table += readmeRow(info) + "\n";
    all_found = all_found && readme.find(readmeRow(info) + "\n") != std::string::npos;
  }
  EXPECT_TRUE(all_found) << "inputs/README.md is out of date; its key table should read:\n"
                         << table;
}

} // namespace
