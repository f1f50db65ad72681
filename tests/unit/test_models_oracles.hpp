#pragma once
// Plain host oracles of the model kernels (kernels/models_*.hpp): explicit loops in double that
// DO form every per-sample gradient, clip it by its own Euclidean norm and sum. The fused
// kernels never form them; these loops are what they must agree with.
#include <Kokkos_Core.hpp>

#include <gtest/gtest.h>

#include "saddle_test_config.hpp"
#include <cstdint>
#include <limits>
#include <vector>

namespace saddle::test {

/// One (execution space, scalar type) pair of the typed model tests.
template <class Space, class T> struct SpaceAndScalar {
  using space = Space;
  using value_type = T;
};
template <class... Spaces> struct ModelCombos {
  using type =
      ::testing::Types<SpaceAndScalar<Spaces, float>..., SpaceAndScalar<Spaces, double>...>;
};
/// Every execution space of the Kokkos build, in float and in double.
using ModelTypes = ModelCombos<SADDLE_TEST_EXEC_SPACES>::type;

template <class T> constexpr double kEpsOf = std::numeric_limits<T>::epsilon();

/// Row-major host values [rows][cols] into a LayoutRight View of T in `Space`'s memory.
template <class T, class Space>
Kokkos::View<T**, Kokkos::LayoutRight, typename Space::memory_space>
toDeviceMatrix(std::vector<double> const& v, std::int64_t rows, std::int64_t cols) {
  Kokkos::View<T**, Kokkos::LayoutRight, typename Space::memory_space> out("test", rows, cols);
  auto h = Kokkos::create_mirror_view(out);
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < cols; ++j)
      h(i, j) = static_cast<T>(v[i * cols + j]);
  Kokkos::deep_copy(out, h);
  return out;
}

/// v rounded to T and back: the exact inputs a kernel in T sees (oracles take these).
template <class T> std::vector<double> roundedTo(std::vector<double> v) {
  for (double& x : v)
    x = static_cast<double>(static_cast<T>(x));
  return v;
}

/// Per-sample results of an oracle: gradient vectors, losses, and for the tolerances a
/// magnitude per gradient entry (sum of |terms| that rounding acts on).
struct PerSample {
  std::vector<std::vector<double>> grad; ///< [m][P] per-sample gradients (unclipped)
  std::vector<double> loss;              ///< [m]
  std::vector<double> scale;             ///< [m] magnitude of the sample's margin / activations
};

/// Clipped sum of per-sample gradients: sum_i min(1, C / ||g_i||) g_i, the norms ||g_i||, and
/// the entrywise magnitudes sum_i |min(1, C / ||g_i||) g_i[p]|.
struct ClippedSum {
  std::vector<double> sum, norm, magnitude;
};
ClippedSum oracleClip(std::vector<std::vector<double>> const& grad, double clip);

/// GLM losses, in the order of saddle::GlmLoss: 0 logistic, 1 hinge, 2 squared hinge,
/// 3 least squares. Loss value and d loss / d z at margin z, label y.
void oracleGlmLoss(int loss, double z, double y, double& value, double& dz);

/// Per-sample gradients g_i = dloss(z_i, y_r)/dz [x_r, 1] of a GLM, z_i = theta . [x_r, 1],
/// x row-major [n][d], r = idx[i]; scale[i] = sum_j |theta_j x_rj| + |theta_d|.
PerSample oracleGlm(int loss, std::vector<double> const& x, std::int64_t d,
                    std::vector<double> const& y, std::vector<std::int64_t> const& idx,
                    std::vector<double> const& theta);

/// Per-sample gradients (p_i - e_y) [x_r, 1]^T (flattened [K][d + 1]) of softmax regression
/// with w [K][d + 1] row-major; loss -log p_i[y].
PerSample oracleSoftmax(std::vector<double> const& x, std::int64_t d, std::vector<int> const& y,
                        std::vector<std::int64_t> const& idx, std::vector<double> const& w,
                        std::int64_t k_classes);

/// Per-sample gradients of an MLP (widths w_0..w_L, hidden activation 1 relu / 2 tanh,
/// softmax cross-entropy), by per-sample backpropagation that forms each layer's outer product
/// a delta^T explicitly; params in MlpModel order [W_0 (w_0 x w_1), b_0, W_1, b_1, ...].
/// `min_abs_preactivation` returns the smallest |z| of a hidden unit over the batch (a test
/// checks it is away from the ReLU kink, where float and double may take different sides).
PerSample oracleMlp(std::vector<std::int64_t> const& widths, int activation,
                    std::vector<double> const& params, std::vector<double> const& x,
                    std::vector<int> const& y, std::vector<std::int64_t> const& idx,
                    double* min_abs_preactivation = nullptr);

} // namespace saddle::test
