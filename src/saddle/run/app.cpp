#include "saddle/run/app.hpp"

#include "saddle/core/deck.hpp"
#include "saddle/core/log.hpp"
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <cstdio>
#include <memory>
#include <optional>

namespace saddle {

namespace {
/// Build the experiment; on failure return the exit code and message instead of throwing, so
/// that all ranks can agree on the outcome before anyone exits.
std::unique_ptr<Experiment> setUp(TrainOptions const& o, mpi::Comm const& comm, int& code,
                                  std::string& message) {
  try {
    Deck deck = Deck::fromFile(o.deck_path, comm, o.overrides);
    return std::make_unique<Experiment>(std::move(deck), comm);
  } catch (InputError const& e) {
    code = kExitInput;
    message = e.what();
  } catch (std::exception const& e) {
    code = kExitRuntime;
    message = e.what();
  }
  return nullptr;
}
} // namespace

int runTraining(TrainOptions const& options, mpi::Comm const& comm) {
  int code = kExitOk;
  std::string message;
  auto experiment = setUp(options, comm, code, message);
  // Agree: the worst code of any rank wins; the lowest failing rank prints its message.
  std::int64_t const worst = comm.allreduceMax(static_cast<std::int64_t>(code));
  if (worst != kExitOk) {
    std::int64_t const first_failing = -comm.allreduceMax(
        static_cast<std::int64_t>(code != kExitOk ? -comm.rank() : -comm.size()));
    if (comm.rank() == first_failing) {
      std::fprintf(stderr, "saddle-train: error: %s\n", message.c_str());
      std::fflush(stderr);
    }
    return static_cast<int>(worst);
  }
  Trainer::Options topt;
  topt.write_outputs = options.write_outputs;
  topt.verbose = options.verbose;
  Trainer trainer(*experiment, topt);
  trainer.run();
  if (options.write_outputs)
    log::info(comm, "outputs: " + experiment->deck.run.output_dir +
                        "/{history.csv, evaluation.csv, summary.txt, summary.csv, deck.toml}");
  return kExitOk;
}

} // namespace saddle
