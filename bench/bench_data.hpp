#pragma once
/// Synthetic data of the DP-SGD workloads: rows x_r in [-1, 1]^d from the counter-based
/// generator keyed by the global row id (so every rank count sees the same data set), a binary
/// label 1[x . w* > 0] and a 10-class label argmax_k x . v_k from fixed directions; each rank
/// holds a contiguous block of rows.
#include "kernels/types.hpp"
#include "saddle/core/comm.hpp"

#include <cstdint>
#include <memory>

namespace saddle::bench {

struct Shard {
  std::int64_t n_global = 0, begin = 0, n = 0, d = 0;
  Matrix<float> x;        ///< [n][d] this rank's rows
  Vector<float> y_binary; ///< [n] in {0, 1}
  Vector<int> y_class;    ///< [n] in [0, n_classes)
  Vector<float> row_norm; ///< [n] ||[x_r, 1]||, cached once (GLM clipping)
};

/// The block of rank `rank` of `size` of an n_global x d data set (built once per process and
/// argument set, then shared). Blocks: the first n_global % size ranks hold one row more.
std::shared_ptr<Shard const> shard(std::int64_t n_global, std::int64_t d, int n_classes, int rank,
                                   int size);

} // namespace saddle::bench
