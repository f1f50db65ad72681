#include "saddle/optim/host_primal.hpp"

#include "saddle/core/error.hpp"

#include <cmath>
#include <sstream>

namespace saddle::optim {

namespace {
[[noreturn]] void reject(std::string const& key, double value, std::string const& rule) {
  std::ostringstream s;
  s.precision(17);
  s << "saddle::HostPrimalConfig: primal." << key << " = " << value << " is invalid (" << rule
    << ")";
  throw InputError(s.str());
}
} // namespace

void HostPrimalConfig::validate() const {
  if (optimizer != "sgd" && optimizer != "momentum" && optimizer != "nesterov" &&
      optimizer != "adam")
    throw InputError("saddle::HostPrimalConfig: primal.optimizer = '" + optimizer +
                     "' is invalid (allowed: sgd, momentum, nesterov, adam)");
  if (!(lr > 0) || !std::isfinite(lr))
    reject("lr", lr, "must be > 0");
  if (!(momentum >= 0 && momentum < 1))
    reject("momentum", momentum, "must be in [0, 1)");
  if (!(beta1 >= 0 && beta1 < 1))
    reject("beta1", beta1, "must be in [0, 1)");
  if (!(beta2 >= 0 && beta2 < 1))
    reject("beta2", beta2, "must be in [0, 1)");
  if (!(epsilon > 0))
    reject("epsilon", epsilon, "must be > 0");
}

HostPrimalOptimizer::HostPrimalOptimizer(HostPrimalConfig cfg) : _cfg(std::move(cfg)) {
  _cfg.validate();
}

void HostPrimalOptimizer::apply(std::vector<double>& x, std::vector<double> const& grad) {
  SADDLE_REQUIRE(grad.size() == x.size(), "saddle::HostPrimalOptimizer: gradient size differs");
  if (_m.size() != x.size()) {
    _m.assign(x.size(), 0.0);
    _v.assign(x.size(), 0.0);
  }
  double const lr = _cfg.lr, mu = _cfg.momentum;
  if (_cfg.optimizer == "sgd") {
    for (std::size_t i = 0; i < x.size(); ++i)
      x[i] -= lr * grad[i];
  } else if (_cfg.optimizer == "momentum" || _cfg.optimizer == "nesterov") {
    bool const nesterov = _cfg.optimizer == "nesterov";
    for (std::size_t i = 0; i < x.size(); ++i) {
      _m[i] = mu * _m[i] + grad[i];
      x[i] -= lr * (nesterov ? grad[i] + mu * _m[i] : _m[i]);
    }
  } else {
    _t += 1.0;
    double const b1 = _cfg.beta1, b2 = _cfg.beta2;
    double const c1 = 1.0 - std::pow(b1, _t), c2 = 1.0 - std::pow(b2, _t);
    for (std::size_t i = 0; i < x.size(); ++i) {
      _m[i] = b1 * _m[i] + (1.0 - b1) * grad[i];
      _v[i] = b2 * _v[i] + (1.0 - b2) * grad[i] * grad[i];
      x[i] -= lr * (_m[i] / c1) / (std::sqrt(_v[i] / c2) + _cfg.epsilon);
    }
  }
}

void HostPrimalOptimizer::step(std::vector<double>& x, std::vector<double> const& grad) {
  if (_pending) {
    x = _saved_x;
    _m = _saved_m;
    _v = _saved_v;
    _t = _saved_t;
    _pending = false;
  }
  apply(x, grad);
}

void HostPrimalOptimizer::extrapolate(std::vector<double>& x, std::vector<double> const& grad) {
  if (_pending) {
    x = _saved_x;
    _m = _saved_m;
    _v = _saved_v;
    _t = _saved_t;
  }
  _saved_x = x;
  _saved_m = _m;
  _saved_v = _v;
  _saved_t = _t;
  _pending = true;
  apply(x, grad);
}

} // namespace saddle::optim
