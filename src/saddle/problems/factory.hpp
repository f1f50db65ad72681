#pragma once
/// The Problem a deck asks for ([problem] constraint and its keys).
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/problems/problem.hpp"

#include <memory>

namespace saddle {

/// Build the deck's problem for data described by `info` (identical on every rank, so every
/// rank builds the same problem). Constraint tolerances enter through the schedule
/// (optim/schedule.hpp), so rate problems get tolerance 0 here. Throws InputError for a
/// problem the data cannot support (naming the deck key).
std::unique_ptr<Problem> makeProblem(Deck const& deck, data::DataInfo const& info);

} // namespace saddle
