#pragma once
/// The engine's configurations from the deck's [dual], [formulation] and [schedule] sections,
/// for every driver (saddle-train's Experiment, saddle-cmp). Pure.
#include "saddle/core/deck.hpp"
#include "saddle/optim/dual_optimizer.hpp"
#include "saddle/optim/formulation.hpp"
#include "saddle/optim/schedule.hpp"

namespace saddle::optim {

/// Every constraint gets the deck's scalar hyperparameters.
DualConfig dualConfigFromDeck(DualSection const& d);
FormulationConfig formulationConfigFromDeck(FormulationSection const& f);
/// The tolerance goes from schedule.start to `target` (problem.tolerance for saddle-train).
ScheduleConfig scheduleConfigFromDeck(ScheduleSection const& s, double target);

} // namespace saddle::optim
