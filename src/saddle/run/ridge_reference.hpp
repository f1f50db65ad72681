#pragma once
/// How far a least-squares run ended from the exact ridge solution over all silos
/// (linalg/ridge.hpp): the non-private reference that private runs are compared with (issue 6).
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

struct RidgeReference {
  bool available = false;           ///< false: see note
  std::string note;                 ///< why there is none ("" when available)
  double distance = 0.0;            ///< ||theta - theta_ridge||_2 (all parameters, bias included)
  double objective = 0.0;           ///< F(theta) of the run's model on the training split
  double ridge_objective = 0.0;     ///< F(theta_ridge), the minimum
  double relative_gap = 0.0;        ///< (F(theta) - F(theta_ridge)) / F(theta_ridge)
  double ridge_test_accuracy = 0.0; ///< accuracy of theta_ridge on the test split
  std::vector<double> theta_ridge;  ///< [d + 1]
  std::string solver;               ///< how the ridge system was solved (KSP reason, ...)
  std::int64_t solver_iterations = 0;
};

/// The ridge reference of `model` (its parameters theta) on `data` with the deck's optim.l2:
/// F(theta) = (1 / 2n) sum_i (theta . [x_i, 1] - (2 y_i - 1))^2 + (optim.l2 / 2) ||w||^2 over
/// the n training rows of every silo. For a model that is not least squares it returns
/// available = false with a note and communicates nothing (the loss is a deck key, so every
/// rank takes the same branch). Collective on `comm` otherwise.
RidgeReference ridgeReference(ExecSpace const& space, LogisticModel const& model,
                              data::FederatedData const& data, Deck const& deck,
                              mpi::Comm const& comm);

} // namespace saddle
