#include "saddle/models/softmax.hpp"

#include "kernels/models_softmax.hpp"
#include "saddle/core/error.hpp"
#include "saddle/core/view_state.hpp"

namespace saddle {

template <class T>
SoftmaxModel<T>::SoftmaxModel(std::int64_t n_features, std::int64_t n_classes)
    : _n_features(n_features), _n_classes(n_classes),
      _w("saddle::SoftmaxModel::w", n_classes, n_features + 1),
      _no_norms("saddle::SoftmaxModel::no_norms", 0), _no_loss("saddle::SoftmaxModel::no_loss", 0) {
  SADDLE_REQUIRE(n_classes >= 2, "saddle::SoftmaxModel: needs at least 2 classes");
}

template <class T>
void SoftmaxModel<T>::clippedGradient(ExecSpace const& space, Matrix<T> const& x,
                                      Vector<int> const& y, Vector<std::int64_t> const& idx,
                                      std::int64_t m, Vector<T> const& row_norm, T clip,
                                      Vector<double> const& out, std::int64_t offset,
                                      Vector<double> const& loss_sum,
                                      Vector<T> const& sample_norm) const {
  // out += sum_i min(1, C / (||p_i - e_y|| ||[x_i, 1]||)) (p_i - e_y) [x_i, 1]^T
  kernels::softmaxClippedGradient(space, x, y, idx, m, _w, row_norm, clip, out, offset,
                                  loss_sum.extent(0) > 0 ? loss_sum : _no_loss,
                                  sample_norm.extent(0) > 0 ? sample_norm : _no_norms);
}

template <class T> void SoftmaxModel<T>::saveState(State& state, std::string const& prefix) const {
  Kokkos::View<T*, MemSpace, Kokkos::MemoryUnmanaged> flat(_w.data(), numParams());
  state.putArray(prefix + "w", toStdVector(flat));
}

template <class T> void SoftmaxModel<T>::loadState(State const& state, std::string const& prefix) {
  Kokkos::View<T*, MemSpace, Kokkos::MemoryUnmanaged> flat(_w.data(), numParams());
  fromStdVector(state.array(prefix + "w", numParams()), flat);
}

template class SoftmaxModel<float>;
template class SoftmaxModel<double>;

} // namespace saddle
