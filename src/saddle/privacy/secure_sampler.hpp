#pragma once
/// Secure-mode Poisson sampling: each record enters a round's batch with probability q, decided
/// by libsodium's CSPRNG (a ChaCha20 stream keyed from the operating system) instead of the
/// counter-based generator. Amplification by sampling assumes the adversary cannot predict the
/// batch; a seed written in a deck can be replayed, so secure mode never uses it. Host loop
/// over the silo's rows (set-up cost O(n_s) per round); NOT reproducible, by design.
#include "saddle/data/sampler.hpp"

#include <string>

namespace saddle {

class SecurePoissonSampler final : public data::Sampler {
public:
  explicit SecurePoissonSampler(double rate);
  void draw(ExecSpace const& space, data::SiloData const& data, std::size_t k, std::int64_t round,
            BatchScratch& batch) override;
  double expectedRecords(data::DataInfo const& info) const override {
    return _rate * static_cast<double>(info.n_train);
  }
  std::int64_t participations(std::int64_t, std::int64_t rounds) const override { return rounds; }
  double accountedRate() const override { return _rate; }
  std::string describe() const override;

private:
  double _rate;
  std::uint64_t _threshold; ///< take a record iff a uniform 64-bit word < threshold
};

} // namespace saddle
