#include "saddle/models/logistic.hpp"

#include "kernels/glm.hpp"
#include "kernels/glm_losses.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"

namespace saddle {

BatchScratch::BatchScratch(std::int64_t capacity)
    : idx(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::batch::idx"), capacity),
      z(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::batch::z"), capacity),
      coef(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::batch::coef"), capacity),
      weight(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::batch::weight"), capacity),
      weight_bias(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::batch::weight_bias"),
                  capacity) {}

LogisticModel::LogisticModel(std::int64_t n_features, GlmLoss loss)
    : _n_features(n_features), _theta("saddle::LogisticModel::theta", n_features + 1) {
  setLoss(loss);
}

GlmLoss LogisticModel::lossFromKind(std::string const& kind) {
  if (kind == "logistic")
    return GlmLoss::Logistic;
  if (kind == "least_squares")
    return GlmLoss::LeastSquares;
  throw InputError("saddle::LogisticModel: key 'model.kind' = \"" + kind +
                   "\" is not allowed (allowed: \"logistic\", \"least_squares\")");
}

void LogisticModel::setLoss(GlmLoss loss) {
  if (loss != GlmLoss::Logistic && loss != GlmLoss::LeastSquares)
    throw Error("saddle::LogisticModel: loss \"" + glmLossName(loss) +
                "\" is not a loss of the trainer's model (logistic, least_squares)");
  _loss = loss;
}

void LogisticModel::perSample(ExecSpace const& space, data::SiloData const& data,
                              BatchScratch& batch) const {
  // z_i = w . x_i + b
  kernels::glmMargins(space, data.x, batch.idx, batch.size, _theta, batch.z);
  if (_loss == GlmLoss::LeastSquares) // d loss_i / d z_i = z_i - (2 y_i - 1)
    kernels::leastSquaresLossDerivative(space, data.y, batch.idx, batch.size, batch.z, batch.coef);
  else // d loss_i / d z_i = sigmoid(z_i) - y_i
    kernels::logisticLossDerivative(space, data.y, batch.idx, batch.size, batch.z, batch.coef);
}

void LogisticModel::accumulateGradient(ExecSpace const& space, data::SiloData const& data,
                                       BatchScratch const& batch, ClippedWeights const& w,
                                       Vector<double> const& grad, std::int64_t offset) const {
  // grad += sum_i [w_i x_i, w_bias_i]
  kernels::glmWeightedRowSum(space, data.x, batch.idx, batch.size, w.weights, w.bias, grad, offset);
}

void LogisticModel::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "theta", toStdVector(_theta));
}

void LogisticModel::loadState(State const& state, std::string const& prefix) {
  fromStdVector(state.array(prefix + "theta", numParams()), _theta);
}

} // namespace saddle
