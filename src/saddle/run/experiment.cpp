#include "saddle/run/experiment.hpp"

#include "saddle/privacy/secure_sampler.hpp"
#include "saddle/problems/demographic_parity.hpp"

namespace saddle {

namespace {
std::unique_ptr<Problem> makeProblem(ProblemConfig const& cfg, data::DataInfo const& info) {
  if (cfg.constraint == "demographic_parity")
    return std::make_unique<DemographicParity>(info.train_group_counts, cfg.tolerance);
  return std::make_unique<Unconstrained>();
}
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
} // namespace

Experiment::Experiment(Deck deck_in, mpi::Comm comm_in)
    : deck(std::move(deck_in)), comm(std::move(comm_in)), data(data::load(deck, comm)),
      model(data.info.n_features), problem(makeProblem(deck.problem, data.info)),
      privatizer(deck.privacy, deck.run.seed),
      sampler(deck.privacy.enabled && deck.privacy.secure
                  ? std::make_unique<SecurePoissonSampler>(deck.privacy.sampling_rate)
                  : data::makeSampler(deck.privacy, deck.run.seed)),
      layout(makeLayout(model, *problem, privatizer)), federation(comm, layout.size()),
      primal(deck.optim.lr), dual(problem->numConstraints(), deck.optim.dual_lr) {
  if (deck.privacy.enabled && deck.privacy.target_epsilon > 0)
    privatizer.setNoiseMultiplier(SiloLedgers::calibrate(
        privatizer, *sampler, data.info, layout, deck.run.rounds, deck.privacy.target_epsilon));
  ledgers = std::make_unique<SiloLedgers>(privatizer, *sampler, data.info, data.silos, layout);
}

} // namespace saddle
