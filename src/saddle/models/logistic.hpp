#pragma once
/// Binary logistic regression, p(y = 1 | x) = sigmoid(w . x + b), parameters theta = [w, b].
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"

#include <cstdint>
#include <string>

namespace saddle {

/// Scratch of one batch, allocated once at the largest silo size and reused every round.
struct BatchScratch {
  Vector<std::int64_t> idx;   ///< [capacity] local row indices of the batch
  Vector<double> z;           ///< [capacity] margins
  Vector<double> coef;        ///< [capacity] d phi_i / d z_i (loss + Lagrangian proxy terms)
  Vector<double> weight;      ///< [capacity] coef after clipping (weights part)
  Vector<double> weight_bias; ///< [capacity] coef after clipping (bias part; per-layer clipping)
  std::int64_t size = 0;      ///< records in the current batch
  explicit BatchScratch(std::int64_t capacity);
};

/// Per-record scalars whose weighted row sum is a GLM's (clipped) gradient sum:
/// sum_i [weights_i x_i, bias_i]. Flat clipping uses one View for both.
struct ClippedWeights {
  Vector<double> weights;
  Vector<double> bias;
};

class LogisticModel : public Stateful {
public:
  /// Parameters start at zero (the convex problem needs no random start).
  explicit LogisticModel(std::int64_t n_features);

  std::int64_t numParams() const { return _n_features + 1; }
  /// theta [d + 1] on the device, last entry the bias.
  Vector<double> const& theta() const { return _theta; }

  /// batch.z = margins of the batch rows; batch.coef = d loss_i / d z_i. Async on `space`.
  void perSample(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch) const;

  /// grad[offset, offset + d] += sum_i [w.weights_i x_i, w.bias_i] over the batch. Async.
  void accumulateGradient(ExecSpace const& space, data::SiloData const& data,
                          BatchScratch const& batch, ClippedWeights const& w,
                          Vector<double> const& grad, std::int64_t offset) const;

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  std::int64_t _n_features;
  Vector<double> _theta;
};

} // namespace saddle
