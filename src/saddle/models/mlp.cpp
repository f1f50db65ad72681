#include "saddle/models/mlp.hpp"

#include "kernels/dense.hpp"
#include "kernels/models_gemm.hpp"
#include "kernels/rng.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace saddle {

namespace {
template <class T>
Matrix<T> scratch(std::string const& what, std::int64_t rows, std::int64_t cols) {
  return Matrix<T>(Kokkos::view_alloc(Kokkos::WithoutInitializing, "saddle::MlpModel::" + what),
                   rows, cols);
}
auto rowsOf(std::int64_t m) {
  return std::make_pair(std::int64_t(0), m);
}

// w(off + j) = s (2 u_j - 1), u_j = uniform(key, j), for j < n. Async. (A free function: CUDA's
// extended lambdas may not live in constructors.)
template <class T>
void uniformInit(ExecSpace const& space, Vector<T> const& w, std::int64_t off, std::int64_t n,
                 double s, rng::Key const& key) {
  Kokkos::parallel_for(
      "saddle::MlpModel::init",
      Kokkos::RangePolicy<ExecSpace, Kokkos::IndexType<std::int64_t>>(space, 0, n),
      KOKKOS_LAMBDA(std::int64_t j) {
        w(off + j) =
            static_cast<T>(s * (2.0 * rng::uniform(key, static_cast<std::uint64_t>(j)) - 1.0));
      });
}
} // namespace

template <class T>
MlpModel<T>::MlpModel(std::vector<std::int64_t> widths, kernels::Activation hidden,
                      std::int64_t batch_capacity, std::uint64_t seed)
    : _widths(std::move(widths)), _hidden(hidden), _capacity(batch_capacity) {
  SADDLE_REQUIRE(_widths.size() >= 2, "saddle::MlpModel: needs an input and an output width");
  SADDLE_REQUIRE(_widths.back() >= 2, "saddle::MlpModel: needs at least 2 classes");
  int const layers = numLayers();
  for (int l = 0; l < layers; ++l) {
    _offset.push_back(_n_params);
    _n_params += (_widths[l] + 1) * _widths[l + 1];
  }
  _params = Vector<T>("saddle::MlpModel::params", _n_params);
  for (int l = 0; l <= layers; ++l)
    _act.push_back(scratch<T>("act" + std::to_string(l), _capacity, _widths[l]));
  _delta.assign(static_cast<std::size_t>(layers) + 1, _act[0]); // delta[0]: unused alias
  for (int l = 1; l < layers; ++l)
    _delta[l] = scratch<T>("delta" + std::to_string(l), _capacity, _widths[l]);
  _delta[layers] = _act[layers]; // the output delta overwrites the logits
  _sq = Vector<T>("saddle::MlpModel::sq", _capacity);
  _c = Vector<T>("saddle::MlpModel::c", _capacity);
  _none = Vector<T>("saddle::MlpModel::none", 0);
  _no_loss = Vector<double>("saddle::MlpModel::no_loss", 0);
  // W_l ~ U(-s_l, s_l) from (seed, Init, layer l, index); biases stay zero
  ExecSpace space;
  for (int l = 0; l < layers; ++l) {
    double const fan = hidden == kernels::Activation::Tanh && l + 1 < layers
                           ? static_cast<double>(_widths[l] + _widths[l + 1])
                           : static_cast<double>(_widths[l]);
    uniformInit(space, _params, _offset[l], _widths[l] * _widths[l + 1], std::sqrt(6.0 / fan),
                rng::Key{seed, rng::Purpose::Init, static_cast<std::uint64_t>(l), 0});
  }
  compat::fence(space, "saddle::MlpModel: initialized");
}

template <class T> std::int64_t MlpModel<T>::forwardMacs() const {
  std::int64_t macs = 0;
  for (int l = 0; l < numLayers(); ++l)
    macs += _widths[l] * _widths[l + 1];
  return macs;
}

template <class T> typename MlpModel<T>::Unmanaged MlpModel<T>::weight(int l) const {
  return Unmanaged(_params.data() + weightOffset(l), _widths[l], _widths[l + 1]);
}

template <class T>
Kokkos::View<T*, MemSpace, Kokkos::MemoryUnmanaged> MlpModel<T>::bias(int l) const {
  return Kokkos::View<T*, MemSpace, Kokkos::MemoryUnmanaged>(_params.data() + biasOffset(l),
                                                             _widths[l + 1]);
}

template <class T>
void MlpModel<T>::forward(ExecSpace const& space, Matrix<T> const& x,
                          Vector<std::int64_t> const& idx, std::int64_t m) {
  SADDLE_REQUIRE(m <= _capacity, "saddle::MlpModel: batch larger than its capacity");
  SADDLE_REQUIRE(static_cast<std::int64_t>(x.extent(1)) == _widths[0],
                 "saddle::MlpModel: data width differs from the input width");
  auto const rows = rowsOf(m);
  kernels::gatherRows(space, x, idx, m, _act[0]);
  for (int l = 0; l < numLayers(); ++l) {
    // z_{l+1} = a_l W_l + b_l ;  a_{l+1} = f(z_{l+1})   (identity on the output layer)
    auto const a_in = Kokkos::subview(_act[l], rows, Kokkos::ALL);
    auto const a_out = Kokkos::subview(_act[l + 1], rows, Kokkos::ALL);
    kernels::gemm(space, kernels::GemmOp::N, kernels::GemmOp::N, 1.0, a_in, weight(l), 0.0, a_out,
                  _none);
    kernels::biasActivation(space, a_out, bias(l), m,
                            l + 1 < numLayers() ? _hidden : kernels::Activation::Identity);
  }
}

template <class T>
void MlpModel<T>::backward(ExecSpace const& space, Vector<int> const& y,
                           Vector<std::int64_t> const& idx, std::int64_t m,
                           Vector<double> const& loss_sum) {
  auto const rows = rowsOf(m);
  // delta_L = softmax(z_L) - e_y
  kernels::softmaxCrossEntropyDelta(space, Kokkos::subview(_delta[numLayers()], rows, Kokkos::ALL),
                                    y, idx, m, loss_sum.extent(0) > 0 ? loss_sum : _no_loss);
  for (int l = numLayers() - 1; l >= 1; --l) {
    // delta_l = (delta_{l+1} W_l^T) .* f'(a_l)
    auto const d_out = Kokkos::subview(_delta[l + 1], rows, Kokkos::ALL);
    auto const d_in = Kokkos::subview(_delta[l], rows, Kokkos::ALL);
    kernels::gemm(space, kernels::GemmOp::N, kernels::GemmOp::T, 1.0, d_out, weight(l), 0.0, d_in,
                  _none);
    kernels::activationBackward(space, d_in, _act[l], m, _hidden);
  }
}

template <class T>
void MlpModel<T>::clippedGradient(ExecSpace const& space, Matrix<T> const& x, Vector<int> const& y,
                                  Vector<std::int64_t> const& idx, std::int64_t m, T clip,
                                  Vector<double> const& out, std::int64_t offset,
                                  Vector<double> const& loss_sum, Vector<T> const& sample_norm,
                                  bool overwrite) {
  if (m <= 0) {
    if (overwrite)
      Kokkos::deep_copy(space, Kokkos::subview(out, std::make_pair(offset, offset + _n_params)),
                        0.0);
    return;
  }
  forward(space, x, idx, m);
  backward(space, y, idx, m, loss_sum);
  auto const rows = rowsOf(m);
  bool const clipping = clip < std::numeric_limits<T>::infinity();
  Vector<T> scale = _none; // empty: every sample weighs 1
  if (clipping || sample_norm.extent(0) > 0) {
    // ||g_i||^2 = sum_l (||a_{l,i}||^2 + 1) ||delta_{l+1,i}||^2 ;  c_i = min(1, C / ||g_i||)
    kernels::zero(space, _sq);
    for (int l = 0; l < numLayers(); ++l)
      kernels::ghostNormAccumulate(space, _act[l], _delta[l + 1], m, _sq);
    kernels::clipFactorsFromSquares(space, _sq, m, clip, _c,
                                    sample_norm.extent(0) > 0 ? sample_norm : _none);
    if (clipping)
      scale = Kokkos::subview(_c, rows);
  }
  using Out2 = Kokkos::View<double**, Kokkos::LayoutRight, MemSpace, Kokkos::MemoryUnmanaged>;
  for (int l = 0; l < numLayers(); ++l) {
    // out[W_l] (+)= A_l^T diag(c) Delta_{l+1} ;  out[b_l] (+)= sum_i c_i delta_{l+1,i}
    Out2 const g_w(out.data() + offset + weightOffset(l), _widths[l], _widths[l + 1]);
    kernels::gemm(space, kernels::GemmOp::T, kernels::GemmOp::N, 1.0,
                  Kokkos::subview(_act[l], rows, Kokkos::ALL),
                  Kokkos::subview(_delta[l + 1], rows, Kokkos::ALL), overwrite ? 0.0 : 1.0, g_w,
                  scale);
    kernels::weightedColumnSum(space, _delta[l + 1], scale, m, out, offset + biasOffset(l),
                               !overwrite);
  }
}

template <class T>
Matrix<T> MlpModel<T>::logits(ExecSpace const& space, Matrix<T> const& x,
                              Vector<std::int64_t> const& idx, std::int64_t m) {
  forward(space, x, idx, m);
  return _act[numLayers()];
}

template <class T> void MlpModel<T>::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "params", toStdVector(_params));
}

template <class T> void MlpModel<T>::loadState(State const& state, std::string const& prefix) {
  fromStdVector(state.array(prefix + "params", numParams()), _params);
}

template class MlpModel<float>;
template class MlpModel<double>;

} // namespace saddle
