#include "saddle/optim/formulation.hpp"

#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace saddle::optim {

namespace {

using kernels::FormulationKind;

std::string show(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

[[noreturn]] void reject(std::string const& key, std::string const& value,
                         std::string const& rule) {
  throw InputError("saddle::FormulationConfig: " + key + " = " + value + " is invalid (" + rule +
                   ")");
}

FormulationKind kindOf(std::string const& name) {
  if (name == "lagrangian")
    return FormulationKind::Lagrangian;
  if (name == "augmented_lagrangian")
    return FormulationKind::AugmentedLagrangian;
  if (name == "quadratic_penalty")
    return FormulationKind::QuadraticPenalty;
  return FormulationKind::FixedPenalty;
}

void checkPenalties(FormulationConfig const& cfg, std::vector<bool> const& is_ineq) {
  std::string const key = cfg.section + ".penalty";
  auto const n = is_ineq.size();
  if (cfg.penalty.size() != 1 && cfg.penalty.size() != n)
    reject(key, std::to_string(cfg.penalty.size()) + " values",
           "must hold 1 value or one per constraint (" + std::to_string(n) + ")");
  bool const strict = cfg.name == "augmented_lagrangian" || cfg.name == "quadratic_penalty";
  for (std::size_t j = 0; j < n; ++j) {
    double const c = cfg.penalty.size() == 1 ? cfg.penalty[0] : cfg.penalty[j];
    if (!std::isfinite(c))
      reject(key, show(c), "must be finite");
    if (strict && !(c > 0))
      reject(key, show(c),
             "must be > 0 for " + cfg.name +
                 ": c = 0 divides by zero in (1/2c) relu(lambda + c "
                 "g)^2 and leaves the penalty without effect");
    if (!strict && is_ineq[j] && c < 0)
      reject(key, show(c), "must be >= 0 on an inequality constraint");
  }
}

} // namespace

void FormulationConfig::validate(std::vector<bool> const& is_inequality) const {
  auto const& names = formulationNames();
  if (std::find(names.begin(), names.end(), name) == names.end())
    reject(section + ".name", "'" + name + "'",
           "allowed: lagrangian, augmented_lagrangian, quadratic_penalty, fixed_penalty");
  checkPenalties(*this, is_inequality);
  auto const key = [this](char const* k) { return section + "." + k; };
  if (penalty_update != "none" && penalty_update != "multiplicative" &&
      penalty_update != "additive")
    reject(key("penalty_update"), "'" + penalty_update + "'",
           "allowed: none, multiplicative, additive");
  if (penalty_update != "none" && name != "augmented_lagrangian" && name != "quadratic_penalty")
    reject(key("penalty_update"), "'" + penalty_update + "'",
           "only the augmented_lagrangian and quadratic_penalty formulations update c");
  if (!(penalty_growth > 1) || !std::isfinite(penalty_growth))
    reject(key("penalty_growth"), show(penalty_growth), "must be > 1");
  if (!(penalty_increment > 0) || !std::isfinite(penalty_increment))
    reject(key("penalty_increment"), show(penalty_increment), "must be > 0");
  if (!(penalty_tolerance >= 0) || !std::isfinite(penalty_tolerance))
    reject(key("penalty_tolerance"), show(penalty_tolerance), "must be >= 0");
  if (!(penalty_max > 0))
    reject(key("penalty_max"), show(penalty_max), "must be > 0");
}

std::vector<std::string> const& formulationNames() {
  static std::vector<std::string> const names = {"lagrangian", "augmented_lagrangian",
                                                 "quadratic_penalty", "fixed_penalty"};
  return names;
}

Formulation::Formulation(FormulationConfig const& cfg, std::vector<bool> const& is_inequality)
    : _name(cfg.name), _kind(kindOf(cfg.name)),
      _is_ineq("saddle::Formulation::is_inequality", is_inequality.size()),
      _penalty("saddle::Formulation::penalty", is_inequality.size()),
      _penalty0("saddle::Formulation::penalty0", is_inequality.size()),
      _is_ineq_host(is_inequality) {
  cfg.validate(is_inequality);
  _updates = cfg.penalty_update != "none";
  _rule.multiplicative = cfg.penalty_update == "multiplicative";
  _rule.growth = cfg.penalty_growth;
  _rule.increment = cfg.penalty_increment;
  _rule.tolerance = cfg.penalty_tolerance;
  _rule.max = cfg.penalty_max;
  _rule.reset_feasible = cfg.penalty_reset_feasible;
  auto mask = Kokkos::create_mirror_view(_is_ineq);
  auto c = Kokkos::create_mirror_view(_penalty);
  for (std::size_t j = 0; j < is_inequality.size(); ++j) {
    mask(j) = is_inequality[j] ? 1 : 0;
    c(j) = cfg.penalty.size() == 1 ? cfg.penalty[0] : cfg.penalty[j];
  }
  Kokkos::deep_copy(_is_ineq, mask);
  Kokkos::deep_copy(_penalty, c);
  Kokkos::deep_copy(_penalty0, c);
}

bool Formulation::hasMultipliers() const {
  return _kind == FormulationKind::Lagrangian || _kind == FormulationKind::AugmentedLagrangian;
}

void Formulation::primalWeights(ExecSpace const& space, ValueView lambda, ValueView violation,
                                Vector<double> const& out) const {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.extent(0)) == size() &&
                     static_cast<std::int64_t>(out.extent(0)) == size() &&
                     static_cast<std::int64_t>(lambda.extent(0)) == size(),
                 "saddle::Formulation::primalWeights: lambda, violation, out need n entries");
  // w_j = dL/dg_j (lambda; relu(lambda + c g) | mu + c h; c relu(g) | c h; c)
  kernels::primalWeights(space, _kind, kernels::DenseEntries{}, size(), lambda, violation, _is_ineq,
                         _penalty, out);
}

void Formulation::primalWeightsIndexed(ExecSpace const& space, IndexView indices, ValueView lambda,
                                       ValueView violation, Vector<double> const& out) const {
  SADDLE_REQUIRE(indices.extent(0) == violation.extent(0) && indices.extent(0) <= out.extent(0),
                 "saddle::Formulation::primalWeightsIndexed: indices, violation, out differ");
  kernels::primalWeights(space, _kind, kernels::IndexedEntries<IndexView>{indices},
                         static_cast<std::int64_t>(indices.extent(0)), lambda, violation, _is_ineq,
                         _penalty, out);
}

void Formulation::dualGradients(ExecSpace const& space, ValueView lambda, ValueView violation,
                                Vector<double> const& out) const {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.extent(0)) == size() &&
                     static_cast<std::int64_t>(out.extent(0)) == size(),
                 "saddle::Formulation::dualGradients: violation and out need n entries");
  // d_j = dL/dlambda_j (g; max(g, -lambda/c) | h; 0)
  kernels::dualGradients(space, _kind, kernels::DenseEntries{}, size(), lambda, violation, _is_ineq,
                         _penalty, out);
}

void Formulation::dualGradientsIndexed(ExecSpace const& space, IndexView indices, ValueView lambda,
                                       ValueView violation, Vector<double> const& out) const {
  SADDLE_REQUIRE(indices.extent(0) == violation.extent(0) && indices.extent(0) <= out.extent(0),
                 "saddle::Formulation::dualGradientsIndexed: indices, violation, out differ");
  kernels::dualGradients(space, _kind, kernels::IndexedEntries<IndexView>{indices},
                         static_cast<std::int64_t>(indices.extent(0)), lambda, violation, _is_ineq,
                         _penalty, out);
}

void Formulation::updatePenalty(ExecSpace const& space, ValueView violation) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.extent(0)) == size(),
                 "saddle::Formulation::updatePenalty: violation needs n entries");
  if (!_updates)
    return;
  // c_j <- c_j * growth | c_j + increment  where violation_j > tolerance; c_j <- c0_j on reset
  kernels::updatePenalty(space, violation, _is_ineq, _penalty, _penalty0, _rule);
}

std::vector<double> Formulation::penaltyHost() const {
  return toStdVector(_penalty);
}

double Formulation::constraintTerm(std::vector<double> const& lambda,
                                   std::vector<double> const& g) const {
  SADDLE_REQUIRE(static_cast<std::int64_t>(g.size()) == size() &&
                     (!hasMultipliers() || static_cast<std::int64_t>(lambda.size()) == size()),
                 "saddle::Formulation::constraintTerm: lambda and g need n entries");
  auto const c = penaltyHost();
  double sum = 0.0;
  for (std::size_t j = 0; j < g.size(); ++j) {
    bool const ineq = _is_ineq_host[j];
    double const relu_g = std::max(g[j], 0.0);
    switch (_kind) {
    case FormulationKind::Lagrangian:
      sum += lambda[j] * g[j];
      break;
    case FormulationKind::AugmentedLagrangian: {
      double const v = ineq ? std::max(lambda[j] + c[j] * g[j], 0.0) : 0.0;
      sum += ineq ? (v * v - lambda[j] * lambda[j]) / (2.0 * c[j])
                  : lambda[j] * g[j] + 0.5 * c[j] * g[j] * g[j];
      break;
    }
    case FormulationKind::QuadraticPenalty:
      sum += 0.5 * c[j] * (ineq ? relu_g * relu_g : g[j] * g[j]);
      break;
    case FormulationKind::FixedPenalty:
      sum += c[j] * g[j];
      break;
    }
  }
  return sum;
}

void Formulation::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "penalty", toStdVector(_penalty));
}

void Formulation::loadState(State const& state, std::string const& prefix) {
  fromStdVector(state.array(prefix + "penalty", size()), _penalty);
}

} // namespace saddle::optim
