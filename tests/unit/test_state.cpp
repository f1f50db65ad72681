// The whole evolving state saved mid-run and restored into a fresh Trainer continues bit for
// bit: the contract the HDF5 checkpoint builds on.
#include "saddle/run/experiment.hpp"
#include "saddle/run/trainer.hpp"

#include <gtest/gtest.h>

#include "support/helpers.hpp"

namespace {

TEST(State, SavedMidRunAndRestoredContinuesBitwise) {
  auto const deck = saddle::test::smallDeck(3, 30);
  auto const comm = saddle::mpi::Comm::self();
  saddle::Experiment straight(deck, comm);
  saddle::Trainer a(straight, {false, false});
  for (int r = 0; r < 30; ++r)
    a.runRound();

  saddle::Experiment first(deck, comm);
  saddle::Trainer b(first, {false, false});
  for (int r = 0; r < 12; ++r)
    b.runRound();
  saddle::State const mid = b.state();
  EXPECT_EQ(mid.integer("run/round"), 12);

  saddle::Experiment second(deck, comm); // fresh: parameters and multipliers at zero
  saddle::Trainer c(second, {false, false});
  c.loadState(mid, "run/");
  EXPECT_EQ(c.state(), mid);
  for (int r = 12; r < 30; ++r)
    c.runRound();
  EXPECT_EQ(c.round(), 30);
  EXPECT_EQ(c.state(), a.state()); // theta, lambda, round: bitwise
}

TEST(State, RejectsAStateOfAnotherShape) {
  auto const deck = saddle::test::smallDeck(2, 1);
  saddle::Experiment x(deck, saddle::mpi::Comm::self());
  saddle::Trainer t(x, {false, false});
  saddle::State s = t.state();
  s.putArray("model/theta", {1.0, 2.0});
  EXPECT_THROW(t.loadState(s, "run/"), saddle::InputError);
}

} // namespace
