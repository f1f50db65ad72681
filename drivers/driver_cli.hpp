#pragma once
// The command line shared by saddle-train and saddle-cmp: DECK, --set (repeatable) and
// --output; parse errors exit 2 with a usage line, --help exits 0, both printed by rank 0.
#include "saddle/core/comm.hpp"
#include "saddle/run/app.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <string>

namespace saddle::driver {

/// Adds DECK, --set and --output to `app`; the caller adds its own options first.
inline void addDeckOptions(CLI::App& app, std::string& deck, std::vector<std::string>& overrides,
                           std::string& output) {
  app.add_option("deck", deck, "input deck (TOML), see inputs/README.md")->required();
  app.add_option("--set", overrides, "override a deck key: --set section.key=value (repeatable)");
  app.add_option("--output", output, "output folder (same as --set run.output_dir=DIR)");
}

/// Parse; returns the exit code when the program must stop now (help or a bad command line).
inline std::optional<int> parse(CLI::App& app, int argc, char** argv, mpi::Comm const& world,
                                char const* usage) {
  try {
    app.parse(argc, argv);
  } catch (CLI::Success const& e) { // --help, --version
    if (world.rank() == 0)
      app.exit(e);
    return kExitOk;
  } catch (CLI::ParseError const& e) {
    if (world.rank() == 0) {
      std::fprintf(stderr, "%s: error: %s\nusage: %s (see --help)\n", app.get_name().c_str(),
                   e.what(), usage);
    }
    return kExitInput;
  }
  return std::nullopt;
}

} // namespace saddle::driver
