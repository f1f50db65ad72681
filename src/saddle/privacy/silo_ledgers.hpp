#pragma once
/// The privacy spent by each silo of a run: one PrivacyLedger per silo held by this rank,
/// composed once per round in which a silo's records can take part, and the planning the
/// deck needs before the first round: the epsilon after R rounds, the last round that fits a
/// budget, and the noise multiplier that reaches a target epsilon.
///
/// What is composed: a silo's whole round message (gradient, constraint counts, adaptive
/// clipping count) is one Gaussian mechanism with the multiplier Privatizer::
/// accountedNoiseMultiplier, amplified by the sampler's rate (Poisson: q; shuffled epochs: no
/// amplification, one release per epoch). Every silo's ledger is a pure function of its size
/// and the round, so every rank can plan the worst silo's epsilon without communication; the
/// ledgers themselves are the audited record, checkpointed as a [n_silos][width] table.
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/sampler.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/privatizer.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace saddle {

class SiloLedgers : public Stateful {
public:
  SiloLedgers(Privatizer const& privatizer, data::Sampler const& sampler,
              data::DataInfo const& info, data::SiloPartition const& silos,
              MessageLayout const& layout);

  /// False when nothing private is released (privacy disabled or sigma = 0): epsilon = inf.
  bool active() const { return _sigma > 0.0; }
  double delta() const { return _delta; }

  /// Compose round `round` (0-based) into every local silo's ledger. Not collective.
  void composeRound(std::int64_t round);

  /// epsilon of the worst silo after `rounds` rounds by the deck's accountant ("rdp" or
  /// "pld"), planned from the silo sizes. Pure; identical on every rank.
  double plannedEpsilon(std::int64_t rounds) const;
  /// The same by RDP (cheap: microseconds), for per-round reporting.
  double plannedEpsilonRdp(std::int64_t rounds) const;
  /// The largest R <= max_rounds with plannedEpsilon(R) <= budget (0 if even one round
  /// exceeds it). Pure.
  std::int64_t roundsWithin(double budget, std::int64_t max_rounds) const;
  /// RDP epsilon of the worst ledger this rank holds (-inf... 0 when it holds none).
  double localEpsilonRdp() const;

  /// The gradient noise multiplier sigma for which `rounds` rounds spend `target` epsilon,
  /// given the other parts of the message (their noise is fixed by the deck). Throws
  /// InputError when the fixed parts alone spend more than the target. Pure.
  static double calibrate(Privatizer const& privatizer, data::Sampler const& sampler,
                          data::DataInfo const& info, MessageLayout const& layout,
                          std::int64_t rounds, double target);

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  /// The worst silo's ledger after `rounds` rounds (most participations).
  PrivacyLedger plan(std::int64_t rounds) const;

  double _q, _sigma, _delta;
  std::string _accountant;
  data::Sampler const& _sampler;
  std::vector<std::int64_t> _silo_sizes; ///< [n_silos] training rows per silo
  data::SiloPartition _silos;
  std::map<std::int64_t, PrivacyLedger> _ledgers; ///< local silo id -> ledger
};

} // namespace saddle
