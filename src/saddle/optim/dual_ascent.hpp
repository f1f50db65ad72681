#pragma once
/// Dual player: projected gradient ascent on the multipliers of inequality constraints,
///   lambda <- max(0, lambda + eta * g(theta))
/// where g is the true (non-proxy) violation from the round's aggregated statistics.
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

class ProjectedGradientAscent : public Stateful {
public:
  /// `n` multipliers, all starting at 0.
  ProjectedGradientAscent(std::int64_t n, double lr);

  /// lambda <- max(0, lambda + lr * violation). violation: host, length n. Async on `space`.
  void step(ExecSpace const& space, std::vector<double> const& violation);

  /// lambda [n] on the device.
  Vector<double> const& lambda() const { return _lambda; }
  /// Host copy of lambda (fences; for logs and outputs, not the step loop).
  std::vector<double> lambdaHost() const;
  std::int64_t size() const { return static_cast<std::int64_t>(_lambda.extent(0)); }

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  double _lr;
  Vector<double> _lambda;
  Vector<double> _violation;
  Vector<double>::HostMirror _violation_host;
};

} // namespace saddle
