#pragma once
/// Multinomial (softmax) regression with K classes in scalar type T: parameters
/// w [K][d + 1] (column d the bias) on the device, and the fused DP-SGD pass of
/// kernels/models_softmax.hpp: per-sample gradient (p_i - e_{y_i}) [x_i, 1]^T is rank one, so
/// its norm ||p_i - e_{y_i}|| ||[x_i, 1]|| needs no per-sample gradient.
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"

#include <cstdint>
#include <string>

namespace saddle {

template <class T> class SoftmaxModel : public Stateful {
public:
  /// d = n_features, K = n_classes >= 2; parameters start at zero.
  SoftmaxModel(std::int64_t n_features, std::int64_t n_classes);

  std::int64_t numFeatures() const { return _n_features; }
  std::int64_t numClasses() const { return _n_classes; }
  std::int64_t numParams() const { return _n_classes * (_n_features + 1); }
  /// w [K][d + 1] on the device; its flat order is the gradient's order in clippedGradient.
  Matrix<T> const& weights() const { return _w; }

  /// The fused pass over the batch rows idx[0, m) of x [n][d] with class ids y [n] in [0, K):
  ///   out[offset + k (d + 1) + j] += sum_i c_i (p_i - e_{y_i})[k] [x_{r_i}, 1][j],
  ///   c_i = min(1, clip / (||p_i - e_{y_i}|| row_norm(r_i)))  (clip = +inf: c_i = 1),
  /// loss_sum(0) += sum_i -log p_i[y_i] (if it has an entry), sample_norm(i) = the norm (if
  /// extent >= m). row_norm from GlmModel<T>::rowNorms. Async on `space`; local.
  void clippedGradient(ExecSpace const& space, Matrix<T> const& x, Vector<int> const& y,
                       Vector<std::int64_t> const& idx, std::int64_t m, Vector<T> const& row_norm,
                       T clip, Vector<double> const& out, std::int64_t offset,
                       Vector<double> const& loss_sum, Vector<T> const& sample_norm = {}) const;

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  std::int64_t _n_features, _n_classes;
  Matrix<T> _w;
  Vector<T> _no_norms;     ///< allocated, empty: "no per-sample norms" (never a default View)
  Vector<double> _no_loss; ///< allocated, empty: "no loss sum"
};

extern template class SoftmaxModel<float>;
extern template class SoftmaxModel<double>;

} // namespace saddle
