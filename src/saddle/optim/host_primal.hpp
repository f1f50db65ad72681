#pragma once
/// Primal optimizers on host vectors, for the small callback problems of the generic min-max
/// loop (gda.hpp): "sgd", "momentum" (heavy ball), "nesterov", "adam". Like the dual
/// optimizers, each can run in the extrapolation order: extrapolate() saves the state and
/// steps to the look-ahead point; the next step() restores it and steps from there.
#include <cstdint>
#include <string>
#include <vector>

namespace saddle::optim {

struct HostPrimalConfig {
  std::string optimizer = "sgd"; ///< sgd | momentum | nesterov | adam
  double lr = 1e-2;              ///< > 0
  double momentum = 0.9;         ///< momentum, nesterov: in [0, 1)
  double beta1 = 0.9;            ///< adam
  double beta2 = 0.999;          ///< adam
  double epsilon = 1e-8;         ///< adam
  /// Throws InputError naming `primal.<key>`.
  void validate() const;
};

class HostPrimalOptimizer {
public:
  explicit HostPrimalOptimizer(HostPrimalConfig cfg);

  /// Descent step on x with gradient `grad` (same size as x):
  ///   sgd:      x <- x - lr g
  ///   momentum: v <- mu v + g;  x <- x - lr v
  ///   nesterov: v <- mu v + g;  x <- x - lr (g + mu v)
  ///   adam:     m, v moments, x <- x - lr m^ / (sqrt(v^) + eps)
  void step(std::vector<double>& x, std::vector<double> const& grad);
  /// Save (x, state), then step: x becomes the look-ahead point.
  void extrapolate(std::vector<double>& x, std::vector<double> const& grad);

  HostPrimalConfig const& config() const { return _cfg; }

private:
  void apply(std::vector<double>& x, std::vector<double> const& grad);

  HostPrimalConfig _cfg;
  std::vector<double> _m, _v;
  double _t = 0.0;
  bool _pending = false;
  std::vector<double> _saved_x, _saved_m, _saved_v;
  double _saved_t = 0.0;
};

} // namespace saddle::optim
