#include "saddle/problems/fermi.hpp"

#include "kernels/compat.hpp"
#include "kernels/fermi.hpp"
#include "saddle/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace saddle {

namespace {
/// One stratum's statistics, clamped: n_g >= 1 marks a present group; S_gc in [0, n_g].
struct Stratum {
  std::vector<double> n; ///< [k] counts (0 for absent groups)
  std::vector<double> s; ///< [k][m] soft sums
  std::vector<double> t; ///< [m] T_c = sum_g S_gc
  double total = 0.0;    ///< N_r
};

Stratum stratumOf(std::vector<double> const& stats, FermiShape const& shape, std::int64_t r) {
  std::int64_t const k = shape.n_groups, m = shape.n_classes;
  Stratum st{std::vector<double>(k, 0.0), std::vector<double>(k * m, 0.0),
             std::vector<double>(m, 0.0), 0.0};
  for (std::int64_t g = 0; g < k; ++g) {
    std::int64_t const base = (r * k + g) * (m + 1);
    if (stats[base] < 1.0)
      continue;
    st.n[g] = stats[base];
    st.total += st.n[g];
    for (std::int64_t c = 0; c < m; ++c) {
      st.s[g * m + c] = std::clamp(stats[base + 1 + c], 0.0, st.n[g]);
      st.t[c] += st.s[g * m + c];
    }
  }
  return st;
}

double totalCount(std::vector<double> const& stats, FermiShape const& shape) {
  double n = 0.0;
  for (std::int64_t r = 0; r < shape.n_strata; ++r)
    n += stratumOf(stats, shape, r).total;
  return n;
}
} // namespace

void fermiBestResponse(std::vector<double> const& stats, FermiShape const& shape,
                       std::vector<double>& w, std::vector<double>& inv_sqrt_ps) {
  std::int64_t const k = shape.n_groups, m = shape.n_classes;
  for (std::int64_t r = 0; r < shape.n_strata; ++r) {
    Stratum const st = stratumOf(stats, shape, r);
    if (st.total < 1.0)
      continue; // no rows of this label in the round: keep W_r
    for (std::int64_t g = 0; g < k; ++g) {
      std::int64_t const cell = r * k + g;
      if (st.n[g] > 0.0)
        inv_sqrt_ps[cell] = std::sqrt(st.total / st.n[g]);
      // W*(g, c) = P(c, g) / (P(c) sqrt(P(g))) = S_gc / (T_c sqrt(n_g / N_r))
      for (std::int64_t c = 0; c < m; ++c)
        w[cell * m + c] =
            st.n[g] > 0.0 && st.t[c] > 0.0 ? st.s[g * m + c] * inv_sqrt_ps[cell] / st.t[c] : 0.0;
    }
  }
}

void fermiAscentStep(std::vector<double> const& stats, FermiShape const& shape, double lr,
                     double radius, std::vector<double>& w, std::vector<double>& inv_sqrt_ps) {
  std::int64_t const k = shape.n_groups, m = shape.n_classes;
  for (std::int64_t r = 0; r < shape.n_strata; ++r) {
    Stratum const st = stratumOf(stats, shape, r);
    if (st.total < 1.0)
      continue;
    double norm_sq = 0.0;
    for (std::int64_t g = 0; g < k; ++g) {
      std::int64_t const cell = r * k + g;
      if (st.n[g] > 0.0)
        inv_sqrt_ps[cell] = std::sqrt(st.total / st.n[g]);
      for (std::int64_t c = 0; c < m; ++c) {
        double& wc = w[cell * m + c];
        // dpsi/dW(g, c) = -2 W(g, c) P(c) + 2 P(c, g) / sqrt(P(g))
        if (st.n[g] > 0.0)
          wc += lr * (-2.0 * wc * st.t[c] + 2.0 * st.s[g * m + c] * inv_sqrt_ps[cell]) / st.total;
        norm_sq += wc * wc;
      }
    }
    // projection onto the Frobenius ball ||W_r||_F <= radius
    double const norm = std::sqrt(norm_sq);
    if (norm > radius)
      for (std::int64_t j = r * k * m; j < (r + 1) * k * m; ++j)
        w[j] *= radius / norm;
  }
}

double fermiPsi(std::vector<double> const& stats, FermiShape const& shape,
                std::vector<double> const& w) {
  std::int64_t const k = shape.n_groups, m = shape.n_classes;
  double const n = totalCount(stats, shape);
  double psi = 0.0;
  for (std::int64_t r = 0; r < shape.n_strata && n > 0.0; ++r) {
    Stratum const st = stratumOf(stats, shape, r);
    if (st.total < 1.0)
      continue;
    double value = -1.0;
    for (std::int64_t g = 0; g < k; ++g)
      for (std::int64_t c = 0; c < m; ++c) {
        double const wc = w[(r * k + g) * m + c];
        // -W^2 P(c) + 2 W P(c, g) / sqrt(P(g))
        value -= wc * wc * st.t[c] / st.total;
        if (st.n[g] > 0.0)
          value += 2.0 * wc * st.s[g * m + c] / std::sqrt(st.n[g] * st.total);
      }
    psi += st.total / n * value;
  }
  return psi;
}

double fermiErmi(std::vector<double> const& stats, FermiShape const& shape) {
  std::int64_t const k = shape.n_groups, m = shape.n_classes;
  double const n = totalCount(stats, shape);
  double ermi = 0.0;
  for (std::int64_t r = 0; r < shape.n_strata && n > 0.0; ++r) {
    Stratum const st = stratumOf(stats, shape, r);
    if (st.total < 1.0)
      continue;
    double value = -1.0;
    // P(c, g)^2 / (P(c) P(g)) = S_gc^2 / (T_c n_g)
    for (std::int64_t g = 0; g < k; ++g)
      for (std::int64_t c = 0; c < m; ++c)
        if (st.n[g] > 0.0 && st.t[c] > 0.0)
          value += st.s[g * m + c] * st.s[g * m + c] / (st.t[c] * st.n[g]);
    ermi += st.total / n * value;
  }
  return ermi;
}

Fermi::Fermi(FermiConfig const& cfg)
    : _shape{cfg.conditioned ? 2 : 1, cfg.n_groups, 2}, _cfg(cfg),
      _w(static_cast<std::size_t>(std::max<std::int64_t>(_shape.cells(), 0) * 2), 0.0),
      _inv_sqrt_ps(static_cast<std::size_t>(std::max<std::int64_t>(_shape.cells(), 0)), 0.0),
      _w_dev("saddle::Fermi::w", std::max<std::int64_t>(_shape.cells(), 0), 2),
      _colsq("saddle::Fermi::colsq", _shape.n_strata, 2),
      _inv_sqrt_ps_dev("saddle::Fermi::inv_sqrt_ps", std::max<std::int64_t>(_shape.cells(), 0)),
      _fixed("saddle::Fermi::fixed", std::max<std::int64_t>(_shape.statsSize(), 0)) {
  SADDLE_REQUIRE(cfg.n_groups >= 1, "saddle::Fermi: needs at least one group");
  SADDLE_REQUIRE(cfg.lambda >= 0.0 && cfg.w_lr > 0.0 && cfg.w_radius > 0.0,
                 "saddle::Fermi: needs lambda >= 0, w_lr > 0 and w_radius > 0");
}

double Fermi::statsSensitivity() const {
  return std::sqrt(2.0);
}

void Fermi::upload() {
  auto w = Kokkos::create_mirror_view(_w_dev);
  auto inv = Kokkos::create_mirror_view(_inv_sqrt_ps_dev);
  for (std::int64_t c = 0; c < _shape.cells(); ++c) {
    inv(c) = _inv_sqrt_ps[c];
    for (std::int64_t j = 0; j < 2; ++j)
      w(c, j) = _w[c * 2 + j];
  }
  Kokkos::deep_copy(_w_dev, w);
  Kokkos::deep_copy(_inv_sqrt_ps_dev, inv);
  // colsq(r, c) = sum_g W_r(g, c)^2
  kernels::fermiColumnSquares(ExecSpace(), _w_dev, static_cast<int>(_shape.n_groups), _colsq);
  compat::fence(ExecSpace(), "saddle::Fermi::upload");
}

void Fermi::setW(std::vector<double> const& w, std::vector<double> const& inv_sqrt_ps) {
  SADDLE_REQUIRE(static_cast<std::int64_t>(w.size()) == _shape.cells() * 2 &&
                     static_cast<std::int64_t>(inv_sqrt_ps.size()) == _shape.cells(),
                 "saddle::Fermi::setW: W must be [cells][2] and inv_sqrt_ps [cells]");
  _w = w;
  _inv_sqrt_ps = inv_sqrt_ps;
  upload();
}

void Fermi::addProxyDerivative(ExecSpace const& space, data::SiloData const& data,
                               BatchScratch& batch, Vector<double> const& /*lambda*/) {
  if (_cfg.lambda == 0.0)
    return;
  // coef_i += lambda sigmoid'(z_i) (d_i1 - d_i0),  d_ic = -sum_g W(g, c)^2 + 2 W(s_i, c) /
  // sqrt(P(s_i))
  kernels::addFermiBinaryDerivative(
      space, data.group, data.y, batch.idx, batch.size, batch.z, _w_dev, _colsq, _inv_sqrt_ps_dev,
      static_cast<int>(_shape.n_groups), _cfg.conditioned, _cfg.lambda, batch.coef);
}

void Fermi::accumulateStats(ExecSpace const& space, data::SiloData const& data,
                            BatchScratch const& batch, Vector<double> const& stats,
                            std::int64_t offset) const {
  kernels::fermiBinaryStats(space, data.group, data.y, batch.idx, batch.size, batch.z,
                            static_cast<int>(_shape.n_groups), _cfg.conditioned, _fixed, stats,
                            offset);
}

void Fermi::update(ExecSpace const& space, std::vector<double> const& stats,
                   std::int64_t /*round*/) {
  // the round's estimates, at the W its primal step used
  _psi = fermiPsi(stats, _shape, _w);
  _ermi = fermiErmi(stats, _shape);
  if (_cfg.best_response)
    fermiBestResponse(stats, _shape, _w, _inv_sqrt_ps); // W* = P_s^-1/2 P_yhat,s^T P_yhat^-1
  else
    fermiAscentStep(stats, _shape, _cfg.w_lr, _cfg.w_radius, _w, _inv_sqrt_ps);
  compat::fence(space, "saddle::Fermi::update: W in use by the last round");
  upload();
}

std::vector<std::pair<std::string, double>> Fermi::roundMetrics() const {
  double norm_sq = 0.0;
  for (double v : _w)
    norm_sq += v * v;
  return {{"fermi_ermi", _ermi}, {"fermi_psi", _psi}, {"fermi_w_norm", std::sqrt(norm_sq)}};
}

void Fermi::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "fermi_w", _w);
  state.putArray(prefix + "fermi_inv_sqrt_ps", _inv_sqrt_ps);
  state.putArray(prefix + "fermi_metrics", {_ermi, _psi});
}

void Fermi::loadState(State const& state, std::string const& prefix) {
  _w = state.array(prefix + "fermi_w", _shape.cells() * 2);
  _inv_sqrt_ps = state.array(prefix + "fermi_inv_sqrt_ps", _shape.cells());
  auto const& metrics = state.array(prefix + "fermi_metrics", 2);
  _ermi = metrics[0];
  _psi = metrics[1];
  upload();
}

} // namespace saddle
