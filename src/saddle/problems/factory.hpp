#pragma once
/// The Problem a deck asks for ([problem] constraint and its keys).
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/problems/problem.hpp"

#include <memory>
#include <vector>

namespace saddle {

/// Build the deck's problem for data described by `info` (identical on every rank, so every
/// rank builds the same problem). Constraint tolerances enter through the schedule
/// (optim/schedule.hpp), so constrained problems get tolerance 0 here.
///   none                 Unconstrained
///   demographic_parity   DemographicParity (2k constraints)
///   equalized_odds       EqualizedOdds (4k constraints; cell shares estimated from the
///                        privatized statistics)
///   group_accuracy       GroupAccuracy (k constraints) against `reference_theta` ([d + 1], the
///                        parameters read from problem.reference_model with
///                        referenceThetaFromState; empty when that key is "")
///   fermi_dp, fermi_eo   Fermi (no constraints; problem.fermi_* keys)
/// Throws InputError naming the deck key for a problem the data cannot support, or when
/// problem.reference_model is set but no reference_theta of d + 1 entries is given.
std::unique_ptr<Problem> makeProblem(Deck const& deck, data::DataInfo const& info,
                                     std::vector<double> const& reference_theta = {});

} // namespace saddle
