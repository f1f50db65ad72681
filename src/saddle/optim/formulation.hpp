#pragma once
/// Formulations of a constrained problem min f s.t. g <= 0, h = 0 (deck value of `name`):
///   "lagrangian"            L = f + lambda.g + mu.h
///   "augmented_lagrangian"  L = f + sum_i (1/2c)[relu(lambda_i + c g_i)^2 - lambda_i^2]
///                               + sum_j (mu_j h_j + (c/2) h_j^2)
///   "quadratic_penalty"     L = f + sum_i (c/2) relu(g_i)^2 + sum_j (c/2) h_j^2
///   "fixed_penalty"         L = f + sum_i c g_i + sum_j c h_j   (the multipliers frozen at c:
///                               the penalized baseline of "Position: Adopt
///                               Constraints Over Penalties in Deep Learning", 2025)
/// with one penalty coefficient c per constraint, moved by an optional updater.
///
/// The primal player's gradient is  grad f + sum_j w_j grad g_j  where the primal weight
/// w_j = dL/dg_j (primalWeights()):
///   lagrangian: lambda;  augmented: relu(lambda + c g) (ineq), mu + c h (eq);
///   quadratic: c relu(g) (ineq), c h (eq);  fixed: c.
/// The dual player ascends dL/dlambda (dualGradients()): g for the Lagrangian, max(g, -lambda/c)
/// (ineq) and h (eq) for the augmented Lagrangian (so that ascent with step c is the classic
/// update lambda <- relu(lambda + c g), mu <- mu + c h); penalties have no multipliers.
#include "kernels/formulation_weights.hpp"
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle::optim {

/// Choice of formulation and penalty coefficients (a deck section).
struct FormulationConfig {
  std::string name = "lagrangian";     ///< see the list above
  std::vector<double> penalty = {1.0}; ///< c: 1 value or one per constraint
  std::string penalty_update = "none"; ///< "none", "multiplicative" or "additive"
  double penalty_growth = 2.0;         ///< multiplicative factor, > 1
  double penalty_increment = 1.0;      ///< additive increment, > 0
  double penalty_tolerance = 0.0;      ///< grow c_j only while violation_j > this (>= 0)
  double penalty_max = 1e12;           ///< c never grows beyond this
  bool penalty_reset_feasible = false; ///< c_j <- initial c_j when inequality j has g_j < 0
  std::string section = "formulation"; ///< deck section, for error messages

  /// Throws InputError naming `section.key`, the value and the rule. c <= 0 is rejected for the
  /// augmented Lagrangian and the quadratic penalty (c = 0 would divide by zero: Cooper's
  /// issue #106); the fixed penalty accepts c >= 0 on inequalities and any c on equalities.
  void validate(std::vector<bool> const& is_inequality) const;
};

/// A formulation over n constraints. Device methods are asynchronous on `space`; none
/// communicates.
class Formulation : public Stateful {
public:
  using ValueView = Kokkos::View<const double*, MemSpace>;
  using IndexView = Kokkos::View<const std::int64_t*, MemSpace>;

  /// Validates cfg (InputError). is_inequality: [n].
  Formulation(FormulationConfig const& cfg, std::vector<bool> const& is_inequality);

  std::string const& name() const { return _name; }
  kernels::FormulationKind kind() const { return _kind; }
  std::int64_t size() const { return static_cast<std::int64_t>(_penalty.extent(0)); }
  /// True for the Lagrangian and the augmented Lagrangian (the dual player moves lambda).
  bool hasMultipliers() const;

  /// w_j = dL/dg_j from lambda [n] and violation g [n]; out [n]. For penalties lambda is unused.
  void primalWeights(ExecSpace const& space, ValueView lambda, ValueView violation,
                     Vector<double> const& out) const;
  /// Indexed: out(k) = w for multiplier indices(k), violation(k). out [indices.extent(0)].
  void primalWeightsIndexed(ExecSpace const& space, IndexView indices, ValueView lambda,
                            ValueView violation, Vector<double> const& out) const;
  /// d_j = dL/dlambda_j, what the dual optimizer ascends; out [n].
  void dualGradients(ExecSpace const& space, ValueView lambda, ValueView violation,
                     Vector<double> const& out) const;
  void dualGradientsIndexed(ExecSpace const& space, IndexView indices, ValueView lambda,
                            ValueView violation, Vector<double> const& out) const;

  /// Penalty-coefficient update with the violations of this round (no-op for "none").
  void updatePenalty(ExecSpace const& space, ValueView violation);
  /// Penalty coefficients c [n] on the device.
  Vector<double> const& penalty() const { return _penalty; }
  std::vector<double> penaltyHost() const;

  /// The formulation's constraint term L - f at (lambda, g), on the host (logs, tests).
  double constraintTerm(std::vector<double> const& lambda, std::vector<double> const& g) const;

  /// prefix + "penalty" [n].
  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  std::string _name;
  kernels::FormulationKind _kind;
  kernels::PenaltyRule _rule;
  bool _updates = false;
  Kokkos::View<int*, MemSpace> _is_ineq;
  Vector<double> _penalty;
  Vector<double> _penalty0;
  std::vector<bool> _is_ineq_host;
};

/// Deck values of FormulationConfig::name.
std::vector<std::string> const& formulationNames();

} // namespace saddle::optim
