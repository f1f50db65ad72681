#include "saddle/optim/gda.hpp"

#include "kernels/compat.hpp"
#include "saddle/core/error.hpp"

#include <utility>

namespace saddle::optim {

UpdateOrder parseUpdateOrder(std::string const& value, std::string const& key) {
  if (value == "simultaneous")
    return UpdateOrder::Simultaneous;
  if (value == "alternating_dual_first")
    return UpdateOrder::DualFirst;
  if (value == "alternating_primal_first")
    return UpdateOrder::PrimalFirst;
  if (value == "extrapolation")
    return UpdateOrder::Extrapolation;
  throw InputError("saddle::UpdateOrder: " + key + " = '" + value +
                   "' is invalid (allowed: simultaneous, alternating_dual_first, "
                   "alternating_primal_first, extrapolation)");
}

std::string toString(UpdateOrder order) {
  switch (order) {
  case UpdateOrder::Simultaneous:
    return "simultaneous";
  case UpdateOrder::DualFirst:
    return "alternating_dual_first";
  case UpdateOrder::PrimalFirst:
    return "alternating_primal_first";
  case UpdateOrder::Extrapolation:
    return "extrapolation";
  }
  return "?";
}

namespace {

using Vec = std::vector<double>;

/// f, grad f, c = [g; h] and J at one point.
struct Point {
  Vec x, grad_f, c, jac;
  double f = 0.0;
};

/// The pieces of one step: evaluations on the host, formulation and dual on the device.
class Loop {
public:
  Loop(ConstrainedProblem const& p, DualOptimizer& dual, Formulation& form, GdaOptions const& o)
      : _p(p), _dual(dual), _form(form), _opt(o), _m(p.numConstraints()), _c("saddle::gda::c", _m),
        _d("saddle::gda::d", _m), _w("saddle::gda::w", _m), _idx("saddle::gda::idx", _m),
        _c_host(Kokkos::create_mirror_view(_c)), _w_host(Kokkos::create_mirror_view(_w)),
        _idx_host(Kokkos::create_mirror_view(_idx)) {}

  Point evaluate(Vec const& x) const {
    Point pt;
    pt.x = x;
    pt.f = _p.evalObjective(x, pt.grad_f);
    _p.evalConstraints(x, pt.c);
    _p.evalJacobian(x, pt.jac);
    return pt;
  }

  /// Select step t's batch (all constraints in the dense mode).
  void selectBatch(std::int64_t t) {
    if (!_opt.batch)
      return;
    _batch = _opt.batch(t);
    compat::fence(_space, "saddle::runGda: staging the batch");
    SADDLE_REQUIRE(static_cast<std::int64_t>(_batch.size()) <= _m,
                   "saddle::runGda: a batch is larger than the number of constraints");
    for (std::size_t k = 0; k < _batch.size(); ++k) {
      SADDLE_REQUIRE(_batch[k] >= 0 && _batch[k] < _m, "saddle::runGda: batch index out of range");
      _idx_host(k) = _batch[k];
    }
    Kokkos::deep_copy(_space, _idx, _idx_host);
  }

  /// grad f(x) + sum_j W_j(lambda, c) grad c_j  (over the batch in the indexed mode)
  Vec gradient(Point const& pt) {
    std::int64_t const b = stage(pt);
    if (indexed())
      _form.primalWeightsIndexed(_space, idxView(b), _dual.lambda(), cView(b), _w);
    else
      _form.primalWeights(_space, _dual.lambda(), _c, _w);
    Kokkos::deep_copy(_space, _w_host, _w);
    compat::fence(_space, "saddle::runGda: primal weights to the host");
    Vec g = pt.grad_f;
    auto const n = _p.n_vars;
    for (std::int64_t k = 0; k < b; ++k) {
      std::int64_t const row = indexed() ? _batch[k] : k;
      for (std::int64_t i = 0; i < n; ++i)
        g[i] += _w_host(k) * pt.jac[row * n + i];
    }
    return g;
  }

  /// lambda <- D(lambda, dL/dlambda(lambda, c))  (or its extrapolation half-step)
  void dualStep(Point const& pt, bool extrapolate) {
    if (!_form.hasMultipliers())
      return;
    std::int64_t const b = stage(pt);
    if (indexed()) {
      _form.dualGradientsIndexed(_space, idxView(b), _dual.lambda(), cView(b), _d);
      auto const d = Kokkos::subview(_d, std::make_pair<std::int64_t>(0, b));
      extrapolate ? _dual.extrapolateIndexed(_space, idxView(b), d)
                  : _dual.stepIndexed(_space, idxView(b), d);
      return;
    }
    _form.dualGradients(_space, _dual.lambda(), _c, _d);
    extrapolate ? _dual.extrapolate(_space, _d) : _dual.step(_space, _d);
    if (_opt.dual_restarts && !extrapolate)
      _dual.restartFeasible(_space, _c, _opt.restart_margin); // c: this step's constraints
  }

  void updatePenalty(Point const& pt, std::int64_t t) {
    if (_opt.penalty_update_every <= 0 || indexed() || (t + 1) % _opt.penalty_update_every != 0)
      return;
    stage(pt);
    _form.updatePenalty(_space, _c);
  }

  /// Final multipliers: lambda, or the primal weights of a penalty formulation.
  Vec multipliers(Point const& pt) {
    if (_form.hasMultipliers())
      return _dual.lambdaHost();
    stageDense(pt);
    _form.primalWeights(_space, _dual.lambda(), _c, _w);
    Kokkos::deep_copy(_space, _w_host, _w);
    compat::fence(_space, "saddle::runGda: final weights");
    return Vec(_w_host.data(), _w_host.data() + _m);
  }

private:
  bool indexed() const { return static_cast<bool>(_opt.batch); }
  DualOptimizer::IndexView idxView(std::int64_t b) const {
    return Kokkos::subview(_idx, std::make_pair<std::int64_t>(0, b));
  }
  DualOptimizer::ValueView cView(std::int64_t b) const {
    return Kokkos::subview(_c, std::make_pair<std::int64_t>(0, b));
  }
  void stageDense(Point const& pt) {
    // the host mirror may still feed an asynchronous copy of the previous call
    compat::fence(_space, "saddle::runGda: staging constraints");
    for (std::int64_t j = 0; j < _m; ++j)
      _c_host(j) = pt.c[j];
    Kokkos::deep_copy(_space, _c, _c_host);
  }
  /// Copy the constraints of the batch (all of them when dense) to the device; returns the count.
  std::int64_t stage(Point const& pt) {
    if (!indexed()) {
      stageDense(pt);
      return _m;
    }
    auto const b = static_cast<std::int64_t>(_batch.size());
    compat::fence(_space, "saddle::runGda: staging constraints");
    for (std::int64_t k = 0; k < b; ++k)
      _c_host(k) = pt.c[_batch[k]];
    Kokkos::deep_copy(_space, _c, _c_host);
    return b;
  }

  ConstrainedProblem const& _p;
  DualOptimizer& _dual;
  Formulation& _form;
  GdaOptions const& _opt;
  std::int64_t _m;
  ExecSpace _space;
  Vector<double> _c, _d, _w;
  Kokkos::View<std::int64_t*, MemSpace> _idx;
  Vector<double>::HostMirror _c_host, _w_host;
  Kokkos::View<std::int64_t*, MemSpace>::HostMirror _idx_host;
  std::vector<std::int64_t> _batch;
};

void checkSizes(ConstrainedProblem const& p, Vec const& x0, DualOptimizer const& dual,
                Formulation const& form) {
  p.validate();
  SADDLE_REQUIRE(static_cast<std::int64_t>(x0.size()) == p.n_vars,
                 "saddle::runGda: x0 needs n_vars entries");
  SADDLE_REQUIRE(dual.size() == p.numConstraints() && form.size() == p.numConstraints(),
                 "saddle::runGda: the dual optimizer and the formulation need one entry per "
                 "constraint");
}

} // namespace

GdaResult runGda(ConstrainedProblem const& problem, std::vector<double> x0,
                 HostPrimalOptimizer& primal, DualOptimizer& dual, Formulation& formulation,
                 GdaOptions const& options, GdaObserver const& observer) {
  checkSizes(problem, x0, dual, formulation);
  Loop loop(problem, dual, formulation, options);
  Vec x = std::move(x0);
  problem.project(x);
  std::int64_t t = 0;
  for (; t < options.steps; ++t) {
    loop.selectBatch(t);
    Point const pt = loop.evaluate(x);
    switch (options.order) {
    case UpdateOrder::Simultaneous: {
      Vec const g = loop.gradient(pt); // W(lambda_t, c(x_t))
      loop.dualStep(pt, false);
      primal.step(x, g);
      problem.project(x);
      break;
    }
    case UpdateOrder::DualFirst:
      loop.dualStep(pt, false); // lambda_{t+1} from c(x_t)
      primal.step(x, loop.gradient(pt));
      problem.project(x);
      break;
    case UpdateOrder::PrimalFirst:
      primal.step(x, loop.gradient(pt));
      problem.project(x);
      loop.dualStep(loop.evaluate(x), false); // fresh c(x_{t+1})
      break;
    case UpdateOrder::Extrapolation: {
      Vec const g = loop.gradient(pt);
      loop.dualStep(pt, true); // lambda' = D(lambda_t, c(x_t))
      primal.extrapolate(x, g);
      problem.project(x);
      Point const look = loop.evaluate(x);
      Vec const g_look = loop.gradient(look); // W(lambda', c(x'))
      loop.dualStep(look, false);             // from lambda_t with c(x')
      primal.step(x, g_look);                 // from x_t with the look-ahead gradient
      problem.project(x);
      break;
    }
    }
    loop.updatePenalty(pt, t);
    if (observer) {
      Vec const lam = dual.lambdaHost();
      if (!observer(GdaStep{t + 1, x, lam, pt.c, pt.f})) {
        ++t;
        break;
      }
    }
  }
  Point const last = loop.evaluate(x);
  return GdaResult{x, loop.multipliers(last), last.c, t};
}

} // namespace saddle::optim
