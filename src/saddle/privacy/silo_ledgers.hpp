#pragma once
/// The privacy spent by each silo of a run: one PrivacyLedger per silo held by this rank,
/// composed in each round in which the silo takes part, and the planning the deck needs before
/// the first round: the epsilon after R rounds, the last round that fits a budget, and the
/// noise multiplier that reaches a target epsilon.
///
/// What is composed per round a silo takes part in (deck [federated]; accounting per silo: a
/// silo that sits out a round releases nothing and spends nothing that round):
///  - minibatch_sgd: its whole round message (gradient, constraint counts, adaptive clipping
///    count) as one Gaussian mechanism with the multiplier Privatizer::accountedNoiseMultiplier,
///    amplified by the sampler's rate (Poisson: q; shuffled epochs: no amplification, one
///    release per epoch);
///  - local_sgd: K releases at rate q: the first (gradient + statistics) with the message's
///    joint multiplier, the other K - 1 (gradient only) with sigma;
///  - spider: one release with the joint multiplier, at the large-batch rate on refresh rounds
///    (round % spider_period == 0) and at q otherwise: two kinds, composed side by side.
/// Every silo's ledger is a pure function of its size, the participation schedule and the
/// round, so every rank can plan the worst silo's epsilon without communication; the ledgers
/// themselves are the audited record, checkpointed as a [n_silos][width] table.
#include "saddle/core/deck.hpp"
#include "saddle/core/state.hpp"
#include "saddle/data/dataset.hpp"
#include "saddle/data/sampler.hpp"
#include "saddle/federated/participation.hpp"
#include "saddle/privacy/ledger.hpp"
#include "saddle/privacy/privatizer.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace saddle {

/// How a run releases, per silo and round: the part of the planning that needs no ledger.
/// Pure; identical on every rank.
class ReleasePlan {
public:
  ReleasePlan(data::Sampler const& sampler, data::DataInfo const& info,
              FederatedConfig const& federated, std::uint64_t seed);

  /// The mechanisms (q, sigma, count) silo `silo` releases in round `round` if it takes part,
  /// with `joint` the whole message's multiplier and `gradient` the gradient part's alone.
  std::vector<MechanismEntry> round(std::int64_t silo, std::int64_t round, double joint,
                                    double gradient) const;
  /// epsilon(delta) of the worst silo after `rounds` rounds by `accountant` ("rdp" | "pld").
  double worstEpsilon(std::int64_t rounds, double joint, double gradient, double delta,
                      std::string const& accountant) const;
  /// The largest number of releases of any one silo after `rounds` rounds (minibatch_sgd).
  std::int64_t worstReleases(std::int64_t rounds) const;
  federated::Participation const& participation() const { return _participation; }
  bool singleKind() const { return _algorithm == "minibatch_sgd"; }

private:
  /// Per silo with rows: (rounds of the first kind, rounds of the second kind) it took part in,
  /// without pairs that another silo's pair dominates.
  std::vector<std::pair<std::int64_t, std::int64_t>> worstCounts(std::int64_t rounds) const;
  PrivacyLedger ledgerOf(std::int64_t a, std::int64_t b, double joint, double gradient) const;

  data::Sampler const& _sampler;
  double _q;
  std::string _algorithm;
  std::int64_t _local_steps, _period;
  double _large_rate;
  std::vector<std::int64_t> _silo_sizes; ///< [n_silos] training rows per silo
  federated::Participation _participation;
};

class SiloLedgers : public Stateful {
public:
  SiloLedgers(Privatizer const& privatizer, data::Sampler const& sampler,
              data::DataInfo const& info, data::SiloPartition const& silos,
              MessageLayout const& layout, FederatedConfig const& federated = {},
              std::uint64_t seed = 0);

  /// False when nothing private is released (privacy disabled or sigma = 0): epsilon = inf.
  bool active() const { return _sigma > 0.0; }
  double delta() const { return _delta; }

  /// Compose round `round` (0-based) into the ledger of every local silo that takes part in
  /// it. Not collective.
  void composeRound(std::int64_t round);

  /// epsilon of the worst silo after `rounds` rounds by the deck's accountant ("rdp" or
  /// "pld"), planned from the silo sizes and the participation schedule. Pure; identical on
  /// every rank.
  double plannedEpsilon(std::int64_t rounds) const;
  /// The same by RDP (cheap: microseconds), for per-round reporting.
  double plannedEpsilonRdp(std::int64_t rounds) const;
  /// The largest R <= max_rounds with plannedEpsilon(R) <= budget (0 if even one round
  /// exceeds it). Pure.
  std::int64_t roundsWithin(double budget, std::int64_t max_rounds) const;
  /// RDP epsilon of the worst ledger this rank holds (0 when it holds none).
  double localEpsilonRdp() const;
  /// The ledger of local silo `silo` (throws saddle::Error if this rank does not hold it).
  PrivacyLedger const& ledger(std::int64_t silo) const;

  /// privacy.calibrate = "gradient": the gradient noise multiplier sigma for which `rounds`
  /// rounds spend `target` epsilon (worst silo), given the other parts of the message (their
  /// noise is fixed by the deck); throws InputError when the fixed parts alone spend more.
  /// privacy.calibrate = "all": the factor by which every noise multiplier of the message is
  /// scaled (Privatizer::scaleNoise) to spend `target`. Pure.
  static double calibrate(Privatizer const& privatizer, data::Sampler const& sampler,
                          data::DataInfo const& info, MessageLayout const& layout,
                          std::int64_t rounds, double target, FederatedConfig const& federated = {},
                          std::uint64_t seed = 0);

  void saveState(State& state, std::string const& prefix) const override;
  void loadState(State const& state, std::string const& prefix) override;

private:
  ReleasePlan _plan;
  double _sigma, _sigma_gradient, _delta;
  std::string _accountant;
  data::Sampler const& _sampler;
  std::vector<std::int64_t> _silo_sizes; ///< [n_silos] training rows per silo
  data::SiloPartition _silos;
  std::map<std::int64_t, PrivacyLedger> _ledgers; ///< local silo id -> ledger
};

} // namespace saddle
