#pragma once
/// Inter-silo record-level DP of a silo's message: each record's gradient (of its loss plus
/// its share of the Lagrangian proxy terms) is clipped to norm C before anything is summed,
/// and Gaussian noise is added to the silo's sums before they leave the silo:
///   gradient part: N(0, (sigma C)^2 I)     (add/remove-one sensitivity C)
///   statistics part (group counts and positive counts): N(0, (sigma sqrt(2))^2 I)
///   (a record moves its group's count by 1 and its positive count by at most 1).
/// sigma = 0 adds exact zeros. Accounting of the composed releases is done elsewhere.
#include "kernels/types.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>
#include <string>

namespace saddle {

class Privatizer {
public:
  Privatizer(PrivacyConfig const& cfg, std::uint64_t seed);

  /// Weights whose weighted row sum is the silo's (clipped) gradient sum: batch.weight with
  /// per-record clipping when enabled, batch.coef itself when not. Needs data.row_norm
  /// = ||[x_i, 1]||: the per-record gradient of a GLM is coef_i [x_i, 1]. Async.
  Vector<double> const& clippedWeights(ExecSpace const& space, data::SiloData const& data,
                                       BatchScratch& batch) const;

  /// Add the noise of silo `silo` at round `round` to message[grad_offset, +n_grad) and
  /// message[stats_offset, +n_stats). Nothing when disabled. Async.
  void addNoise(ExecSpace const& space, Vector<double> const& message, std::int64_t grad_offset,
                std::int64_t n_grad, std::int64_t stats_offset, std::int64_t n_stats,
                std::int64_t silo, std::int64_t round) const;

  bool enabled() const { return _cfg.enabled; }
  /// sigma C (0 when sigma = 0, also for C = inf, where sigma C would be NaN).
  double gradientNoiseStd() const;
  double statsNoiseStd() const;
  /// One line for the start-up log: mechanism, neighbouring relation, sigma, C, q.
  std::string describe() const;

private:
  PrivacyConfig _cfg;
  std::uint64_t _seed;
};

} // namespace saddle
