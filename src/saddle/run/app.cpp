#include "saddle/run/app.hpp"

#include "saddle/core/deck.hpp"
#include "saddle/core/log.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <cstdio>
#include <memory>
#include <optional>

namespace saddle {

namespace {} // namespace

int agreeOnOutcome(mpi::Comm const& comm, int code, std::string const& message,
                   char const* program) {
  auto const worst = comm.allreduceMax(static_cast<std::int64_t>(code));
  if (worst == kExitOk)
    return kExitOk;
  std::int64_t const first_failing =
      -comm.allreduceMax(static_cast<std::int64_t>(code != kExitOk ? -comm.rank() : -comm.size()));
  if (comm.rank() == first_failing) {
    std::fprintf(stderr, "%s: error: %s\n", program, message.c_str());
    std::fflush(stderr);
  }
  return static_cast<int>(worst);
}

std::string outputOverride(std::string const& dir) {
  std::string quoted;
  for (char c : dir)
    quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return "run.output_dir=\"" + quoted + "\"";
}

int runTraining(TrainOptions const& options, mpi::Comm const& comm) {
  std::unique_ptr<Experiment> experiment;
  std::unique_ptr<Trainer> trainer;
  Trainer::Options topt;
  topt.write_outputs = options.write_outputs;
  topt.verbose = options.verbose;
  int const setup = runAgreed(comm, "saddle-train", [&](int&, std::string&) {
    Deck deck = Deck::fromFile(options.deck_path, comm, options.overrides);
    experiment = std::make_unique<Experiment>(std::move(deck), comm);
    trainer = std::make_unique<Trainer>(*experiment, topt);
    if (!options.restart.empty())
      trainer->restore(options.restart);
  });
  if (setup != kExitOk)
    return setup;
  RunSummary summary;
  try {
    summary = trainer->run();
  } catch (DivergenceError const& e) { // thrown on every rank at the same round
    if (comm.rank() == 0)
      std::fprintf(stderr, "saddle-train: error: %s\n", e.what());
    return kExitRuntime;
  }
  if (options.write_outputs && options.verbose)
    log::info(comm, "outputs: " + experiment->deck.run.output_dir +
                        "/{history.h5, history.csv, evaluation.csv, summary.txt, summary.csv, "
                        "deck.toml, checkpoints/}");
  return summary.stop == StopReason::Signal ? kExitInterrupted : kExitOk;
}

} // namespace saddle
