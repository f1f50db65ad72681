#pragma once
/// A reference solver for small smooth constrained problems: PETSc/TAO's augmented Lagrangian
/// multiplier method (TAOALMM, PETSc >= 3.15) on optim::ConstrainedProblem callbacks. Tests
/// use it to get x* and lambda* of the problems they hand to saddle's own min-max loop.
#include "saddle/optim/constrained_problem.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle::linalg {

struct AlmmOptions {
  double tolerance = 1e-10;          ///< TAO gatol = catol (PHR uses one tolerance for both)
  std::int64_t max_iterations = 500; ///< outer ALMM iterations
  std::string formulation = "phr";   ///< "phr" (Powell-Hestenes-Rockafellar) or "classic"
  std::string options_prefix = "saddle_almm_"; ///< PETSc options (-saddle_almm_tao_monitor)
  /// Inequalities with g_i(x*) < -active_tolerance are inactive (lambda_i = 0) in the
  /// multiplier fit used for problems with both kinds of constraints.
  double active_tolerance = 1e-7;
};

struct AlmmResult {
  std::vector<double> x;      ///< x* [n_vars]
  std::vector<double> lambda; ///< lambda* [n_ineq + n_eq]: g first (>= 0), then h (free);
                              ///< grad f + J^T lambda = 0
  std::int64_t iterations = 0;
  std::string reason; ///< TAO's converged reason
  bool converged = false;
  /// "tao": TAO's own multipliers; "stationarity_fit": fitted at x* (both kinds of constraints:
  /// PETSc 3.18's TAOALMM does not combine its equality and inequality multipliers into the
  /// vector TaoALMMGetMultipliers returns).
  std::string multipliers_from;
};

/// Solve `problem` from x0 with TAOALMM (TAO's inequality convention c(x) >= 0 is handed -g).
/// Box bounds are passed to TAO. Needs a live petsc::Session. Local (PETSC_COMM_SELF): every
/// rank that calls it solves its own copy. Throws PetscError when TAO fails (a callback's
/// exception included), never when it merely stops unconverged (see `converged`).
AlmmResult solveTaoAlmm(optim::ConstrainedProblem const& problem, std::vector<double> const& x0,
                        AlmmOptions const& options = {});

} // namespace saddle::linalg
