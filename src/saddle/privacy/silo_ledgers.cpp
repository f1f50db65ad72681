#include "saddle/privacy/silo_ledgers.hpp"

#include "saddle/core/error.hpp"
#include "saddle/core/log.hpp"
#include "saddle/privacy/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace saddle {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
} // namespace

SiloLedgers::SiloLedgers(Privatizer const& privatizer, data::Sampler const& sampler,
                         data::DataInfo const& info, data::SiloPartition const& silos,
                         MessageLayout const& layout)
    : _q(sampler.accountedRate()), _sigma(privatizer.accountedNoiseMultiplier(layout)),
      _delta(privatizer.config().delta), _accountant(privatizer.config().accountant),
      _sampler(sampler), _silo_sizes(info.train_silo_counts), _silos(silos) {
  for (std::int64_t s = silos.begin; s < silos.end; ++s)
    _ledgers.emplace(s, PrivacyLedger());
}

void SiloLedgers::composeRound(std::int64_t round) {
  if (!active())
    return;
  for (auto& [silo, ledger] : _ledgers) {
    std::int64_t const n_s = _silo_sizes[silo];
    std::int64_t const now = _sampler.participations(n_s, round + 1);
    std::int64_t const before = _sampler.participations(n_s, round);
    if (n_s > 0 && now > before)
      ledger.compose(_q, _sigma, now - before);
  }
}

PrivacyLedger SiloLedgers::plan(std::int64_t rounds) const {
  std::int64_t worst = 0;
  for (auto const n_s : _silo_sizes)
    if (n_s > 0)
      worst = std::max(worst, _sampler.participations(n_s, rounds));
  PrivacyLedger ledger;
  if (worst > 0)
    ledger.compose(_q, _sigma, worst);
  return ledger;
}

double SiloLedgers::plannedEpsilonRdp(std::int64_t rounds) const {
  if (!active())
    return kInf;
  return plan(rounds).epsilon(_delta).epsilon;
}

double SiloLedgers::plannedEpsilon(std::int64_t rounds) const {
  if (!active())
    return kInf;
  auto const ledger = plan(rounds);
  if (ledger.empty())
    return 0.0;
  return _accountant == "pld" ? ledger.pldEpsilon(_delta) : ledger.epsilon(_delta).epsilon;
}

std::int64_t SiloLedgers::roundsWithin(double budget, std::int64_t max_rounds) const {
  if (plannedEpsilon(max_rounds) <= budget)
    return max_rounds;
  std::int64_t lo = 0, hi = max_rounds; // epsilon(lo) <= budget < epsilon(hi)
  while (hi - lo > 1) {
    std::int64_t const mid = lo + (hi - lo) / 2;
    (plannedEpsilon(mid) <= budget ? lo : hi) = mid;
  }
  return lo;
}

double SiloLedgers::localEpsilonRdp() const {
  if (!active())
    return kInf;
  double worst = 0.0;
  for (auto const& [silo, ledger] : _ledgers)
    worst = std::max(worst, ledger.epsilon(_delta).epsilon);
  return worst;
}

double SiloLedgers::calibrate(Privatizer const& privatizer, data::Sampler const& sampler,
                              data::DataInfo const& info, MessageLayout const& layout,
                              std::int64_t rounds, double target) {
  auto const& cfg = privatizer.config();
  std::int64_t steps = 0;
  for (auto const n_s : info.train_silo_counts)
    if (n_s > 0)
      steps = std::max(steps, sampler.participations(n_s, rounds));
  double const joint = calibrateSigma(target, cfg.delta, sampler.accountedRate(), steps,
                                      accountantFromName(cfg.accountant, "privacy.accountant"));
  // joint multiplier of the message: (sigma^-2 + sum of the fixed parts' m^-2)^(-1/2), halved
  // under replace-one neighbours
  double const needed = cfg.neighbouring == "replace_one" ? 2.0 * joint : joint;
  double rest = 0.0;
  if (layout.n_stats > 0)
    rest += 1.0 / (cfg.stats_noise_multiplier * cfg.stats_noise_multiplier);
  if (layout.n_privacy > 0)
    rest += 1.0 / (cfg.adaptive_noise * cfg.adaptive_noise);
  double const inv = 1.0 / (needed * needed) - rest;
  if (inv <= 0.0)
    throw InputError(log::format(
        "saddle::Deck: privacy.target_epsilon = %g cannot be reached in %lld rounds: the "
        "constraint counts and clipping statistics alone (stats_noise_multiplier, "
        "adaptive_noise) spend more; raise them or the target",
        target, static_cast<long long>(rounds)));
  return 1.0 / std::sqrt(inv);
}

void SiloLedgers::saveState(State& state, std::string const& prefix) const {
  SiloArray rows;
  rows.n_silos = _silos.n_global;
  rows.width = PrivacyLedger::stateWidth();
  for (auto const& [silo, ledger] : _ledgers)
    rows.rows[silo] = ledger.toVector();
  state.putSiloArray(prefix + "ledger", std::move(rows));
}

void SiloLedgers::loadState(State const& state, std::string const& prefix) {
  auto const& rows = state.siloArray(prefix + "ledger", PrivacyLedger::stateWidth());
  for (auto& [silo, ledger] : _ledgers) {
    auto const it = rows.rows.find(silo);
    if (it == rows.rows.end())
      throw InputError("saddle::SiloLedgers: the saved state has no ledger for silo " +
                       std::to_string(silo));
    ledger = PrivacyLedger::fromVector(it->second);
  }
}

} // namespace saddle
