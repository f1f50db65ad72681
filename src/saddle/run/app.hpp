#pragma once
/// The training application behind `saddle-train`, callable in-process by tests: set-up with
/// agreement across ranks (bad input anywhere gives exit code 2 on every rank, the message
/// printed once), then the run.
#include "saddle/core/comm.hpp"

#include <string>
#include <vector>

namespace saddle {

struct TrainOptions {
  std::string deck_path;              ///< TOML deck
  std::vector<std::string> overrides; ///< "section.key=value", applied in order
  bool write_outputs = true;
  bool verbose = true;
};

/// Exit codes of saddle's drivers.
enum ExitCode : int { kExitOk = 0, kExitRuntime = 1, kExitInput = 2 };

/// Load the deck, build the experiment, train, write outputs. Returns kExitOk, or
/// kExitInput (on every rank) when the deck or data are bad. A runtime failure after set-up
/// throws (the driver turns it into MPI_Abort so that no rank hangs). Collective on `comm`.
int runTraining(TrainOptions const& options, mpi::Comm const& comm);

} // namespace saddle
