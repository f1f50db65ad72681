#pragma once
/// The training application behind `saddle-train`, callable in-process by tests: set-up with
/// agreement across ranks (bad input anywhere gives exit code 2 on every rank, the message
/// printed once), then the run.
#include "saddle/core/comm.hpp"
#include "saddle/core/error.hpp"

#include <string>
#include <vector>

namespace saddle {

struct TrainOptions {
  std::string deck_path;              ///< TOML deck
  std::vector<std::string> overrides; ///< "section.key=value", applied in order
  std::string restart;                ///< checkpoint file, "latest", or "" (a fresh run)
  bool write_outputs = true;
  bool verbose = true;
};

/// Exit codes of saddle's drivers. kExitInterrupted: a stop signal (SIGUSR1/SIGTERM) ended the
/// run after its round, with a checkpoint written: restart it with --restart latest.
enum ExitCode : int { kExitOk = 0, kExitRuntime = 1, kExitInput = 2, kExitInterrupted = 3 };

/// Every rank reports its outcome (`code`, and `message` when it failed); returns the worst code
/// on every rank, and the lowest failing rank prints "<program>: error: <message>" once.
/// Collective: call it on every rank, also after a local failure.
int agreeOnOutcome(mpi::Comm const& comm, int code, std::string const& message,
                   char const* program);

/// Run `step` on every rank and agree on its outcome (agreeOnOutcome): an InputError gives
/// kExitInput, any other exception kExitRuntime, on every rank; nothing is thrown. `step` must
/// fail on all ranks or be free of collectives after the point where some rank can fail.
template <class Step> int runAgreed(mpi::Comm const& comm, char const* program, Step&& step) {
  int code = kExitOk;
  std::string message;
  try {
    step(code, message);
  } catch (InputError const& e) {
    code = kExitInput;
    message = e.what();
  } catch (std::exception const& e) {
    code = kExitRuntime;
    message = e.what();
  }
  return agreeOnOutcome(comm, code, message, program);
}

/// `--output DIR` of the drivers as the override run.output_dir="DIR" (TOML basic string).
std::string outputOverride(std::string const& dir);

/// Load the deck, build the experiment (and restore the checkpoint), train, write outputs.
/// Returns kExitOk, kExitInterrupted after a stop signal, kExitInput (on every rank) when the
/// deck, data or checkpoint are bad, kExitRuntime (on every rank) when the training diverged.
/// Any other runtime failure throws (the driver turns it into MPI_Abort so that no rank
/// hangs). Collective on `comm`.
int runTraining(TrainOptions const& options, mpi::Comm const& comm);

} // namespace saddle
