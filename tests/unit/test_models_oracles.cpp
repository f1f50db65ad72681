// Host oracles of the model kernels: explicit per-sample gradients (see the header).
#include "test_models_oracles.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace saddle::test {

ClippedSum oracleClip(std::vector<std::vector<double>> const& grad, double clip) {
  ClippedSum out;
  std::size_t const p = grad.empty() ? 0 : grad[0].size();
  out.sum.assign(p, 0.0);
  out.magnitude.assign(p, 0.0);
  for (auto const& g : grad) {
    double sq = 0.0;
    for (double v : g)
      sq += v * v;
    double const norm = std::sqrt(sq);
    double const c = norm > clip ? clip / norm : 1.0;
    out.norm.push_back(norm);
    for (std::size_t j = 0; j < p; ++j) {
      out.sum[j] += c * g[j];
      out.magnitude[j] += std::fabs(c * g[j]);
    }
  }
  return out;
}

void oracleGlmLoss(int loss, double z, double y, double& value, double& dz) {
  double const s = 2.0 * y - 1.0;
  switch (loss) {
  case 0: { // log(1 + e^z) - y z, in long double
    long double const zl = z;
    value = static_cast<double>(std::log1p(std::exp(-std::fabs(zl))) + std::max(zl, 0.0L) - y * zl);
    dz = static_cast<double>(1.0L / (1.0L + std::exp(-zl)) - y);
    return;
  }
  case 1:
    value = std::max(0.0, 1.0 - s * z);
    dz = 1.0 - s * z > 0.0 ? -s : 0.0;
    return;
  case 2: {
    double const h = std::max(0.0, 1.0 - s * z);
    value = h * h;
    dz = -2.0 * s * h;
    return;
  }
  default:
    value = 0.5 * (z - y) * (z - y);
    dz = z - y;
  }
}

PerSample oracleGlm(int loss, std::vector<double> const& x, std::int64_t d,
                    std::vector<double> const& y, std::vector<std::int64_t> const& idx,
                    std::vector<double> const& theta) {
  PerSample out;
  for (std::int64_t const r : idx) {
    double z = theta[d], mag = std::fabs(theta[d]);
    for (std::int64_t j = 0; j < d; ++j) {
      z += theta[j] * x[r * d + j];
      mag += std::fabs(theta[j] * x[r * d + j]);
    }
    double value = 0.0, dz = 0.0;
    oracleGlmLoss(loss, z, y[r], value, dz);
    std::vector<double> g(d + 1);
    for (std::int64_t j = 0; j < d; ++j)
      g[j] = dz * x[r * d + j]; // the per-sample gradient, formed
    g[d] = dz;
    out.grad.push_back(g);
    out.loss.push_back(value);
    out.scale.push_back(mag);
  }
  return out;
}

PerSample oracleSoftmax(std::vector<double> const& x, std::int64_t d, std::vector<int> const& y,
                        std::vector<std::int64_t> const& idx, std::vector<double> const& w,
                        std::int64_t k_classes) {
  PerSample out;
  for (std::int64_t const r : idx) {
    std::vector<double> z(k_classes);
    double mag = 0.0;
    for (std::int64_t k = 0; k < k_classes; ++k) {
      z[k] = w[k * (d + 1) + d];
      for (std::int64_t j = 0; j < d; ++j) {
        z[k] += w[k * (d + 1) + j] * x[r * d + j];
        mag = std::max(mag, std::fabs(w[k * (d + 1) + j] * x[r * d + j]) * d);
      }
    }
    double const mx = *std::max_element(z.begin(), z.end());
    double s = 0.0;
    for (double v : z)
      s += std::exp(v - mx);
    std::vector<double> g(k_classes * (d + 1));
    for (std::int64_t k = 0; k < k_classes; ++k) {
      double const res = std::exp(z[k] - mx) / s - (k == y[r] ? 1.0 : 0.0);
      for (std::int64_t j = 0; j <= d; ++j)
        g[k * (d + 1) + j] = res * (j < d ? x[r * d + j] : 1.0); // formed
    }
    out.grad.push_back(g);
    out.loss.push_back(std::log(s) + mx - z[y[r]]);
    out.scale.push_back(mag);
  }
  return out;
}

namespace {
double act(int f, double z) {
  return f == 1 ? std::max(z, 0.0) : (f == 2 ? std::tanh(z) : z);
}
double slope(int f, double a) {
  return f == 1 ? (a > 0.0 ? 1.0 : 0.0) : (f == 2 ? 1.0 - a * a : 1.0);
}
} // namespace

namespace {
// Forward pass of one sample: a[l] for l = 0..L (a[L] the logits); min |z| of hidden units.
std::vector<std::vector<double>> mlpForward(std::vector<std::int64_t> const& widths,
                                            std::vector<std::int64_t> const& off, int activation,
                                            std::vector<double> const& params,
                                            std::vector<double> const& x, std::int64_t r,
                                            double& min_pre) {
  std::size_t const layers = widths.size() - 1;
  std::vector<std::vector<double>> a(layers + 1);
  a[0].assign(x.begin() + r * widths[0], x.begin() + (r + 1) * widths[0]);
  for (std::size_t l = 0; l < layers; ++l) {
    std::int64_t const n_in = widths[l], n_out = widths[l + 1];
    a[l + 1].assign(n_out, 0.0);
    for (std::int64_t o = 0; o < n_out; ++o) {
      double z = params[off[l] + n_in * n_out + o];
      for (std::int64_t i = 0; i < n_in; ++i)
        z += a[l][i] * params[off[l] + i * n_out + o];
      if (l + 1 < layers)
        min_pre = std::min(min_pre, std::fabs(z));
      a[l + 1][o] = l + 1 < layers ? act(activation, z) : z;
    }
  }
  return a;
}
} // namespace

PerSample oracleMlp(std::vector<std::int64_t> const& widths, int activation,
                    std::vector<double> const& params, std::vector<double> const& x,
                    std::vector<int> const& y, std::vector<std::int64_t> const& idx,
                    double* min_abs_preactivation) {
  std::size_t const layers = widths.size() - 1;
  std::vector<std::int64_t> off(layers);
  std::int64_t p = 0;
  for (std::size_t l = 0; l < layers; ++l) {
    off[l] = p;
    p += (widths[l] + 1) * widths[l + 1];
  }
  double min_pre = std::numeric_limits<double>::infinity();
  PerSample out;
  for (std::int64_t const r : idx) {
    auto const a = mlpForward(widths, off, activation, params, x, r, min_pre);
    std::vector<double> delta = a[layers]; // softmax cross-entropy
    double const mx = *std::max_element(delta.begin(), delta.end());
    double s = 0.0;
    for (double v : delta)
      s += std::exp(v - mx);
    out.loss.push_back(std::log(s) + mx - a[layers][y[r]]);
    for (std::size_t o = 0; o < delta.size(); ++o)
      delta[o] = std::exp(a[layers][o] - mx) / s - (static_cast<int>(o) == y[r] ? 1.0 : 0.0);
    std::vector<double> g(p, 0.0);
    double mag = 0.0;
    for (std::size_t l = layers; l-- > 0;) { // backward: form a_l delta^T, then push delta down
      std::int64_t const n_in = widths[l], n_out = widths[l + 1];
      for (std::int64_t i = 0; i < n_in; ++i)
        for (std::int64_t o = 0; o < n_out; ++o)
          g[off[l] + i * n_out + o] = a[l][i] * delta[o];
      for (std::int64_t o = 0; o < n_out; ++o)
        g[off[l] + n_in * n_out + o] = delta[o];
      std::vector<double> below(n_in, 0.0);
      for (std::int64_t i = 0; i < n_in; ++i) {
        for (std::int64_t o = 0; o < n_out; ++o)
          below[i] += delta[o] * params[off[l] + i * n_out + o];
        mag = std::max(mag, std::fabs(a[l][i]));
        below[i] *= slope(activation, a[l][i]);
      }
      delta = below;
    }
    out.grad.push_back(g);
    out.scale.push_back(mag);
  }
  if (min_abs_preactivation)
    *min_abs_preactivation = min_pre;
  return out;
}

} // namespace saddle::test
