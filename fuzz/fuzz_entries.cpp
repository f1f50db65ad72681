// Bodies of the libFuzzer targets (see fuzz_entries.hpp): one reader each, InputError the only
// accepted failure, invariants of accepted inputs checked with abort().
#include "fuzz_entries.hpp"

#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/core/error.hpp"
#include "saddle/data/csv.hpp"
#include "saddle/data/partition.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/inspect.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace saddle::fuzz {

namespace {

/// Abort (a crash libFuzzer reports, with the input) when an invariant of an accepted input
/// fails; the message says which.
void check(bool ok, char const* what) {
  if (!ok) {
    std::fprintf(stderr, "saddle::fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

/// `size` bytes at `data` as the file `path` (replaced).
void writeBytes(std::string const& path, std::uint8_t const* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<char const*>(data), static_cast<std::streamsize>(size));
  check(static_cast<bool>(out), "the scratch file can be written");
}

void checkTable(data::Table const& t) {
  auto const rows = static_cast<std::size_t>(t.rows());
  check(t.rows() >= 1 && t.n_features >= 1, "an accepted table has rows and features");
  check(t.x.size() == rows * static_cast<std::size_t>(t.n_features), "x is rows x n_features");
  check(t.group.size() == rows && t.row_id.size() == rows, "one group and row id per row");
  check(t.feature_names.size() == static_cast<std::size_t>(t.n_features), "one name per feature");
  check(t.n_groups >= 2, "at least two groups");
  for (std::size_t i = 0; i < rows; ++i) {
    check(t.y[i] == 0.0 || t.y[i] == 1.0, "labels are 0 or 1");
    check(t.group[i] >= 0 && t.group[i] < t.n_groups, "groups are in [0, n_groups)");
    check(t.row_id[i] == static_cast<std::int64_t>(i), "row ids are the data row indices");
  }
  for (double const v : t.x)
    check(std::isfinite(v), "features are finite");
}

} // namespace

std::string scratchPath(std::string const& name) {
  char const* tmp = std::getenv("TMPDIR");
  std::string const dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  return dir + "/saddle-fuzz-" + std::to_string(::getpid()) + "-" + name;
}

void deckEntry(std::uint8_t const* data, std::size_t size) {
  std::string const text(reinterpret_cast<char const*>(data), size);
  std::string toml;
  try {
    toml = Deck::fromText(text, "fuzz.toml").toToml();
  } catch (InputError const&) {
    return; // rejected with a message: the expected outcome for bad input
  }
  std::string again;
  try {
    again = Deck::fromText(toml, "effective.toml").toToml();
  } catch (InputError const& e) {
    std::fprintf(stderr, "saddle::fuzz: the effective deck does not read back: %s\n", e.what());
    std::abort();
  }
  check(again == toml, "toToml() of the effective deck reads back to the same text");
}

void csvEntry(std::uint8_t const* data, std::size_t size) {
  static std::string const path = scratchPath("data.csv");
  writeBytes(path, data, size);
  try {
    checkTable(data::loadCsv(path, "label", ""));
  } catch (InputError const& e) {
    check(std::string(e.what()).find(path) != std::string::npos, "the message names the file");
  }
}

void checkpointEntry(std::uint8_t const* data, std::size_t size) {
  static std::string const path = scratchPath("checkpoint.h5");
  writeBytes(path, data, size);
  auto const comm = mpi::Comm::self();
  // Two silos, as in the seeds: a file that claims another count is rejected before its
  // datasets are read, which the fuzzer soon learns to avoid.
  auto const mine = data::SiloPartition::block(2, 0, 1);
  io::Checkpoint read;
  try {
    read = io::readCheckpoint(path, mine, comm);
  } catch (InputError const& e) {
    check(std::string(e.what()).find(path) != std::string::npos, "the message names the file");
    return;
  }
  // saddle-inspect --verify reads every value of what the restart path accepted: it must agree.
  io::VerifyResult const verified = io::verifyCheckpoint(path, comm); // never throws
  check(verified.ok, "a checkpoint that reads back also verifies");
  check(read.meta.round == verified.meta.round && read.meta.n_silos == verified.meta.n_silos &&
            read.meta.deck_hash == verified.meta.deck_hash,
        "read and verify agree on the attributes");
}

} // namespace saddle::fuzz
