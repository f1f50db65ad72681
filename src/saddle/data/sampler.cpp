#include "saddle/data/sampler.hpp"

#include "kernels/rng.hpp"
#include "kernels/sample.hpp"
#include "saddle/core/log.hpp"

#include <algorithm>
#include <cmath>

namespace saddle::data {

double Sampler::expectedRecordsOf(DataInfo const& info,
                                  std::vector<std::int64_t> const& silos) const {
  std::int64_t rows = 0; // an exact integer sum: q * n_train when every silo is listed
  for (auto const s : silos)
    rows += info.train_silo_counts[static_cast<std::size_t>(s)];
  return accountedRate() * static_cast<double>(rows);
}

void PoissonSampler::draw(ExecSpace const& space, SiloData const& data, std::size_t k,
                          std::int64_t round, BatchScratch& batch) {
  rng::Key const key{_seed, rng::Purpose::Sample, static_cast<std::uint64_t>(data.silo_ids[k]),
                     static_cast<std::uint64_t>(round)};
  batch.size = kernels::poissonSample(space, data.row_id, data.silo_offset[k],
                                      data.silo_offset[k + 1], _rate, key, batch.idx);
}

std::string PoissonSampler::describe() const {
  return log::format("Poisson sampling q = %g per silo", _rate);
}

std::int64_t ShuffleSampler::batchSize(std::int64_t n_s) const {
  auto const b = static_cast<std::int64_t>(std::llround(_rate * static_cast<double>(n_s)));
  return std::clamp<std::int64_t>(b, 1, std::max<std::int64_t>(n_s, 1));
}

std::int64_t ShuffleSampler::batchesPerEpoch(std::int64_t n_s) const {
  return n_s > 0 ? n_s / batchSize(n_s) : 1;
}

double ShuffleSampler::expectedRecords(DataInfo const& info) const {
  double total = 0.0;
  for (auto const n_s : info.train_silo_counts)
    total += n_s > 0 ? static_cast<double>(batchSize(n_s)) : 0.0;
  return total;
}

double ShuffleSampler::expectedRecordsOf(DataInfo const& info,
                                         std::vector<std::int64_t> const& silos) const {
  double total = 0.0;
  for (auto const s : silos) {
    auto const n_s = info.train_silo_counts[static_cast<std::size_t>(s)];
    total += n_s > 0 ? static_cast<double>(batchSize(n_s)) : 0.0;
  }
  return total;
}

std::int64_t ShuffleSampler::participations(std::int64_t n_s, std::int64_t rounds) const {
  std::int64_t const per_epoch = batchesPerEpoch(n_s);
  return (rounds + per_epoch - 1) / per_epoch; // one batch per epoch holds a given record
}

void ShuffleSampler::draw(ExecSpace const& space, SiloData const& data, std::size_t k,
                          std::int64_t round, BatchScratch& batch) {
  std::int64_t const silo = data.silo_ids[k];
  std::int64_t const begin = data.silo_offset[k], n_s = data.silo_offset[k + 1] - begin;
  batch.size = 0;
  if (n_s == 0)
    return;
  std::int64_t const b = batchSize(n_s), per_epoch = batchesPerEpoch(n_s);
  std::int64_t const epoch = round / per_epoch, slot = round % per_epoch;
  auto& cache = _orders[silo];
  if (cache.epoch != epoch) { // permute the silo's rows by a key of (seed, silo, epoch, row id)
    auto const ids = Kokkos::create_mirror_view_and_copy(
        Kokkos::HostSpace{}, Kokkos::subview(data.row_id, std::make_pair(begin, begin + n_s)));
    rng::Key const key{_seed, rng::Purpose::Sample, static_cast<std::uint64_t>(silo),
                       static_cast<std::uint64_t>(epoch)};
    std::vector<std::pair<std::uint64_t, std::int64_t>> keyed(n_s);
    for (std::int64_t i = 0; i < n_s; ++i)
      keyed[i] = {rng::bits(key, static_cast<std::uint64_t>(ids(i)), 1)[0], i};
    std::sort(keyed.begin(), keyed.end());
    cache.order.resize(n_s);
    for (std::int64_t i = 0; i < n_s; ++i)
      cache.order[i] = begin + keyed[i].second;
    cache.epoch = epoch;
  }
  // batch = positions [slot b, (slot + 1) b) of the epoch's order, ascending (deterministic sums)
  std::vector<std::int64_t> pick(cache.order.begin() + slot * b,
                                 cache.order.begin() + (slot + 1) * b);
  std::sort(pick.begin(), pick.end());
  auto host = Kokkos::create_mirror_view(batch.idx);
  for (std::int64_t i = 0; i < b; ++i)
    host(i) = pick[i];
  Kokkos::deep_copy(space, Kokkos::subview(batch.idx, std::make_pair<std::int64_t>(0, b)),
                    Kokkos::subview(host, std::make_pair<std::int64_t>(0, b)));
  compat::fence(space, "saddle::ShuffleSampler::draw: host batch copied");
  batch.size = b;
}

std::string ShuffleSampler::describe() const {
  return log::format("shuffled epochs of fixed-size batches (batch = %g of each silo)", _rate);
}

std::unique_ptr<Sampler> makeSampler(PrivacyConfig const& cfg, std::uint64_t seed) {
  if (cfg.sampling == "shuffle")
    return std::make_unique<ShuffleSampler>(cfg.sampling_rate, seed);
  return std::make_unique<PoissonSampler>(cfg.sampling_rate, seed);
}

} // namespace saddle::data
