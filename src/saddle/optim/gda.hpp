#pragma once
/// The generic min-max loop (gradient descent-ascent) on a small host-callback problem: a
/// primal optimizer on x, a DualOptimizer on the multipliers, a Formulation that turns
/// (lambda, violation) into primal weights and dual gradients, and an update order:
///
///   simultaneous             e = c(x_t);  w = W(lambda_t, e);  lambda_{t+1} = D(lambda_t, e);
///                            x_{t+1} = P(x_t, grad f + J^T w)
///   alternating_dual_first   e = c(x_t);  lambda_{t+1} = D(lambda_t, e);
///                            x_{t+1} = P(x_t, grad f + J^T W(lambda_{t+1}, e))
///   alternating_primal_first x_{t+1} = P(x_t, grad f + J^T W(lambda_t, c(x_t)));
///                            lambda_{t+1} = D(lambda_t, c(x_{t+1}))   (fresh evaluation)
///   extrapolation            (x', lambda') = one simultaneous step from (x_t, lambda_t);
///                            (x_{t+1}, lambda_{t+1}) = the step from (x_t, lambda_t) with the
///                            gradients at (x', lambda')   (extragradient, Korpelevich 1976)
///
/// where c = [g; h] are the constraints, W the formulation's primal weights, D the dual
/// optimizer applied to the formulation's dual gradient, and P the primal optimizer followed by
/// the projection onto the box bounds. Penalty formulations have no multipliers: D is skipped.
#include "saddle/optim/constrained_problem.hpp"
#include "saddle/optim/dual_optimizer.hpp"
#include "saddle/optim/formulation.hpp"
#include "saddle/optim/host_primal.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace saddle::optim {

enum class UpdateOrder { Simultaneous, DualFirst, PrimalFirst, Extrapolation };

/// "simultaneous", "alternating_dual_first", "alternating_primal_first", "extrapolation";
/// throws InputError naming `key` otherwise.
UpdateOrder parseUpdateOrder(std::string const& value, std::string const& key = "order");
std::string toString(UpdateOrder order);

/// What the observer sees after each step.
struct GdaStep {
  std::int64_t step = 0;                  ///< steps done (1 after the first)
  std::vector<double> const& x;           ///< x_{t+1}
  std::vector<double> const& lambda;      ///< lambda_{t+1} (host copy)
  std::vector<double> const& constraints; ///< c(x_t) the dual player saw this step
  double objective = 0.0;                 ///< f(x_t)
};
/// Return false to stop the loop.
using GdaObserver = std::function<bool(GdaStep const&)>;

struct GdaOptions {
  UpdateOrder order = UpdateOrder::Simultaneous;
  std::int64_t steps = 1000;
  /// Penalty coefficients are updated every this many steps with the step's violation (0: never).
  std::int64_t penalty_update_every = 1;
  /// Dual restarts: after each dual step, reset the multipliers (and optimizer state) of the
  /// strictly satisfied inequalities, g < -restart_margin.
  bool dual_restarts = false;
  double restart_margin = 0.0;
  /// Optional: the constraints of step t's batch (distinct indices into [0, numConstraints()));
  /// then only these multipliers move (stepIndexed) and the constraint part of the primal
  /// gradient sums over the batch. Penalty updates and restarts need the dense mode.
  std::function<std::vector<std::int64_t>(std::int64_t step)> batch;
};

struct GdaResult {
  std::vector<double> x;           ///< final primal point
  std::vector<double> lambda;      ///< final multipliers (for penalties: the primal weights)
  std::vector<double> constraints; ///< c(x) at the final point
  std::int64_t steps = 0;
};

/// Run the loop from x0. Host callbacks, device multipliers (one copy per step each way: for
/// small problems). Not collective. Throws Error on inconsistent sizes.
GdaResult runGda(ConstrainedProblem const& problem, std::vector<double> x0,
                 HostPrimalOptimizer& primal, DualOptimizer& dual, Formulation& formulation,
                 GdaOptions const& options, GdaObserver const& observer = {});

} // namespace saddle::optim
