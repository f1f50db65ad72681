#pragma once
/// The trainer's binary GLM on parameters theta = [w, b] and margins z = w . x + b, with the
/// loss of deck key model.kind:
///   logistic       p(y = 1 | x) = sigmoid(z), loss_i = log(1 + e^z_i) - y_i z_i;
///   least_squares  the least-squares classifier: regresses t_i = 2 y_i - 1 in {-1, +1} on
///                  [x_i, 1], loss_i = (z_i - t_i)^2 / 2.
/// Both predict yhat = 1[z > 0], and both per-sample gradients are (d loss_i / d z_i) [x_i, 1]
/// (rank one), so clipping, noise and every problem's thresholds on z are shared.
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/model_kinds.hpp"

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
  /// Parameters start at zero (the convex problem needs no random start). `loss`: Logistic or
  /// LeastSquares; any other GlmLoss throws Error (the trainer's model has these two).
  explicit LogisticModel(std::int64_t n_features, GlmLoss loss = GlmLoss::Logistic);

  /// The loss of deck key model.kind ("logistic" | "least_squares"); throws InputError naming
  /// the key and the allowed values otherwise.
  static GlmLoss lossFromKind(std::string const& kind);

  GlmLoss loss() const { return _loss; }
  /// Change the loss (parameters are kept). Same rule as the constructor.
  void setLoss(GlmLoss loss);

  std::int64_t numParams() const { return _n_features + 1; }
  /// theta [d + 1] on the device, last entry the bias.
  Vector<double> const& theta() const { return _theta; }

  /// batch.z = margins of the batch rows; batch.coef = d loss_i / d z_i (sigmoid(z_i) - y_i,
  /// or z_i - (2 y_i - 1) for least squares). Async on `space`.
  void perSample(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch) const;

  /// grad[offset, offset + d] += sum_i [w.weights_i x_i, w.bias_i] over the batch. Async.
  void accumulateGradient(ExecSpace const& space, data::SiloData const& data,
                          BatchScratch const& batch, ClippedWeights const& w,
                          Vector<double> const& grad, std::int64_t offset) const;

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  std::int64_t _n_features;
  GlmLoss _loss = GlmLoss::Logistic;
  Vector<double> _theta;
};

} // namespace saddle
