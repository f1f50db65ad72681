#pragma once
/// Formulations of a constrained problem (src/saddle/optim/formulation.hpp), elementwise:
///  - the primal weight w_j that multiplies constraint j's (proxy) gradient in the primal
///    player's gradient  grad f + sum_j w_j grad g_j;
///  - the dual gradient d_j that the dual optimizer ascends;
///  - the penalty-coefficient updates.
/// g is the violation of constraint j (g <= 0 for inequalities, g = 0 for equalities),
/// lambda its multiplier, c > 0 its penalty coefficient. Entries as in dual_step.hpp:
/// entry k of a call concerns constraint j = entries(k); g is indexed by k, the rest by j.
#include <Kokkos_Core.hpp>

#include "dual_step.hpp"
#include <cstdint>

namespace saddle::kernels {

/// Which formulation; values stored in checkpoints: only append.
enum class FormulationKind : int {
  Lagrangian = 0,          ///< f + lambda . g
  AugmentedLagrangian = 1, ///< f + sum (1/2c)[relu(lambda + c g)^2 - lambda^2] + mu h + (c/2) h^2
  QuadraticPenalty = 2,    ///< f + sum (c/2) relu(g)^2 + (c/2) h^2
  FixedPenalty = 3         ///< f + sum c g  (multipliers frozen at c)
};

/// Primal weight of one constraint, w = d(formulation term)/dg:
///   Lagrangian: lambda;  AL: relu(lambda + c g) (ineq), mu + c h (eq);
///   quadratic penalty: c relu(g) (ineq), c h (eq);  fixed penalty: c.
KOKKOS_INLINE_FUNCTION double primalWeight(FormulationKind kind, double lambda, double g, double c,
                                           int is_ineq) {
  switch (kind) {
  case FormulationKind::Lagrangian:
    return lambda;
  case FormulationKind::AugmentedLagrangian: {
    double const v = lambda + c * g;
    return (is_ineq != 0 && v < 0.0) ? 0.0 : v;
  }
  case FormulationKind::QuadraticPenalty:
    return (is_ineq != 0 && g < 0.0) ? 0.0 : c * g;
  case FormulationKind::FixedPenalty:
    return c;
  }
  return 0.0;
}

/// Gradient of the formulation with respect to the multiplier:
///   Lagrangian: g;  AL: max(g, -lambda/c) (ineq; ascent with step c gives relu(lambda + c g)),
///   h (eq);  penalties: 0 (they have no multipliers).
KOKKOS_INLINE_FUNCTION double dualGradient(FormulationKind kind, double lambda, double g, double c,
                                           int is_ineq) {
  switch (kind) {
  case FormulationKind::Lagrangian:
    return g;
  case FormulationKind::AugmentedLagrangian:
    if (is_ineq != 0) {
      double const floor = -lambda / c;
      return g > floor ? g : floor;
    }
    return g;
  default:
    return 0.0;
  }
}

/// w_k = primalWeight(lambda_j, g_k, c_j) for the entries of one step. Async.
template <class Space, class Entries, class Lambda, class Violation, class Mask, class Penalty,
          class Out>
void primalWeights(Space const& space, FormulationKind kind, Entries entries, std::int64_t n,
                   Lambda const& lambda, Violation const& g, Mask const& is_ineq, Penalty const& c,
                   Out const& w) {
  Kokkos::parallel_for(
      "saddle::kernels::primalWeights", detail::StepPolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t k) {
        std::int64_t const j = entries(k);
        w(k) = primalWeight(kind, lambda(j), g(k), hyper(c, j), is_ineq(j));
      });
}

/// d_k = dualGradient(lambda_j, g_k, c_j) for the entries of one step. Async.
template <class Space, class Entries, class Lambda, class Violation, class Mask, class Penalty,
          class Out>
void dualGradients(Space const& space, FormulationKind kind, Entries entries, std::int64_t n,
                   Lambda const& lambda, Violation const& g, Mask const& is_ineq, Penalty const& c,
                   Out const& d) {
  Kokkos::parallel_for(
      "saddle::kernels::dualGradients", detail::StepPolicy<Space>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t k) {
        std::int64_t const j = entries(k);
        d(k) = dualGradient(kind, lambda(j), g(k), hyper(c, j), is_ineq(j));
      });
}

/// Rule of a penalty-coefficient update.
struct PenaltyRule {
  bool multiplicative = true; ///< c <- c * growth, else c <- c + increment
  double growth = 2.0;
  double increment = 1.0;
  double tolerance = 0.0;      ///< update only where the violation exceeds it
  double max = 1e300;          ///< c never grows beyond this
  bool reset_feasible = false; ///< c <- c0 for a strictly feasible inequality (g < 0)
};

/// Penalty-coefficient update (dense, one entry per constraint):
///   viol_j = relu(g_j) (ineq) or |h_j| (eq);
///   viol_j > tolerance: c_j <- min(max, c_j * growth)  or  min(max, c_j + increment);
///   else, if reset_feasible and g_j < 0 (ineq): c_j <- c0_j. Async.
template <class Space, class Violation, class Mask, class Penalty, class Initial>
void updatePenalty(Space const& space, Violation const& g, Mask const& is_ineq, Penalty const& c,
                   Initial const& c0, PenaltyRule const& rule) {
  Kokkos::parallel_for(
      "saddle::kernels::updatePenalty",
      detail::StepPolicy<Space>(space, 0, static_cast<std::int64_t>(c.extent(0))),
      KOKKOS_LAMBDA(std::int64_t j) {
        double const gj = g(j);
        double const viol = is_ineq(j) != 0 ? (gj > 0.0 ? gj : 0.0) : (gj < 0.0 ? -gj : gj);
        if (viol > rule.tolerance) {
          double const next = rule.multiplicative ? c(j) * rule.growth : c(j) + rule.increment;
          c(j) = next < rule.max ? next : rule.max;
        } else if (rule.reset_feasible && is_ineq(j) != 0 && gj < 0.0) {
          c(j) = c0(j);
        }
      });
}

} // namespace saddle::kernels
