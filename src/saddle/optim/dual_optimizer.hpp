#pragma once
/// The dual player: multipliers on the device and the optimizer that moves them.
///
/// Multipliers are dense (one per constraint, every entry moves each step: step()) or indexed
/// (one per sample or group; a step moves only the entries of a batch: stepIndexed()). Indexed
/// multipliers live with the data that owns them: a rank holds the multipliers of its own
/// samples, indexed locally, and no step communicates.
///
/// Optimizers (deck value of `optimizer`, hyperparameters):
///   "gradient_ascent"  lr, decay                          lambda <- P(lambda + lr e)
///   "nupi"             lr, kp, ki, nu, init, decay        Sohrabi et al. 2024 (ICML)
///   "optimistic"       lr, optimism, decay                lambda <- P(lambda + lr(e + w(e -
///   e_prev))) "extragradient"    lr, decay                          gradient ascent, extrapolate +
///   update "adam"             lr, beta1, beta2, epsilon, decay   Kingma & Ba 2015, as ascent
/// where P projects inequality multipliers onto lambda >= 0 and leaves equality multipliers free,
/// and `decay` > 0 ascends e - decay * lambda instead of e (dual weight decay: the "resilient"
/// relaxation of Hounie et al. 2023 used by Feasible Learning). lr, kp, ki, nu, optimism and
/// decay take one value (every constraint) or one value per constraint.
///
/// Every optimizer can run in the extrapolation order (extra-gradient; extrapolate() then
/// step()): extrapolate() saves the state, steps to the look-ahead point; step() restores the
/// saved state and steps from it with the violation evaluated at the look-ahead point.
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace saddle::optim {

/// Choice and hyperparameters of a dual optimizer (a deck section). Vectors hold one value
/// (for every constraint) or one value per constraint.
struct DualConfig {
  std::string optimizer = "gradient_ascent"; ///< see the list above
  std::vector<double> lr = {1e-2};           ///< eta > 0
  std::vector<double> kp = {0.0};            ///< nuPI proportional gain K_P (any sign)
  std::vector<double> ki = {1.0};            ///< nuPI integral gain K_I >= 0
  std::vector<double> nu = {0.0};            ///< nuPI EMA coefficient in [0, 1)
  std::string init = "zeros";                ///< nuPI xi_{-1}: "zeros" (0) or "sgd" (e_0)
  std::vector<double> optimism = {1.0};      ///< optimistic: weight w >= 0 of (e_t - e_{t-1})
  double beta1 = 0.9;                        ///< adam, in [0, 1)
  double beta2 = 0.999;                      ///< adam, in [0, 1)
  double epsilon = 1e-8;                     ///< adam, > 0
  std::vector<double> decay = {0.0};         ///< dual weight decay >= 0 (resilient relaxation)
  std::string section = "dual";              ///< deck section, for error messages

  /// Throws InputError naming `section.key`, the value and the rule when a value is out of
  /// range or a per-constraint vector has neither 1 nor `n` entries. Same on every rank.
  void validate(std::int64_t n) const;
};

/// Where a rank's indexed multipliers sit in a global [n_silos][width] table (checkpoints
/// indexed by silo, not by rank): entries [offsets[k], offsets[k+1]) of the local arrays are
/// the row of silo silo_ids[k], padded with zeros up to `width`.
struct SiloLayout {
  std::int64_t n_silos = 0;
  std::int64_t width = 0;
  std::vector<std::int64_t> silo_ids; ///< [n_local_silos]
  std::vector<std::int64_t> offsets;  ///< [n_local_silos + 1], offsets[0] = 0
};

/// Base of the dual optimizers. Not copyable (it owns device state). No method communicates.
class DualOptimizer : public Stateful {
public:
  using IndexView = Kokkos::View<const std::int64_t*, MemSpace>;
  using ValueView = Kokkos::View<const double*, MemSpace>;
  using MaskView = Kokkos::View<const int*, MemSpace>;

  ~DualOptimizer() override = default;
  DualOptimizer(DualOptimizer const&) = delete;
  DualOptimizer& operator=(DualOptimizer const&) = delete;

  /// Deck name of the optimizer ("nupi", ...).
  std::string const& name() const { return _name; }
  /// Number of multipliers held here (constraints, or this rank's samples).
  std::int64_t size() const { return static_cast<std::int64_t>(_lambda.extent(0)); }
  /// Multipliers [size()] on the device; inequalities first is not assumed: see isInequality().
  Vector<double> const& lambda() const { return _lambda; }
  /// 1 for an inequality multiplier (projected onto >= 0), 0 for an equality one. [size()]
  MaskView isInequality() const { return _is_ineq; }
  /// True for "extragradient": the loop should call extrapolate() before each step().
  bool requiresExtrapolation() const { return _requires_extrapolation; }

  /// One dense step with violations e [size()] (the dual gradient of the formulation). Async.
  void step(ExecSpace const& space, ValueView violation);
  /// One sparse step: multiplier indices(k) ascends violation(k), k < indices.extent(0); the
  /// other multipliers and their states do not move. Indices must be distinct. Async.
  void stepIndexed(ExecSpace const& space, IndexView indices, ValueView violation);
  /// step() with a host violation vector [size()] (copied to the device first). Async.
  void stepHost(ExecSpace const& space, std::vector<double> const& violation);
  /// Extrapolation half-step: save the state, then step to the look-ahead point. The next
  /// step()/stepIndexed() restarts from the saved state. Async.
  void extrapolate(ExecSpace const& space, ValueView violation);
  void extrapolateIndexed(ExecSpace const& space, IndexView indices, ValueView violation);

  /// Dual restart (Gallego-Posada et al. 2022): wherever restart(j) != 0 and j is an
  /// inequality, the multiplier and all its optimizer state go back to 0 (their fresh state).
  /// restart: [size()]. Async.
  void reset(ExecSpace const& space, MaskView restart);
  /// reset() of the strictly feasible inequalities: restart(j) = (violation(j) < -margin).
  /// margin = 0 is the rule of Gallego-Posada et al. 2022; a margin > 0 spares the active
  /// constraints whose iterates approach 0 from the feasible side. Async.
  void restartFeasible(ExecSpace const& space, ValueView violation, double margin = 0.0);

  /// Host copy of lambda (fences; logs and outputs only).
  std::vector<double> lambdaHost() const;
  /// Overwrite lambda (warm start, tests); inequality entries must be >= 0.
  void setLambda(std::vector<double> const& values);
  /// Host copy of a named optimizer state ("xi", "m", ...); throws Error if it does not exist.
  std::vector<double> stateHost(std::string const& name) const;

  /// Replicated arrays: prefix + "lambda" and prefix + <state name>, [size()] each.
  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;
  /// Indexed multipliers partitioned over ranks: one silo array per state, rows by silo.
  void saveBySilo(State& state, std::string const& prefix, SiloLayout const& layout) const;
  void loadBySilo(State const& state, std::string const& prefix, SiloLayout const& layout);

protected:
  DualOptimizer(std::string name, std::vector<bool> const& is_inequality,
                bool requires_extrapolation = false);
  /// A zero-initialized optimizer state [size()], reset with lambda and saved under `name`.
  Vector<double> addState(std::string const& name);
  /// The update rule on all entries (dense) or on the entries idx (sparse).
  virtual void applyDense(ExecSpace const& space, ValueView e) = 0;
  virtual void applyIndexed(ExecSpace const& space, IndexView idx, ValueView e) = 0;

private:
  void snapshot(ExecSpace const& space);
  void restore(ExecSpace const& space);
  std::vector<Vector<double>> stateViews() const;

  std::string _name;
  bool _requires_extrapolation;
  Vector<double> _lambda;
  Kokkos::View<int*, MemSpace> _is_ineq;
  std::vector<std::pair<std::string, Vector<double>>> _states;
  std::vector<Vector<double>> _saved; ///< lambda then states, during an extrapolation
  bool _pending = false;
  Vector<double> _violation; ///< device buffer of stepHost()
  Vector<double>::HostMirror _violation_host;
  Kokkos::View<int*, MemSpace> _restart;
};

/// The optimizer `cfg` names, for multipliers of the given kinds (size n = is_inequality.size()).
/// Validates cfg first (InputError). Not collective.
std::unique_ptr<DualOptimizer> makeDualOptimizer(DualConfig const& cfg,
                                                 std::vector<bool> const& is_inequality);

/// Deck values of DualConfig::optimizer.
std::vector<std::string> const& dualOptimizerNames();

} // namespace saddle::optim
