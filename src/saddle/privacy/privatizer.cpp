#include "saddle/privacy/privatizer.hpp"

#include "kernels/clip.hpp"
#include "kernels/noise.hpp"
#include "saddle/core/log.hpp"

#include <cmath>

namespace saddle {

Privatizer::Privatizer(PrivacyConfig const& cfg, std::uint64_t seed) : _cfg(cfg), _seed(seed) {}

double Privatizer::gradientNoiseStd() const {
  return _cfg.noise_multiplier == 0.0 ? 0.0 : _cfg.noise_multiplier * _cfg.clip_norm;
}

double Privatizer::statsNoiseStd() const {
  return _cfg.noise_multiplier * std::sqrt(2.0);
}

Vector<double> const& Privatizer::clippedWeights(ExecSpace const& space, data::SiloData const& data,
                                                 BatchScratch& batch) const {
  if (!_cfg.enabled)
    return batch.coef;
  // w_i = coef_i min(1, C / (|coef_i| ||[x_i, 1]||))
  kernels::clipRankOneWeights(space, batch.coef, data.row_norm, batch.idx, batch.size,
                              _cfg.clip_norm, batch.weight);
  return batch.weight;
}

void Privatizer::addNoise(ExecSpace const& space, Vector<double> const& message,
                          std::int64_t grad_offset, std::int64_t n_grad, std::int64_t stats_offset,
                          std::int64_t n_stats, std::int64_t silo, std::int64_t round) const {
  if (!_cfg.enabled)
    return;
  auto const s = static_cast<std::uint64_t>(silo);
  auto const t = static_cast<std::uint64_t>(round);
  // message_grad += N(0, (sigma C)^2 I)
  kernels::addGaussianNoise(space, message, grad_offset, n_grad, gradientNoiseStd(),
                            rng::Key{_seed, rng::Purpose::GradNoise, s, t});
  // message_stats += N(0, 2 sigma^2 I)
  if (n_stats > 0)
    kernels::addGaussianNoise(space, message, stats_offset, n_stats, statsNoiseStd(),
                              rng::Key{_seed, rng::Purpose::StatsNoise, s, t});
}

std::string Privatizer::describe() const {
  if (!_cfg.enabled)
    return "privacy: disabled (no clipping, no noise; Poisson sampling q = " +
           log::format("%g", _cfg.sampling_rate) + ")";
  return log::format("privacy: inter-silo record-level DP, add/remove-one neighbours, Poisson "
                     "sampling q = %g per silo, per-record clipping C = %g, Gaussian noise "
                     "sigma = %g (gradient std %g, statistics std %g)",
                     _cfg.sampling_rate, _cfg.clip_norm, _cfg.noise_multiplier, gradientNoiseStd(),
                     statsNoiseStd());
}

} // namespace saddle
