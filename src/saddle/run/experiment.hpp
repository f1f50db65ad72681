#pragma once
/// Experiment: everything built from a Deck on one rank: its data, the model, the problem, the
/// privacy mechanism, the sampler, the federation and both players. The Trainer runs the loop.
#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/sampler.hpp"
#include "saddle/federated/algorithm.hpp"
#include "saddle/federated/federation.hpp"
#include "saddle/federated/participation.hpp"
#include "saddle/models/logistic.hpp"
#include "saddle/optim/dual_optimizer.hpp"
#include "saddle/optim/formulation.hpp"
#include "saddle/optim/schedule.hpp"
#include "saddle/optim/sgd.hpp"
#include "saddle/privacy/privatizer.hpp"
#include "saddle/privacy/silo_ledgers.hpp"
#include "saddle/problems/problem.hpp"

#include <cstdint>
#include <memory>

namespace saddle {

struct Experiment {
  /// Load the data and build every component. Collective on `comm`.
  Experiment(Deck deck_in, mpi::Comm comm_in);
  /// The algorithm holds references into the experiment: it stays where it was built.
  Experiment(Experiment const&) = delete;
  Experiment& operator=(Experiment const&) = delete;

  Deck deck;
  mpi::Comm comm;
  ExecSpace space;
  data::FederatedData data;
  LogisticModel model;
  std::unique_ptr<Problem> problem;
  Privatizer privatizer;
  std::unique_ptr<data::Sampler> sampler;
  MessageLayout layout;  ///< [gradient | problem statistics | privacy statistics]
  Federation federation; ///< sums the silo messages of `layout` across ranks (fast | exact)
  federated::Participation participation; ///< the silos of each round (deck [federated])
  Sgd primal;
  std::unique_ptr<optim::DualOptimizer> dual;      ///< the multipliers' player (deck [dual])
  std::unique_ptr<optim::Formulation> formulation; ///< how constraints enter (deck [formulation])
  optim::ToleranceSchedule schedule;    ///< constraint tolerance per round (deck [schedule])
  std::unique_ptr<SiloLedgers> ledgers; ///< privacy spent per silo (after calibration)
  /// What the silos and the server do in a round (minibatch_sgd | local_sgd | spider).
  std::unique_ptr<federated::Algorithm> algorithm;
};

} // namespace saddle
