#pragma once
/// Poisson sampling per silo and round: record r of silo s is in round t's batch iff
/// uniform(seed, Sample, s, t; row_id(r)) < q. No state: the batch of any (silo, round) can be
/// drawn again on any rank, which makes restarts and rank-count changes exact.
#include "kernels/sample.hpp"
#include "kernels/types.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>

namespace saddle::data {

class PoissonSampler {
public:
  PoissonSampler(double rate, std::uint64_t seed) : _rate(rate), _seed(seed) {}

  /// Fill batch.idx/batch.size with silo `k` (local index into data.silo_ids) of round `round`.
  /// Fences `space` (the batch size sizes the launches that follow).
  void draw(ExecSpace const& space, SiloData const& data, std::size_t k, std::int64_t round,
            BatchScratch& batch) const {
    rng::Key const key{_seed, rng::Purpose::Sample, static_cast<std::uint64_t>(data.silo_ids[k]),
                       static_cast<std::uint64_t>(round)};
    batch.size = kernels::poissonSample(space, data.row_id, data.silo_offset[k],
                                        data.silo_offset[k + 1], _rate, key, batch.idx);
  }

  double rate() const { return _rate; }

private:
  double _rate;
  std::uint64_t _seed;
};

} // namespace saddle::data
