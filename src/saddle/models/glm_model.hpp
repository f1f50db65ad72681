#pragma once
/// Generalized linear models (logistic, linear SVM with hinge or squared hinge, least squares)
/// in scalar type T (float or double): parameters theta = [w, b] on the device, and the fused
/// DP-SGD pass of kernels/models_glm.hpp (per-sample loss, exact per-sample gradient norm from
/// the cached row norm, clipped sum) without forming a per-sample gradient.
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"
#include "saddle/models/model_kinds.hpp"

#include <cstdint>
#include <string>

namespace saddle {

template <class T> class GlmModel : public Stateful {
public:
  /// d = n_features; parameters start at zero.
  GlmModel(GlmLoss loss, std::int64_t n_features);

  GlmLoss loss() const { return _loss; }
  std::int64_t numFeatures() const { return _n_features; }
  std::int64_t numParams() const { return _n_features + 1; }
  /// theta [d + 1] on the device, last entry the bias.
  Vector<T> const& theta() const { return _theta; }

  /// row_norm(r) = ||[x_r, 1]||_2 for every row of x [n][d]: computed once per data set and
  /// passed to clippedGradient. Async on `space`.
  static void rowNorms(ExecSpace const& space, Matrix<T> const& x, Vector<T> const& row_norm);

  /// The fused pass over the batch rows idx[0, m) of x [n][d] with labels y [n]:
  ///   out[offset, offset + d] += sum_i g_i min(1, clip / (|g_i| row_norm(r_i))) [x_{r_i}, 1]
  /// with g_i = dloss_i / dz_i (clip = +inf: the plain gradient sum), loss_sum(0) += sum_i loss_i
  /// (if loss_sum has an entry), sample_norm(i) = |g_i| row_norm(r_i) (if extent >= m).
  /// Async on `space`; no host copies; local (no communication).
  void clippedGradient(ExecSpace const& space, Matrix<T> const& x, Vector<T> const& y,
                       Vector<std::int64_t> const& idx, std::int64_t m, Vector<T> const& row_norm,
                       T clip, Vector<double> const& out, std::int64_t offset,
                       Vector<double> const& loss_sum, Vector<T> const& sample_norm = {}) const;

  /// z(i) = theta . [x_{idx(i)}, 1] for i < m. Async on `space`.
  void margins(ExecSpace const& space, Matrix<T> const& x, Vector<std::int64_t> const& idx,
               std::int64_t m, Vector<T> const& z) const;

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  GlmLoss _loss;
  std::int64_t _n_features;
  Vector<T> _theta;
  Vector<T> _no_norms;     ///< allocated, empty: "no per-sample norms" (never a default View)
  Vector<double> _no_loss; ///< allocated, empty: "no loss sum"
};

extern template class GlmModel<float>;
extern template class GlmModel<double>;

} // namespace saddle
