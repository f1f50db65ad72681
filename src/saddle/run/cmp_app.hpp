#pragma once
/// The application behind `saddle-cmp`: one small constrained problem (cmp.problem) solved by
/// the generic min-max loop (optim/gda.hpp) with the deck's primal optimizer ([optim]), dual
/// optimizer ([dual]), formulation ([formulation]), constraint schedule ([schedule]) and
/// update order, compared with the reference solution of PETSc/TAO (linalg/tao_almm.hpp) and
/// certified by the KKT conditions (linalg/kkt.hpp).
///
/// Problems (cmp.problem):
///   "svm_iris"           hard-margin linear SVM, min (1/2)||w||^2 s.t. y_i (w.x_i + b) >= 1,
///                        on Iris setosa (-1) vs versicolor (+1), features standardized over
///                        those 100 rows, a stratified 70 % training subset (35 per class,
///                        chosen by a key of (run.seed, row)): the task of Sohrabi et al. 2024
///   "feasible_learning"  loss_i(theta) <= cmp.epsilon for every sample, logistic loss of a
///                        linear model, no objective (Ramirez et al. 2025); setosa vs
///                        versicolor (separable), or with cmp.resilient = alpha > 0 the
///                        resilient relaxation (dual weight decay 1/alpha, Hounie et al. 2023)
///                        on versicolor vs virginica (not separable), all 100 rows
///   "alm_toy"            min x0^4/4 + x1^2 - x0 x1  s.t.  x0^2 + x1 - 1 = 0, from x = (1.5, 0)
///                        (two local minimizers on the constraint; from this start TAO's ALMM
///                        reaches the global one, x0 = 0.7720, where the loop goes too)
/// [schedule] moves the loop's inequality tolerance from schedule.start to the problem's own
/// (cmp.epsilon for feasible_learning, 0 otherwise): the dual player sees g_i - eps(step).
/// dual.decay > 0 (problems without equalities) makes the reference the resilient relaxation
/// with alpha = 1 / decay, whose KKT points are the fixed points of the decayed dynamics.
/// Every run is replicated on each MPI rank (the problems are small); rank 0 prints and writes.
#include "saddle/core/comm.hpp"
#include "saddle/core/deck.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

/// What `saddle-cmp` was asked on its command line.
struct CmpOptions {
  std::string deck_path;              ///< TOML deck
  std::vector<std::string> overrides; ///< "section.key=value", applied in order
  bool write_outputs = true;          ///< history.csv, summary.txt, summary.csv, deck.toml
  bool verbose = true;                ///< start-up, progress and summary lines on rank 0
};

/// The figures of one run (summary.csv holds them as key,value). Distances are Euclidean;
/// NaN where the problem has no unique reference solution (feasible_learning without
/// resilience: no objective, any feasible point solves it).
struct CmpSummary {
  std::string problem;
  std::int64_t steps = 0;
  std::int64_t n_vars = 0;
  std::int64_t n_constraints = 0;
  double objective = 0.0;     ///< f(x) at the final point
  double max_violation = 0.0; ///< max(max_i g_i, max_j |h_j|) at the final point (signed)
  double lambda_min = 0.0, lambda_max = 0.0, lambda_mean = 0.0;
  bool reference_available = false;
  double reference_objective = 0.0;
  double distance_x = 0.0;      ///< ||x - x*||
  double distance_lambda = 0.0; ///< ||lambda - lambda*|| (NaN for penalty formulations)
  /// First step from which max(distance_x, distance_lambda) < cmp.tolerance until the end;
  /// -1 when never (or no reference).
  std::int64_t converged_step = -1;
  /// First step from which max(relu(g), |h|) <= cmp.tolerance until the end (at the iterate
  /// the dual player saw); -1 when never.
  std::int64_t feasible_step = -1;
  /// First step whose iterate is not finite (the loop stops there; no certificate); -1: none.
  std::int64_t diverged_step = -1;
  double kkt_feasibility = 0.0, kkt_complementarity = 0.0, kkt_stationarity = 0.0;
  double kkt_lagrangian_gradient = 0.0;
  double reference_seconds = 0.0; ///< TAO and the exact solve
  double loop_seconds = 0.0;      ///< the min-max loop
  double wall_seconds = 0.0;      ///< the whole run (set-up, reference, loop, certificate)
};

/// Parse and validate the deck with the overrides. Throws InputError. Collective on `comm`.
Deck loadCmpDeck(CmpOptions const& options, mpi::Comm const& comm);

/// Build the deck's problem, solve the reference, run the loop, certify the final point and
/// write run.output_dir/{history.csv, summary.txt, summary.csv, deck.toml} (rank 0).
/// Needs a live petsc::Session (the deck's petsc.options are inserted here). Throws
/// InputError for bad input (data file, keys that do not fit the problem), Error otherwise.
/// Not collective (replicated on every rank).
CmpSummary runCmp(Deck const& deck, mpi::Comm const& comm, bool write_outputs = true,
                  bool verbose = true);

/// The whole of saddle-cmp: loadCmpDeck then runCmp, with every rank agreeing on failure.
/// Returns kExitOk (0), kExitInput (2) for bad input or kExitRuntime (1) for any other
/// failure (diverged iterates included: the outputs are written first), on every rank, with
/// the message printed once. Collective on `comm`.
int runCmpApp(CmpOptions const& options, mpi::Comm const& comm);

} // namespace saddle
