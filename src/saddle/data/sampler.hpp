#pragma once
/// Which records of a silo enter a round's batch. Every draw is a pure function of
/// (seed, silo, round) through the counter-based generator, so a restart or another rank count
/// draws the same batches.
///  - Poisson: record r is in the batch iff uniform(seed, Sample, s, t; row_id(r)) < q
///    (add/remove neighbours; the batch size varies, its expectation is q n_s).
///  - Shuffle: each epoch the silo's records are permuted (keyed by (seed, s, epoch)) and cut
///    into floor(n_s / B) batches of exactly B = max(1, round(q n_s)) records, the rest of the
///    epoch dropped; every record is used at most once per epoch (replace-one neighbours).
#include "kernels/types.hpp"
#include "saddle/core/deck.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/models/logistic.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace saddle::data {

class Sampler {
public:
  virtual ~Sampler() = default;
  /// Fill batch.idx / batch.size with the batch of local silo `k` (index into data.silo_ids)
  /// at round `round`. Fences `space` (the batch size sizes the launches that follow).
  virtual void draw(ExecSpace const& space, SiloData const& data, std::size_t k, std::int64_t round,
                    BatchScratch& batch) = 0;
  /// Expected number of records in a round's batch over all silos (the gradient's divisor).
  virtual double expectedRecords(DataInfo const& info) const = 0;
  /// Expected number of records in a round's batch over the silos `silos` only (partial
  /// participation; local steps of one silo). Default: accountedRate() * their rows (Poisson).
  virtual double expectedRecordsOf(DataInfo const& info,
                                   std::vector<std::int64_t> const& silos) const;
  /// How many times, at most, one record of silo `silo` (holding `n_s` training rows) has been
  /// in a batch after `rounds` rounds: what its privacy ledger must compose.
  virtual std::int64_t participations(std::int64_t n_s, std::int64_t rounds) const = 0;
  /// Sampling rate the accountant amplifies by (Poisson: q; shuffle: 1, no amplification).
  virtual double accountedRate() const = 0;
  virtual std::string describe() const = 0;
};

class PoissonSampler final : public Sampler {
public:
  PoissonSampler(double rate, std::uint64_t seed) : _rate(rate), _seed(seed) {}
  void draw(ExecSpace const& space, SiloData const& data, std::size_t k, std::int64_t round,
            BatchScratch& batch) override;
  double expectedRecords(DataInfo const& info) const override {
    return _rate * static_cast<double>(info.n_train);
  }
  std::int64_t participations(std::int64_t, std::int64_t rounds) const override { return rounds; }
  double accountedRate() const override { return _rate; }
  std::string describe() const override;

private:
  double _rate;
  std::uint64_t _seed;
};

class ShuffleSampler final : public Sampler {
public:
  ShuffleSampler(double rate, std::uint64_t seed) : _rate(rate), _seed(seed) {}
  void draw(ExecSpace const& space, SiloData const& data, std::size_t k, std::int64_t round,
            BatchScratch& batch) override;
  double expectedRecords(DataInfo const& info) const override;
  double expectedRecordsOf(DataInfo const& info,
                           std::vector<std::int64_t> const& silos) const override;
  std::int64_t participations(std::int64_t n_s, std::int64_t rounds) const override;
  double accountedRate() const override { return 1.0; }
  std::string describe() const override;

  /// Batch size and batches per epoch of a silo holding `n_s` rows (n_s >= 1).
  std::int64_t batchSize(std::int64_t n_s) const;
  std::int64_t batchesPerEpoch(std::int64_t n_s) const;

private:
  struct EpochOrder {
    std::int64_t epoch = -1;
    std::vector<std::int64_t> order; ///< local row indices in shuffled order
  };
  double _rate;
  std::uint64_t _seed;
  std::map<std::int64_t, EpochOrder> _orders; ///< per silo id: cache of the current epoch
};

/// The sampler the deck asks for.
std::unique_ptr<Sampler> makeSampler(PrivacyConfig const& cfg, std::uint64_t seed);

} // namespace saddle::data
