#include "saddle/optim/deck_configs.hpp"

namespace saddle::optim {

DualConfig dualConfigFromDeck(DualSection const& d) {
  DualConfig c;
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

FormulationConfig formulationConfigFromDeck(FormulationSection const& f) {
  FormulationConfig c;
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

ScheduleConfig scheduleConfigFromDeck(ScheduleSection const& s, double target) {
  ScheduleConfig c;
  c.kind = s.kind;
  c.start = s.start;
  c.target = target;
  c.rounds = s.rounds;
  return c;
}

} // namespace saddle::optim
