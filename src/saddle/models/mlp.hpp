#pragma once
/// Multilayer perceptron of dense layers with widths w_0 (features), ..., w_L (classes), hidden
/// activation ReLU or tanh, softmax cross-entropy output, in scalar type T. DP-SGD through ghost
/// norms: for each layer l the per-sample gradient is a_{l,i} delta_{l+1,i}^T (+ delta for the
/// bias), so ||g_i||^2 = sum_l (||a_{l,i}||^2 + 1) ||delta_{l+1,i}||^2 exactly, and the clipped
/// sum of layer l is one gemm A_l^T diag(c) Delta_{l+1}. No per-sample gradient is formed.
#include "kernels/models_mlp.hpp"
#include "kernels/types.hpp"
#include "saddle/core/state.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace saddle {

template <class T> class MlpModel : public Stateful {
public:
  /// widths {w_0, ..., w_L} (L >= 1 layers), hidden activation, the largest batch that
  /// clippedGradient will see (scratch is allocated once here), and the seed of the
  /// initialization (weights uniform in +-sqrt(6 / fan_in) for ReLU, +-sqrt(6 / (fan_in +
  /// fan_out)) for tanh, from the counter-based generator; biases zero).
  MlpModel(std::vector<std::int64_t> widths, kernels::Activation hidden,
           std::int64_t batch_capacity, std::uint64_t seed);

  std::vector<std::int64_t> const& widths() const { return _widths; }
  int numLayers() const { return static_cast<int>(_widths.size()) - 1; }
  std::int64_t numParams() const { return _n_params; }
  kernels::Activation hidden() const { return _hidden; }
  /// All parameters, flat: [W_0 (w_0 x w_1, row-major), b_0 (w_1), W_1, b_1, ...].
  Vector<T> const& params() const { return _params; }
  /// Offsets of W_l and b_l in params() (and in the gradient written by clippedGradient).
  std::int64_t weightOffset(int l) const { return _offset[static_cast<std::size_t>(l)]; }
  std::int64_t biasOffset(int l) const {
    return weightOffset(l) +
           _widths[static_cast<std::size_t>(l)] * _widths[static_cast<std::size_t>(l) + 1];
  }
  /// Multiply-add count of one sample's forward pass, sum_l w_l w_{l+1} (flops = 2x that;
  /// a training step costs about 3x the forward pass).
  std::int64_t forwardMacs() const;

  /// The fused DP-SGD pass over the batch rows idx[0, m) (m <= batch_capacity) of x [n][w_0]
  /// with class ids y [n] in [0, w_L): forward, backward, ghost norms, clip factors
  /// c_i = min(1, clip / ||g_i||) (clip = +inf: c_i = 1 and no norms unless asked for), and
  ///   out[offset + p] += sum_i c_i g_i[p]  for every parameter p (params() order)
  /// ("=" with overwrite = true: out need not be zeroed first), loss_sum(0) += sum_i loss_i (if
  /// it has an entry), sample_norm(i) = ||g_i|| (if extent >= m).
  /// Async on `space`; no host copies; local. Uses this object's scratch (not reentrant).
  void clippedGradient(ExecSpace const& space, Matrix<T> const& x, Vector<int> const& y,
                       Vector<std::int64_t> const& idx, std::int64_t m, T clip,
                       Vector<double> const& out, std::int64_t offset,
                       Vector<double> const& loss_sum, Vector<T> const& sample_norm = {},
                       bool overwrite = false);

  /// Logits [m][w_L] of the batch rows (a view of scratch, valid until the next call). Async.
  Matrix<T> logits(ExecSpace const& space, Matrix<T> const& x, Vector<std::int64_t> const& idx,
                   std::int64_t m);

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  using Unmanaged = Kokkos::View<T**, Kokkos::LayoutRight, MemSpace, Kokkos::MemoryUnmanaged>;
  Unmanaged weight(int l) const;
  Kokkos::View<T*, MemSpace, Kokkos::MemoryUnmanaged> bias(int l) const;
  void forward(ExecSpace const& space, Matrix<T> const& x, Vector<std::int64_t> const& idx,
               std::int64_t m);
  void backward(ExecSpace const& space, Vector<int> const& y, Vector<std::int64_t> const& idx,
                std::int64_t m, Vector<double> const& loss_sum);

  std::vector<std::int64_t> _widths;
  kernels::Activation _hidden;
  std::int64_t _capacity, _n_params = 0;
  std::vector<std::int64_t> _offset;
  Vector<T> _params;
  std::vector<Matrix<T>> _act;   ///< [L + 1]: act[0] the gathered input, act[L] the logits
  std::vector<Matrix<T>> _delta; ///< [L + 1]: delta[l] = dloss/dz_l (delta[L] aliases act[L])
  Vector<T> _sq, _c;             ///< [capacity] squared norms and clip factors
  Vector<T> _none;               ///< allocated, empty: "no weights / norms" (never a default View)
  Vector<double> _no_loss;       ///< allocated, empty: "no loss sum"
};

extern template class MlpModel<float>;
extern template class MlpModel<double>;

} // namespace saddle
