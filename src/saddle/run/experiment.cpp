#include "saddle/run/experiment.hpp"

#include "saddle/privacy/secure_sampler.hpp"
#include "saddle/problems/demographic_parity.hpp"

namespace saddle {

namespace {
/// The tolerance enters through the schedule (optim/schedule.hpp), so the problem's own is 0.
std::unique_ptr<Problem> makeProblem(ProblemConfig const& cfg, data::DataInfo const& info) {
  if (cfg.constraint == "demographic_parity")
    return std::make_unique<DemographicParity>(info.train_group_counts, 0.0);
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

optim::DualConfig dualConfig(DualSection const& d) {
  optim::DualConfig c;
  c.optimizer = d.optimizer;
  c.lr = {d.lr};
  c.kp = {d.kp};
  c.ki = {d.ki};
  c.nu = {d.nu};
  c.init = d.init;
  c.optimism = {d.optimism};
  c.beta1 = d.beta1;
  c.beta2 = d.beta2;
  c.epsilon = d.epsilon;
  c.decay = {d.decay};
  return c;
}

optim::FormulationConfig formulationConfig(FormulationSection const& f) {
  optim::FormulationConfig c;
  c.name = f.name;
  c.penalty = {f.penalty};
  c.penalty_update = f.penalty_update;
  c.penalty_growth = f.penalty_growth;
  c.penalty_increment = f.penalty_increment;
  c.penalty_tolerance = f.penalty_tolerance;
  c.penalty_max = f.penalty_max;
  c.penalty_reset_feasible = f.penalty_reset_feasible;
  return c;
}

optim::ScheduleConfig scheduleConfig(Deck const& deck) {
  optim::ScheduleConfig c;
  c.kind = deck.schedule.kind;
  c.start = deck.schedule.start;
  c.target = deck.problem.tolerance;
  c.rounds = deck.schedule.rounds;
  return c;
}
} // namespace

Experiment::Experiment(Deck deck_in, mpi::Comm comm_in)
    : deck(std::move(deck_in)), comm(std::move(comm_in)),
      data((checkTrainerChoices(deck), data::load(deck, comm))), model(data.info.n_features),
      problem(makeProblem(deck.problem, data.info)), privatizer(deck.privacy, deck.run.seed),
      sampler(deck.privacy.enabled && deck.privacy.secure
                  ? std::make_unique<SecurePoissonSampler>(deck.privacy.sampling_rate)
                  : data::makeSampler(deck.privacy, deck.run.seed)),
      layout(makeLayout(model, *problem, privatizer)), federation(comm, layout.size()),
      primal(deck.optim.lr),
      dual(optim::makeDualOptimizer(dualConfig(deck.dual),
                                    std::vector<bool>(problem->numConstraints(), true))),
      formulation(std::make_unique<optim::Formulation>(
          formulationConfig(deck.formulation), std::vector<bool>(problem->numConstraints(), true))),
      schedule(scheduleConfig(deck)) {
  if (deck.privacy.enabled && deck.privacy.target_epsilon > 0)
    privatizer.setNoiseMultiplier(SiloLedgers::calibrate(
        privatizer, *sampler, data.info, layout, deck.run.rounds, deck.privacy.target_epsilon));
  ledgers = std::make_unique<SiloLedgers>(privatizer, *sampler, data.info, data.silos, layout);
}

} // namespace saddle
