// The concrete dual optimizers behind makeDualOptimizer(). Each one calls one kernel of
// kernels/dual_step.hpp per step, dense or indexed; formulas above each call.
#include "kernels/dual_step.hpp"
#include "saddle/core/error.hpp"
#include "saddle/optim/dual_optimizer.hpp"

namespace saddle::optim {

namespace {

using HyperView = kernels::PerConstraint<Kokkos::View<const double*, MemSpace>>;
using IndexedEntries = kernels::IndexedEntries<DualOptimizer::IndexView>;

/// A hyperparameter from 1 config value (a scalar for every multiplier) or n values (a View).
HyperView perConstraint(std::vector<double> const& values, std::int64_t n,
                        std::string const& label) {
  HyperView h;
  if (values.size() == 1) {
    h.scalar = values[0];
    return h;
  }
  Kokkos::View<double*, MemSpace> out("saddle::DualOptimizer::" + label, n);
  auto host = Kokkos::create_mirror_view(out);
  for (std::int64_t j = 0; j < n; ++j)
    host(j) = values[static_cast<std::size_t>(j)];
  Kokkos::deep_copy(out, host);
  h.values = out;
  h.per_constraint = true;
  return h;
}

/// Gradient ascent; also "extragradient" (the same rule, stepped by the extrapolation order).
class GradientAscent final : public DualOptimizer {
public:
  GradientAscent(DualConfig const& cfg, std::vector<bool> const& is_ineq, bool extragradient)
      : DualOptimizer(cfg.optimizer, is_ineq, extragradient),
        _eta(perConstraint(cfg.lr, size(), "lr")),
        _decay(perConstraint(cfg.decay, size(), "decay")) {}

private:
  template <class Entries>
  void run(ExecSpace const& space, Entries entries, std::int64_t n, ValueView e) {
    // lambda_j <- P(lambda_j + eta_j (e_j - delta_j lambda_j))
    kernels::gradientAscentStep(space, entries, n, lambda(), e, isInequality(), _eta, _decay);
  }
  void applyDense(ExecSpace const& space, ValueView e) override {
    run(space, kernels::DenseEntries{}, size(), e);
  }
  void applyIndexed(ExecSpace const& space, IndexView idx, ValueView e) override {
    run(space, IndexedEntries{idx}, static_cast<std::int64_t>(idx.extent(0)), e);
  }
  HyperView _eta, _decay;
};

/// nuPI (Sohrabi et al. 2024).
class Nupi final : public DualOptimizer {
public:
  Nupi(DualConfig const& cfg, std::vector<bool> const& is_ineq)
      : DualOptimizer(cfg.optimizer, is_ineq), _xi(addState("xi")),
        _seen(addState("seen")), _gains{perConstraint(cfg.lr, size(), "lr"),
                                        perConstraint(cfg.kp, size(), "kp"),
                                        perConstraint(cfg.ki, size(), "ki"),
                                        perConstraint(cfg.nu, size(), "nu"),
                                        perConstraint(cfg.decay, size(), "decay")},
        _sgd_init(cfg.init == "sgd") {}

private:
  template <class Entries>
  void run(ExecSpace const& space, Entries entries, std::int64_t n, ValueView e) {
    // xi_t = nu xi_{t-1} + (1 - nu) e_t ;  u_t = K_I e_t + K_P (xi_t - xi_{t-1})
    // lambda_{t+1} = P(lambda_t + eta u_t)          (Sohrabi et al. 2024)
    kernels::nupiStep(space, entries, n, lambda(), _xi, _seen, e, isInequality(), _gains,
                      _sgd_init);
  }
  void applyDense(ExecSpace const& space, ValueView e) override {
    run(space, kernels::DenseEntries{}, size(), e);
  }
  void applyIndexed(ExecSpace const& space, IndexView idx, ValueView e) override {
    run(space, IndexedEntries{idx}, static_cast<std::int64_t>(idx.extent(0)), e);
  }
  Vector<double> _xi, _seen;
  kernels::NupiGains<HyperView, HyperView, HyperView, HyperView, HyperView> _gains;
  bool _sgd_init;
};

/// Optimistic gradient ascent.
class Optimistic final : public DualOptimizer {
public:
  Optimistic(DualConfig const& cfg, std::vector<bool> const& is_ineq)
      : DualOptimizer(cfg.optimizer, is_ineq), _e_prev(addState("e_prev")),
        _eta(perConstraint(cfg.lr, size(), "lr")),
        _omega(perConstraint(cfg.optimism, size(), "optimism")),
        _decay(perConstraint(cfg.decay, size(), "decay")) {}

private:
  template <class Entries>
  void run(ExecSpace const& space, Entries entries, std::int64_t n, ValueView e) {
    // lambda_{t+1} = P(lambda_t + eta (e_t + w (e_t - e_{t-1})))
    kernels::optimisticStep(space, entries, n, lambda(), _e_prev, e, isInequality(), _eta, _omega,
                            _decay);
  }
  void applyDense(ExecSpace const& space, ValueView e) override {
    run(space, kernels::DenseEntries{}, size(), e);
  }
  void applyIndexed(ExecSpace const& space, IndexView idx, ValueView e) override {
    run(space, IndexedEntries{idx}, static_cast<std::int64_t>(idx.extent(0)), e);
  }
  Vector<double> _e_prev;
  HyperView _eta, _omega, _decay;
};

/// Adam as ascent.
class AdamAscent final : public DualOptimizer {
public:
  AdamAscent(DualConfig const& cfg, std::vector<bool> const& is_ineq)
      : DualOptimizer(cfg.optimizer, is_ineq), _m(addState("m")), _v(addState("v")),
        _t(addState("t")), _gains{perConstraint(cfg.lr, size(), "lr"),
                                  perConstraint(cfg.decay, size(), "decay"), cfg.beta1, cfg.beta2,
                                  cfg.epsilon} {}

private:
  template <class Entries>
  void run(ExecSpace const& space, Entries entries, std::int64_t n, ValueView e) {
    // m <- b1 m + (1-b1) e ; v <- b2 v + (1-b2) e^2 ; lambda <- P(lambda + eta m^/(sqrt(v^)+eps))
    kernels::adamStep(space, entries, n, lambda(), _m, _v, _t, e, isInequality(), _gains);
  }
  void applyDense(ExecSpace const& space, ValueView e) override {
    run(space, kernels::DenseEntries{}, size(), e);
  }
  void applyIndexed(ExecSpace const& space, IndexView idx, ValueView e) override {
    run(space, IndexedEntries{idx}, static_cast<std::int64_t>(idx.extent(0)), e);
  }
  Vector<double> _m, _v, _t;
  kernels::AdamGains<HyperView, HyperView> _gains;
};

} // namespace

std::unique_ptr<DualOptimizer> makeDualOptimizer(DualConfig const& cfg,
                                                 std::vector<bool> const& is_inequality) {
  cfg.validate(static_cast<std::int64_t>(is_inequality.size()));
  if (cfg.optimizer == "gradient_ascent")
    return std::make_unique<GradientAscent>(cfg, is_inequality, false);
  if (cfg.optimizer == "extragradient")
    return std::make_unique<GradientAscent>(cfg, is_inequality, true);
  if (cfg.optimizer == "nupi")
    return std::make_unique<Nupi>(cfg, is_inequality);
  if (cfg.optimizer == "optimistic")
    return std::make_unique<Optimistic>(cfg, is_inequality);
  return std::make_unique<AdamAscent>(cfg, is_inequality); // validate() allows nothing else
}

} // namespace saddle::optim
