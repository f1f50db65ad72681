#include "saddle/privacy/privatizer.hpp"

#include "kernels/clip.hpp"
#include "kernels/noise.hpp"
#include "saddle/core/log.hpp"
#include "saddle/privacy/secure_gaussian.hpp"

#include <cmath>
#include <limits>

namespace saddle {

namespace {
/// 1 / m^2 for a noise multiplier m (0 for m = inf: a part released without information).
double inverseSquare(double m) {
  return std::isinf(m) ? 0.0 : 1.0 / (m * m);
}
} // namespace

Privatizer::Privatizer(PrivacyConfig const& cfg, std::uint64_t seed)
    : _cfg(cfg), _seed(seed), _clip(cfg.clip_norm) {}

double Privatizer::gradientNoiseStd() const {
  return _cfg.noise_multiplier == 0.0 ? 0.0 : _cfg.noise_multiplier * _clip;
}

ClippedWeights Privatizer::clip(ExecSpace const& space, data::SiloData const& data,
                                BatchScratch& batch, Vector<double> const& msg,
                                MessageLayout const& layout) const {
  if (!_cfg.enabled)
    return {batch.coef, batch.coef};
  if (adaptive()) // msg.privacy += #{i : ||g_i|| <= C}
    kernels::countUnclipped(space, batch.coef, data.row_norm, batch.idx, batch.size, _clip, msg,
                            layout.privacy_offset);
  if (_cfg.clipping == "per_layer") {
    // w_i = coef_i min(1, (C/sqrt 2) / (|coef_i| ||x_i||)),  w_bias_i = coef_i min(1, (C/sqrt 2) /
    // |coef_i|)
    kernels::clipRankOneWeightsPerLayer(space, batch.coef, data.row_norm, batch.idx, batch.size,
                                        _clip / std::sqrt(2.0), batch.weight, batch.weight_bias);
    return {batch.weight, batch.weight_bias};
  }
  // w_i = coef_i min(1, C / (|coef_i| ||[x_i, 1]||))
  kernels::clipRankOneWeights(space, batch.coef, data.row_norm, batch.idx, batch.size, _clip,
                              batch.weight);
  return {batch.weight, batch.weight};
}

void Privatizer::addNoise(ExecSpace const& space, Vector<double> const& msg,
                          MessageLayout const& layout, std::int64_t silo,
                          std::int64_t round) const {
  if (!_cfg.enabled || _cfg.noise_multiplier == 0.0)
    return; // sigma = 0 is a non-private run: no part of the message is noised

  if (_cfg.secure) {
    addSecureNoise(space, msg, layout);
    return;
  }
  auto const s = static_cast<std::uint64_t>(silo);
  auto const t = static_cast<std::uint64_t>(round);
  // msg.grad += N(0, (sigma C)^2 I)
  kernels::addGaussianNoise(space, msg, layout.grad_offset, layout.n_grad, gradientNoiseStd(),
                            rng::Key{_seed, rng::Purpose::GradNoise, s, t});
  // msg.stats += N(0, (sigma_s Delta_s)^2 I) ;  msg.privacy += N(0, adaptive_noise^2)
  if (layout.n_stats > 0)
    kernels::addGaussianNoise(space, msg, layout.stats_offset, layout.n_stats,
                              _cfg.stats_noise_multiplier * layout.stats_sensitivity,
                              rng::Key{_seed, rng::Purpose::StatsNoise, s, t});
  if (layout.n_privacy > 0)
    kernels::addGaussianNoise(space, msg, layout.privacy_offset, layout.n_privacy,
                              _cfg.adaptive_noise, rng::Key{_seed, rng::Purpose::StatsNoise, s, t},
                              static_cast<std::uint64_t>(layout.n_stats));
}

void Privatizer::addSecureNoise(ExecSpace const& space, Vector<double> const& msg,
                                MessageLayout const& layout) const {
  // the same three parts and standard deviations, drawn as discrete Gaussians on a fine grid
  // from a CSPRNG (secure_gaussian.hpp); host staging of the message
  auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace{}, msg);
  auto noise = [&host](std::int64_t offset, std::int64_t n, double stddev) {
    if (n > 0 && stddev > 0)
      SecureGaussian(stddev).addNoise(host.data() + offset, static_cast<std::size_t>(n));
  };
  noise(layout.grad_offset, layout.n_grad, gradientNoiseStd());
  noise(layout.stats_offset, layout.n_stats,
        _cfg.stats_noise_multiplier * layout.stats_sensitivity);
  noise(layout.privacy_offset, layout.n_privacy, _cfg.adaptive_noise);
  Kokkos::deep_copy(space, msg, host);
}

void Privatizer::update(Federation::HostBuffer const& agg, MessageLayout const& layout,
                        double expected_records) {
  if (!adaptive() || expected_records <= 0)
    return;
  // C <- C exp(-eta_C (b~ - gamma)),  b~ = noisy unclipped count / expected batch
  double const share = agg(layout.privacy_offset) / expected_records;
  _clip *= std::exp(-_cfg.adaptive_lr * (share - _cfg.adaptive_quantile));
}

double Privatizer::accountedNoiseMultiplier(MessageLayout const& layout) const {
  if (!_cfg.enabled || _cfg.noise_multiplier == 0.0)
    return 0.0; // a noise-free gradient: no privacy
  double inv = inverseSquare(_cfg.noise_multiplier);
  if (layout.n_stats > 0)
    inv += inverseSquare(_cfg.stats_noise_multiplier);
  if (layout.n_privacy > 0)
    inv += inverseSquare(_cfg.adaptive_noise);
  double const joint = 1.0 / std::sqrt(inv);
  return _cfg.neighbouring == "replace_one" ? joint / 2.0 : joint;
}

std::string Privatizer::describe(MessageLayout const& layout) const {
  if (!_cfg.enabled)
    return "privacy: disabled (no clipping, no noise)";
  std::string text = log::format(
      "privacy: inter-silo record-level DP, %s neighbours, %s clipping C = %g, Gaussian noise "
      "sigma = %g on the gradient",
      _cfg.neighbouring.c_str(), _cfg.clipping.c_str(), _clip, _cfg.noise_multiplier);
  if (layout.n_stats > 0)
    text += log::format(", sigma_s = %g on the constraint counts", _cfg.stats_noise_multiplier);
  if (layout.n_privacy > 0)
    text += log::format(", std %g on the unclipped count (target quantile %g)", _cfg.adaptive_noise,
                        _cfg.adaptive_quantile);
  text += log::format("; accounted as one Gaussian mechanism of multiplier %.4g per release",
                      accountedNoiseMultiplier(layout));
  if (_cfg.secure)
    text += "; secure mode: CSPRNG and discrete Gaussian noise, NOT reproducible";
  return text;
}

void Privatizer::saveState(State& state, std::string const& prefix) const {
  state.putArray(prefix + "clip_norm", {_clip});
}

void Privatizer::loadState(State const& state, std::string const& prefix) {
  _clip = state.array(prefix + "clip_norm", 1)[0];
}

} // namespace saddle
