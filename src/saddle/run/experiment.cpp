#include "saddle/run/experiment.hpp"

#include "saddle/federated/fixed_point.hpp"
#include "saddle/io/checkpoint.hpp"
#include "saddle/io/data_hdf5.hpp"
#include "saddle/optim/deck_configs.hpp"
#include "saddle/privacy/secure_sampler.hpp"
#include "saddle/problems/factory.hpp"
#include "saddle/problems/group_accuracy.hpp"

namespace saddle {

namespace {
MessageLayout makeLayout(LogisticModel const& model, Problem const& problem,
                         Privatizer const& privatizer) {
  MessageLayout l;
  l.n_grad = model.numParams();
  l.stats_offset = l.n_grad;
  l.n_stats = problem.statsSize();
  l.stats_sensitivity = problem.statsSensitivity();
  l.privacy_offset = l.stats_offset + l.n_stats;
  l.n_privacy = privatizer.ownStatsSize();
  l.control_offset = l.privacy_offset + l.n_privacy;
  return l;
}
/// What the federated algorithms and their accounting support.
template <class Fail> void checkFederatedChoices(Deck const& deck, Fail const& fail) {
  auto const& f = deck.federated;
  bool const dp = deck.privacy.enabled;
  if (dp && deck.privacy.sampling != "poisson" &&
      (f.algorithm != "minibatch_sgd" || f.participating > 0))
    fail("privacy.sampling", deck.privacy.sampling,
         "local_sgd, spider and partial participation (federated.participating > 0) are "
         "accounted per Poisson-sampled step: allowed \"poisson\"");
  if (dp && deck.privacy.clipping == "adaptive" && f.algorithm != "minibatch_sgd")
    fail("privacy.clipping", deck.privacy.clipping,
         "adaptive clipping releases one count per round: allowed \"flat\" or \"per_layer\" "
         "with federated.algorithm = \"" +
             f.algorithm + "\"");
  if (dp && deck.privacy.secure && f.algorithm == "spider")
    fail("privacy.secure", "true",
         "spider's large batches use the counter-based sampler: allowed false with spider");
  if (f.aggregation == "reproducible" && deck.silos.count > federated::kMaxAddends - 1)
    fail("silos.count", std::to_string(deck.silos.count),
         "the reproducible aggregation sums at most 2^22 - 1 silos exactly");
}

/// The federated trainer updates both players from one aggregation per round.
void checkTrainerChoices(Deck const& deck) {
  auto fail = [&deck](std::string const& key, std::string const& value, std::string const& rule) {
    throw InputError("saddle::Deck: " + deck.source() + ": key '" + key + "' = \"" + value +
                     "\" is not allowed by saddle-train (" + rule + ")");
  };
  if (deck.optim.primal != "sgd")
    fail("optim.primal", deck.optim.primal, "allowed: \"sgd\"; saddle-cmp has all");
  if (deck.optim.update_order != "simultaneous")
    fail("optim.update_order", deck.optim.update_order,
         "a round aggregates statistics and gradients in one allreduce, so both players move "
         "together: allowed \"simultaneous\"; saddle-cmp has every order");
  if (deck.dual.optimizer == "extragradient")
    fail("dual.optimizer", deck.dual.optimizer,
         "extragradient needs update_order = \"extrapolation\": use saddle-cmp");
  checkFederatedChoices(deck, fail);
}

/// group_accuracy's reference model: theta of the checkpoint problem.reference_model ({} when
/// the key is "" or the problem is another). Collective on `comm`.
std::vector<double> referenceTheta(Deck const& deck, data::FederatedData const& data,
                                   mpi::Comm const& comm) {
  auto const& path = deck.problem.reference_model;
  if (deck.problem.constraint != "group_accuracy" || path.empty())
    return {};
  io::Checkpoint const ckpt = io::readCheckpoint(path, data.silos, comm);
  return referenceThetaFromState(ckpt.state, data.info.n_features + 1, path);
}

} // namespace

Experiment::Experiment(Deck deck_in, mpi::Comm comm_in)
    : deck(std::move(deck_in)), comm(std::move(comm_in)),
      data((checkTrainerChoices(deck),
            data::load(deck, comm, data::FileReaders{&io::readDataHdf5}))),
      model(data.info.n_features, LogisticModel::lossFromKind(deck.model.kind)),
      problem(makeProblem(deck, data.info, referenceTheta(deck, data, comm))),
      privatizer(deck.privacy, deck.run.seed),
      sampler(deck.privacy.enabled && deck.privacy.secure
                  ? std::make_unique<SecurePoissonSampler>(deck.privacy.sampling_rate)
                  : data::makeSampler(deck.privacy, deck.run.seed)),
      layout(makeLayout(model, *problem, privatizer)),
      federation(comm, layout.size(), deck.federated.aggregation),
      participation(deck.run.seed, deck.silos.count, deck.federated.participating),
      primal(deck.optim.lr, deck.optim.l2),
      dual(optim::makeDualOptimizer(optim::dualConfigFromDeck(deck.dual),
                                    std::vector<bool>(problem->numConstraints(), true))),
      formulation(
          std::make_unique<optim::Formulation>(optim::formulationConfigFromDeck(deck.formulation),
                                               std::vector<bool>(problem->numConstraints(), true))),
      schedule(optim::scheduleConfigFromDeck(deck.schedule, deck.problem.tolerance)) {
  // the same per-silo accounting calibrates sigma, plans the budget and keeps the ledgers
  if (deck.privacy.enabled && deck.privacy.target_epsilon > 0) {
    double const value =
        SiloLedgers::calibrate(privatizer, *sampler, data.info, layout, deck.run.rounds,
                               deck.privacy.target_epsilon, deck.federated, deck.run.seed);
    if (deck.privacy.calibrate == "all")
      privatizer.scaleNoise(value);
    else
      privatizer.setNoiseMultiplier(value);
  }
  ledgers = std::make_unique<SiloLedgers>(privatizer, *sampler, data.info, data.silos, layout,
                                          deck.federated, deck.run.seed);
  algorithm = federated::makeAlgorithm(
      deck.federated,
      federated::RoundParts{space, data.train, data.info, model, *problem, privatizer, *sampler,
                            federation, layout, primal, deck.problem.enters_primal},
      deck.run.seed);
}

} // namespace saddle
