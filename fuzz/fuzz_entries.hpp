#pragma once
/// The bodies of saddle's libFuzzer targets, shared by the fuzzers (fuzz_<target>.cpp, built
/// with clang and -fsanitize=fuzzer) and by the ordinary test that replays the seed corpora
/// and the crash regressions (tests/unit/test_fuzz_regressions.cpp), so that every crash input
/// once found is re-run through the same code in every build.
///
/// Each entry feeds `data` to one reader and checks what comes back. Bad input must end in
/// saddle::InputError (exit code 2 for a user) and nothing else: any other exception escapes
/// (libFuzzer reports it as a crash), and a broken invariant of an accepted input aborts.
/// Host only; checkpointEntry needs MPI initialized (the reader is collective on Comm::self()).
#include <cstddef>
#include <cstdint>
#include <string>

namespace saddle::fuzz {

/// Deck::fromText on the bytes; an accepted deck must survive toToml() -> fromText() with the
/// same toToml() text (the effective deck written to outputs and checkpoints reads back).
void deckEntry(std::uint8_t const* data, std::size_t size);

/// data::loadCsv on the bytes written to a scratch file (label column "label", first
/// sensitive_* column as the group); an accepted table must have labels in {0, 1}, groups in
/// [0, n_groups), finite features and consistent sizes.
void csvEntry(std::uint8_t const* data, std::size_t size);

/// io::readCheckpoint (InputError only) on the bytes written to a scratch file, for a run of 2
/// silos; a checkpoint it accepts must pass io::verifyCheckpoint with the same attributes.
void checkpointEntry(std::uint8_t const* data, std::size_t size);

/// A file of this process in the scratch folder ($TMPDIR or /tmp):
/// "<dir>/saddle-fuzz-<pid>-<name>".
std::string scratchPath(std::string const& name);

} // namespace saddle::fuzz
