#include "saddle/models/glm_model.hpp"

#include "kernels/models_glm.hpp"
#include "saddle/core/view_state.hpp"

namespace saddle {

template <class T>
GlmModel<T>::GlmModel(GlmLoss loss, std::int64_t n_features)
    : _loss(loss), _n_features(n_features), _theta("saddle::GlmModel::theta", n_features + 1),
      _no_norms("saddle::GlmModel::no_norms", 0), _no_loss("saddle::GlmModel::no_loss", 0) {}

template <class T>
void GlmModel<T>::rowNorms(ExecSpace const& space, Matrix<T> const& x, Vector<T> const& row_norm) {
  kernels::glmRowNorms(space, x, row_norm);
}

template <class T>
void GlmModel<T>::clippedGradient(ExecSpace const& space, Matrix<T> const& x, Vector<T> const& y,
                                  Vector<std::int64_t> const& idx, std::int64_t m,
                                  Vector<T> const& row_norm, T clip, Vector<double> const& out,
                                  std::int64_t offset, Vector<double> const& loss_sum,
                                  Vector<T> const& sample_norm) const {
  // z_i = theta . [x_i, 1];  g_i = dloss_i/dz_i;  out += sum_i g_i min(1, C/(|g_i| ||[x_i,1]||))
  // [x_i, 1] kernels copy their Views: pass allocated empty ones, never default-constructed ones
  auto const& norms = sample_norm.extent(0) > 0 ? sample_norm : _no_norms;
  auto const& losses = loss_sum.extent(0) > 0 ? loss_sum : _no_loss;
  auto const run = [&](auto loss_fn) {
    using Loss = decltype(loss_fn);
    kernels::glmClippedGradient<Loss>(space, x, y, idx, m, _theta, row_norm, clip, out, offset,
                                      losses, norms);
  };
  switch (_loss) {
  case GlmLoss::Logistic:
    run(kernels::LogisticLossFn{});
    break;
  case GlmLoss::Hinge:
    run(kernels::HingeLossFn{});
    break;
  case GlmLoss::SquaredHinge:
    run(kernels::SquaredHingeLossFn{});
    break;
  case GlmLoss::LeastSquares:
    run(kernels::SquaredLossFn{});
    break;
  }
}

template <class T>
void GlmModel<T>::margins(ExecSpace const& space, Matrix<T> const& x,
                          Vector<std::int64_t> const& idx, std::int64_t m,
                          Vector<T> const& z) const {
  kernels::glmMarginsOf(space, x, idx, m, _theta, z);
}

template <class T> void GlmModel<T>::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "theta", toStdVector(_theta));
}

template <class T> void GlmModel<T>::loadState(State const& state, std::string const& prefix) {
  fromStdVector(state.array(prefix + "theta", numParams()), _theta);
}

template class GlmModel<float>;
template class GlmModel<double>;

} // namespace saddle
