#pragma once
/// Partial participation: which silos take part in a round. Each round M_avail of the M silos
/// are chosen, uniformly among the subsets of that size, by a pure function of (seed, round):
/// silo s draws u_s = uniform(seed, Participation, round; s) and the M_avail smallest u_s (ties
/// by silo id) take part. Every rank computes the same set without communication, a restart
/// computes it again, and M_avail = 0 (or M) means every silo, every round.
///
/// Privacy: the choice is not secret (the server sees who sends), so it gives no amplification;
/// a silo that sits out a round releases nothing that round (its ledger composes nothing).
#include "kernels/rng.hpp"

#include <cstdint>
#include <map>
#include <vector>

namespace saddle::federated {

/// The counter-based stream of the participation draws (kernels/rng.hpp's next free purpose;
/// the lead adds it to rng::Purpose as Participation = 8).
constexpr rng::Purpose kParticipationPurpose = rng::Purpose::Participation;

class Participation {
public:
  /// `per_round` silos of `n_silos` per round; 0 or n_silos: all. Throws InputError for
  /// per_round < 0 or > n_silos.
  Participation(std::uint64_t seed, std::int64_t n_silos, std::int64_t per_round);

  bool everyone() const { return _per_round == _n_silos; }
  std::int64_t silos() const { return _n_silos; }
  /// M_avail: silos per round (n_silos when everyone takes part).
  std::int64_t perRound() const { return _per_round; }

  /// The silos of round `round` (0-based), ascending; exactly perRound() of them. Pure.
  std::vector<std::int64_t> chosen(std::int64_t round) const;
  /// [n_silos] 1 where silo s takes part in round `round`, else 0. Pure.
  std::vector<char> mask(std::int64_t round) const;
  /// [n_silos] number of rounds in [0, rounds) in which each silo takes part. Pure in its
  /// result; caches running counts every kStride rounds, so repeated calls cost O(kStride M).
  std::vector<std::int64_t> counts(std::int64_t rounds) const;

private:
  static constexpr std::int64_t kStride = 256;
  std::uint64_t _seed;
  std::int64_t _n_silos, _per_round;
  mutable std::vector<std::vector<std::int64_t>> _running; ///< [k]: counts after k * kStride
};

} // namespace saddle::federated
