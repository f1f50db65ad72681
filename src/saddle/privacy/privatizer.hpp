#pragma once
/// Inter-silo record-level DP of a silo's message. Each record's gradient (of its loss plus its
/// share of the Lagrangian proxy terms) is clipped before anything is summed, and Gaussian
/// noise is added to the silo's sums before they leave the silo. With the add/remove
/// sensitivity Delta of each part of the message, the noise std of each part is
///   gradient (clip norm C):                 sigma   * C
///   constraint statistics (problem's Delta): sigma_s * Delta_s
///   adaptive clipping's unclipped count (1): adaptive_noise
/// The whole message is one Gaussian mechanism whose noise multiplier is
///   sigma_eff = (sigma^-2 + sigma_s^-2 + (adaptive_noise)^-2)^(-1/2)
/// (rescale each part to unit noise; the rescaled sensitivities add in squares). Under
/// replace-one neighbours every sensitivity doubles, so the accounted multiplier is
/// sigma_eff / 2. Clipping modes: flat (one norm C); per_layer (weights and bias each to
/// C / sqrt(2): the same total bound C); adaptive (C follows a target quantile of the norms,
/// Andrew et al. 2019, from the privatized count of unclipped records).
#include "kernels/types.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/federated/federation.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>
#include <string>

namespace saddle {

/// Where the parts of a silo message sit in the federation buffer.
struct MessageLayout {
  std::int64_t grad_offset = 0, n_grad = 0;
  std::int64_t stats_offset = 0, n_stats = 0;     ///< the problem's statistics
  std::int64_t privacy_offset = 0, n_privacy = 0; ///< the privacy layer's own (adaptive count)
  double stats_sensitivity = 0.0;                 ///< add/remove L2 sensitivity of the stats
  std::int64_t control_offset = 0;                ///< 1 slot: a rank asks all to stop (signal)
  std::int64_t size() const { return n_grad + n_stats + n_privacy + 1; }
};

class Privatizer : public Stateful {
public:
  Privatizer(PrivacyConfig const& cfg, std::uint64_t seed);

  /// Message slots the privacy layer adds (1 for adaptive clipping, else 0).
  std::int64_t ownStatsSize() const { return adaptive() ? 1 : 0; }

  /// Clip the batch's per-record gradients coef_i [x_i, 1] (norm |coef_i| ||[x_i, 1]||, no
  /// per-record gradient formed) and return the weights whose row sum is the clipped sum.
  /// Adaptive clipping also adds the batch's unclipped count to msg[layout.privacy_offset].
  /// Disabled privacy returns batch.coef unchanged. Async on `space`.
  ClippedWeights clip(ExecSpace const& space, data::SiloData const& data, BatchScratch& batch,
                      Vector<double> const& msg, MessageLayout const& layout) const;

  /// Add silo `silo`'s round-`round` noise to every part of its message. Async.
  void addNoise(ExecSpace const& space, Vector<double> const& msg, MessageLayout const& layout,
                std::int64_t silo, std::int64_t round) const;

  /// After aggregation: adaptive clipping moves C toward the target quantile,
  ///   C <- C exp(-lr (unclipped / expected_records - quantile)).
  void update(Federation::HostBuffer const& agg, MessageLayout const& layout,
              double expected_records);

  /// Noise multiplier of one silo message as a single Gaussian mechanism, under the deck's
  /// neighbouring relation (see the file comment). +inf when nothing is released noisily.
  double accountedNoiseMultiplier(MessageLayout const& layout) const;

  bool enabled() const { return _cfg.enabled; }
  bool adaptive() const { return _cfg.enabled && _cfg.clipping == "adaptive"; }
  double clipNorm() const { return _clip; }
  /// sigma C (0 when sigma = 0, also for C = inf, where sigma C would be NaN).
  double gradientNoiseStd() const;
  /// Set sigma (calibration to a target epsilon). Only before the first round.
  void setNoiseMultiplier(double sigma) { _cfg.noise_multiplier = sigma; }
  /// Multiply every noise multiplier (gradient, constraint counts, adaptive clipping's count)
  /// by `factor` > 0: privacy.calibrate = "all" keeps the deck's ratios.
  void scaleNoise(double factor) {
    _cfg.noise_multiplier *= factor;
    _cfg.stats_noise_multiplier *= factor;
    _cfg.adaptive_noise *= factor;
  }
  PrivacyConfig const& config() const { return _cfg; }
  /// One line for the start-up log: mechanism, neighbouring relation, sigma, C, clipping.
  std::string describe(MessageLayout const& layout) const;

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  /// Secure mode: discrete Gaussian noise from a CSPRNG on every part (host staging).
  void addSecureNoise(ExecSpace const& space, Vector<double> const& msg,
                      MessageLayout const& layout) const;

  PrivacyConfig _cfg;
  std::uint64_t _seed;
  double _clip; ///< current clip norm (moves under adaptive clipping)
};

} // namespace saddle
