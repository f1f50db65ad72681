#include "saddle/run/experiment.hpp"

#include "saddle/problems/demographic_parity.hpp"

namespace saddle {

namespace {
std::unique_ptr<Problem> makeProblem(ProblemConfig const& cfg, data::DataInfo const& info) {
  if (cfg.constraint == "demographic_parity")
    return std::make_unique<DemographicParity>(info.train_group_counts, cfg.tolerance);
  return std::make_unique<Unconstrained>();
}
} // namespace

Experiment::Experiment(Deck deck_in, mpi::Comm comm_in)
    : deck(std::move(deck_in)), comm(std::move(comm_in)), data(data::load(deck, comm)),
      model(data.info.n_features), problem(makeProblem(deck.problem, data.info)),
      privatizer(deck.privacy, deck.run.seed), sampler(deck.privacy.sampling_rate, deck.run.seed),
      federation(comm, model.numParams() + problem->statsSize()), primal(deck.optim.lr),
      dual(problem->numConstraints(), deck.optim.dual_lr) {}

} // namespace saddle
