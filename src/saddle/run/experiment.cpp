#include "saddle/run/experiment.hpp"

#include "saddle/optim/deck_configs.hpp"
#include "saddle/privacy/secure_sampler.hpp"
#include "saddle/problems/factory.hpp"

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
}

} // namespace

Experiment::Experiment(Deck deck_in, mpi::Comm comm_in)
    : deck(std::move(deck_in)), comm(std::move(comm_in)),
      data((checkTrainerChoices(deck), data::load(deck, comm))), model(data.info.n_features),
      problem(makeProblem(deck, data.info)), privatizer(deck.privacy, deck.run.seed),
      sampler(deck.privacy.enabled && deck.privacy.secure
                  ? std::make_unique<SecurePoissonSampler>(deck.privacy.sampling_rate)
                  : data::makeSampler(deck.privacy, deck.run.seed)),
      layout(makeLayout(model, *problem, privatizer)), federation(comm, layout.size()),
      primal(deck.optim.lr),
      dual(optim::makeDualOptimizer(optim::dualConfigFromDeck(deck.dual),
                                    std::vector<bool>(problem->numConstraints(), true))),
      formulation(
          std::make_unique<optim::Formulation>(optim::formulationConfigFromDeck(deck.formulation),
                                               std::vector<bool>(problem->numConstraints(), true))),
      schedule(optim::scheduleConfigFromDeck(deck.schedule, deck.problem.tolerance)) {
  if (deck.privacy.enabled && deck.privacy.target_epsilon > 0)
    privatizer.setNoiseMultiplier(SiloLedgers::calibrate(
        privatizer, *sampler, data.info, layout, deck.run.rounds, deck.privacy.target_epsilon));
  ledgers = std::make_unique<SiloLedgers>(privatizer, *sampler, data.info, data.silos, layout);
}

} // namespace saddle
