#include "saddle/optim/dual_optimizer.hpp"

#include "kernels/dual_step.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace saddle::optim {

namespace {

std::string show(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

[[noreturn]] void reject(std::string const& key, std::string const& value,
                         std::string const& rule) {
  throw InputError("saddle::DualConfig: " + key + " = " + value + " is invalid (" + rule + ")");
}

/// Check a per-constraint vector: 1 or n entries, each finite and satisfying `ok`.
template <class Ok>
void checkVector(std::string const& key, std::vector<double> const& v, std::int64_t n, Ok ok,
                 std::string const& rule) {
  auto const size = static_cast<std::int64_t>(v.size());
  if (size != 1 && size != n)
    reject(key, std::to_string(size) + " values",
           "must hold 1 value or one per constraint (" + std::to_string(n) + ")");
  for (double x : v)
    if (!std::isfinite(x) || !ok(x))
      reject(key, show(x), rule);
}

} // namespace

void DualConfig::validate(std::int64_t n) const {
  auto const& names = dualOptimizerNames();
  if (std::find(names.begin(), names.end(), optimizer) == names.end())
    reject(section + ".optimizer", "'" + optimizer + "'",
           "allowed: gradient_ascent, nupi, optimistic, extragradient, adam");
  auto const key = [this](char const* k) { return section + "." + k; };
  checkVector(
      key("lr"), lr, n, [](double x) { return x > 0; }, "must be > 0");
  checkVector(
      key("kp"), kp, n, [](double) { return true; }, "must be finite");
  checkVector(
      key("ki"), ki, n, [](double x) { return x >= 0; }, "must be >= 0");
  checkVector(
      key("nu"), nu, n, [](double x) { return x >= 0 && x < 1; }, "must be in [0, 1)");
  checkVector(
      key("optimism"), optimism, n, [](double x) { return x >= 0; }, "must be >= 0");
  checkVector(
      key("decay"), decay, n, [](double x) { return x >= 0; }, "must be >= 0");
  if (init != "zeros" && init != "sgd")
    reject(key("init"), "'" + init + "'", "allowed: zeros, sgd");
  if (!(beta1 >= 0 && beta1 < 1))
    reject(key("beta1"), show(beta1), "must be in [0, 1)");
  if (!(beta2 >= 0 && beta2 < 1))
    reject(key("beta2"), show(beta2), "must be in [0, 1)");
  if (!(epsilon > 0) || !std::isfinite(epsilon))
    reject(key("epsilon"), show(epsilon), "must be > 0");
}

std::vector<std::string> const& dualOptimizerNames() {
  static std::vector<std::string> const names = {"gradient_ascent", "nupi", "optimistic",
                                                 "extragradient", "adam"};
  return names;
}

DualOptimizer::DualOptimizer(std::string name, std::vector<bool> const& is_inequality,
                             bool requires_extrapolation)
    : _name(std::move(name)), _requires_extrapolation(requires_extrapolation),
      _lambda("saddle::DualOptimizer::lambda", is_inequality.size()),
      _is_ineq("saddle::DualOptimizer::is_inequality", is_inequality.size()),
      _violation("saddle::DualOptimizer::violation", is_inequality.size()),
      _violation_host(Kokkos::create_mirror_view(_violation)),
      _restart("saddle::DualOptimizer::restart", is_inequality.size()) {
  auto host = Kokkos::create_mirror_view(_is_ineq);
  for (std::size_t j = 0; j < is_inequality.size(); ++j)
    host(j) = is_inequality[j] ? 1 : 0;
  Kokkos::deep_copy(_is_ineq, host);
}

Vector<double> DualOptimizer::addState(std::string const& name) {
  Vector<double> v("saddle::DualOptimizer::" + name, size());
  _states.emplace_back(name, v);
  return v;
}

std::vector<Vector<double>> DualOptimizer::stateViews() const {
  std::vector<Vector<double>> views{_lambda};
  for (auto const& s : _states)
    views.push_back(s.second);
  return views;
}

void DualOptimizer::snapshot(ExecSpace const& space) {
  auto const views = stateViews();
  if (_saved.size() != views.size()) {
    _saved.clear();
    for (auto const& v : views)
      _saved.emplace_back(
          Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::DualOptimizer::saved"),
          v.extent(0));
  }
  for (std::size_t i = 0; i < views.size(); ++i)
    Kokkos::deep_copy(space, _saved[i], views[i]);
}

void DualOptimizer::restore(ExecSpace const& space) {
  auto const views = stateViews();
  for (std::size_t i = 0; i < views.size(); ++i)
    Kokkos::deep_copy(space, views[i], _saved[i]);
}

void DualOptimizer::step(ExecSpace const& space, ValueView violation) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.extent(0)) == size(),
                 "saddle::DualOptimizer::step: violation must have one entry per multiplier");
  if (_pending)
    restore(space);
  _pending = false;
  if (size() > 0)
    applyDense(space, violation);
}

void DualOptimizer::stepIndexed(ExecSpace const& space, IndexView indices, ValueView violation) {
  SADDLE_REQUIRE(indices.extent(0) == violation.extent(0),
                 "saddle::DualOptimizer::stepIndexed: indices and violation differ in length");
  if (_pending)
    restore(space);
  _pending = false;
  if (indices.extent(0) > 0)
    applyIndexed(space, indices, violation);
}

void DualOptimizer::stepHost(ExecSpace const& space, std::vector<double> const& violation) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.size()) == size(),
                 "saddle::DualOptimizer::stepHost: violation must have one entry per multiplier");
  for (std::size_t j = 0; j < violation.size(); ++j)
    _violation_host(j) = violation[j];
  Kokkos::deep_copy(space, _violation, _violation_host);
  // the next call rewrites the host mirror: the copy must be done by then
  compat::fence(space, "saddle::DualOptimizer::stepHost: staged violation");
  step(space, _violation);
}

void DualOptimizer::extrapolate(ExecSpace const& space, ValueView violation) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.extent(0)) == size(),
                 "saddle::DualOptimizer::extrapolate: violation must have one entry per "
                 "multiplier");
  if (_pending)
    restore(space);
  snapshot(space);
  _pending = true;
  if (size() > 0)
    applyDense(space, violation);
}

void DualOptimizer::extrapolateIndexed(ExecSpace const& space, IndexView indices,
                                       ValueView violation) {
  SADDLE_REQUIRE(indices.extent(0) == violation.extent(0),
                 "saddle::DualOptimizer::extrapolateIndexed: indices and violation differ in "
                 "length");
  if (_pending)
    restore(space);
  snapshot(space);
  _pending = true;
  if (indices.extent(0) > 0)
    applyIndexed(space, indices, violation);
}

void DualOptimizer::reset(ExecSpace const& space, MaskView restart) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(restart.extent(0)) == size(),
                 "saddle::DualOptimizer::reset: the mask must have one entry per multiplier");
  for (auto const& v : stateViews())
    kernels::zeroWhere(space, v, restart, _is_ineq);
}

void DualOptimizer::restartFeasible(ExecSpace const& space, ValueView violation, double margin) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(violation.extent(0)) == size(),
                 "saddle::DualOptimizer::restartFeasible: violation must have one entry per "
                 "multiplier");
  SADDLE_REQUIRE(margin >= 0, "saddle::DualOptimizer::restartFeasible: margin must be >= 0");
  // restart_j = 1 where inequality j is strictly satisfied (g_j < -margin)
  kernels::strictlyFeasibleMask(space, violation, _is_ineq, margin, _restart);
  reset(space, _restart);
}

std::vector<double> DualOptimizer::lambdaHost() const {
  return toStdVector(_lambda);
}

void DualOptimizer::setLambda(std::vector<double> const& values) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(values.size()) == size(),
                 "saddle::DualOptimizer::setLambda: one value per multiplier expected");
  auto const mask = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, _is_ineq);
  for (std::size_t j = 0; j < values.size(); ++j)
    if (mask(j) != 0 && values[j] < 0)
      throw InputError("saddle::DualOptimizer::setLambda: inequality multiplier " +
                       std::to_string(j) + " = " + show(values[j]) + " is invalid (must be >= 0)");
  fromStdVector(values, _lambda);
}

std::vector<double> DualOptimizer::stateHost(std::string const& name) const {
  for (auto const& s : _states)
    if (s.first == name)
      return toStdVector(s.second);
  throw Error("saddle::DualOptimizer::stateHost: optimizer '" + _name + "' has no state '" + name +
              "'");
}

void DualOptimizer::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "lambda", toStdVector(_lambda));
  for (auto const& s : _states)
    state.putArray(prefix + s.first, toStdVector(s.second));
}

void DualOptimizer::loadState(State const& state, std::string const& prefix) {
  fromStdVector(state.array(prefix + "lambda", size()), _lambda);
  for (auto const& s : _states)
    fromStdVector(state.array(prefix + s.first, size()), s.second);
  _pending = false;
}

namespace {

SiloArray toSiloArray(std::vector<double> const& local, SiloLayout const& layout) {
  SADDLE_REQUIRE(layout.offsets.size() == layout.silo_ids.size() + 1 &&
                     layout.offsets.back() == static_cast<std::int64_t>(local.size()),
                 "saddle::DualOptimizer::saveBySilo: the layout does not cover the multipliers");
  SiloArray out{layout.n_silos, layout.width, {}};
  for (std::size_t k = 0; k < layout.silo_ids.size(); ++k) {
    std::vector<double> row(static_cast<std::size_t>(layout.width), 0.0);
    std::int64_t const b = layout.offsets[k], e = layout.offsets[k + 1];
    SADDLE_REQUIRE(e - b <= layout.width, "saddle::DualOptimizer::saveBySilo: row wider than "
                                          "the table");
    std::copy(local.begin() + b, local.begin() + e, row.begin());
    out.rows[layout.silo_ids[k]] = std::move(row);
  }
  return out;
}

std::vector<double> fromSiloArray(SiloArray const& rows, SiloLayout const& layout,
                                  std::string const& name) {
  std::vector<double> local(static_cast<std::size_t>(layout.offsets.back()), 0.0);
  for (std::size_t k = 0; k < layout.silo_ids.size(); ++k) {
    auto const it = rows.rows.find(layout.silo_ids[k]);
    if (it == rows.rows.end())
      throw InputError("saddle::DualOptimizer::loadBySilo: '" + name + "' has no row for silo " +
                       std::to_string(layout.silo_ids[k]));
    std::int64_t const b = layout.offsets[k], e = layout.offsets[k + 1];
    std::copy(it->second.begin(), it->second.begin() + (e - b), local.begin() + b);
  }
  return local;
}

} // namespace

void DualOptimizer::saveBySilo(State& state, std::string const& prefix,
                               SiloLayout const& layout) const {
  state.putSiloArray(prefix + "lambda", toSiloArray(toStdVector(_lambda), layout));
  for (auto const& s : _states)
    state.putSiloArray(prefix + s.first, toSiloArray(toStdVector(s.second), layout));
}

void DualOptimizer::loadBySilo(State const& state, std::string const& prefix,
                               SiloLayout const& layout) {
  SADDLE_REQUIRE(layout.offsets.size() == layout.silo_ids.size() + 1 &&
                     layout.offsets.back() == size(),
                 "saddle::DualOptimizer::loadBySilo: the layout does not cover the multipliers");
  auto const load = [&](std::string const& name, Vector<double> const& v) {
    auto const& rows = state.siloArray(prefix + name, layout.width);
    fromStdVector(fromSiloArray(rows, layout, prefix + name), v);
  };
  load("lambda", _lambda);
  for (auto const& s : _states)
    load(s.first, s.second);
  _pending = false;
}

} // namespace saddle::optim
