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

/// The layout of a gradient-only release (local steps after the first).
MessageLayout gradientOnly(MessageLayout layout) {
  layout.n_stats = 0;
  layout.n_privacy = 0;
  return layout;
}
} // namespace

// ---- ReleasePlan -------------------------------------------------------------------------------

ReleasePlan::ReleasePlan(data::Sampler const& sampler, data::DataInfo const& info,
                         FederatedConfig const& federated, std::uint64_t seed)
    : _sampler(sampler), _q(sampler.accountedRate()), _algorithm(federated.algorithm),
      _local_steps(federated.local_steps), _period(federated.spider_period),
      _large_rate(federated.spider_sampling_rate), _silo_sizes(info.train_silo_counts),
      _participation(seed, static_cast<std::int64_t>(info.train_silo_counts.size()),
                     federated.participating) {}

std::vector<MechanismEntry> ReleasePlan::round(std::int64_t silo, std::int64_t round, double joint,
                                               double gradient) const {
  if (_algorithm == "local_sgd") // K releases: gradient + statistics, then K - 1 gradients
    return {{_q, joint, 1}, {_q, gradient, _local_steps - 1}};
  if (_algorithm == "spider") // a large batch on refresh rounds, a minibatch difference else
    return {{round % _period == 0 ? _large_rate : _q, joint, 1}};
  std::int64_t const n_s = _silo_sizes[static_cast<std::size_t>(silo)];
  return {
      {_q, joint, _sampler.participations(n_s, round + 1) - _sampler.participations(n_s, round)}};
}

std::int64_t ReleasePlan::worstReleases(std::int64_t rounds) const {
  std::vector<std::int64_t> const taken = _participation.counts(rounds);
  std::int64_t worst = 0;
  for (std::size_t s = 0; s < _silo_sizes.size(); ++s)
    if (_silo_sizes[s] > 0)
      worst = std::max(worst, _participation.everyone()
                                  ? _sampler.participations(_silo_sizes[s], rounds)
                                  : taken[s]); // partial participation: Poisson only
  return worst;
}

std::vector<std::pair<std::int64_t, std::int64_t>>
ReleasePlan::worstCounts(std::int64_t rounds) const {
  if (_algorithm != "spider")
    return {{worstReleases(rounds), 0}};
  // spider: (refresh rounds, difference rounds) each silo took part in
  std::vector<std::int64_t> const taken = _participation.counts(rounds);
  std::vector<std::int64_t> refresh(_silo_sizes.size(), 0);
  for (std::int64_t t = 0; t < rounds; t += _period)
    for (auto const s : _participation.chosen(t))
      ++refresh[static_cast<std::size_t>(s)];
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs;
  for (std::size_t s = 0; s < _silo_sizes.size(); ++s)
    if (_silo_sizes[s] > 0)
      pairs.emplace_back(refresh[s], taken[s] - refresh[s]);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  // keep the Pareto front: a pair with both counts <= another's spends no more
  std::vector<std::pair<std::int64_t, std::int64_t>> front;
  std::int64_t most_b = -1;
  for (auto it = pairs.rbegin(); it != pairs.rend(); ++it)
    if (it->second > most_b) {
      front.push_back(*it);
      most_b = it->second;
    }
  return front;
}

PrivacyLedger ReleasePlan::ledgerOf(std::int64_t a, std::int64_t b, double joint,
                                    double gradient) const {
  PrivacyLedger ledger;
  if (_algorithm == "spider") {
    ledger.compose(_large_rate, joint, a);
    ledger.compose(_q, joint, b);
  } else {
    ledger.compose(_q, joint, a);
    if (_algorithm == "local_sgd")
      ledger.compose(_q, gradient, a * (_local_steps - 1));
  }
  return ledger;
}

double ReleasePlan::worstEpsilon(std::int64_t rounds, double joint, double gradient, double delta,
                                 std::string const& accountant) const {
  double worst = 0.0;
  for (auto const& [a, b] : worstCounts(rounds)) {
    auto const ledger = ledgerOf(a, b, joint, gradient);
    if (ledger.empty())
      continue;
    worst = std::max(worst, accountant == "pld" ? ledger.pldEpsilon(delta)
                                                : ledger.epsilon(delta).epsilon);
  }
  return worst;
}

// ---- SiloLedgers -------------------------------------------------------------------------------

SiloLedgers::SiloLedgers(Privatizer const& privatizer, data::Sampler const& sampler,
                         data::DataInfo const& info, data::SiloPartition const& silos,
                         MessageLayout const& layout, FederatedConfig const& federated,
                         std::uint64_t seed)
    : _plan(sampler, info, federated, seed), _sigma(privatizer.accountedNoiseMultiplier(layout)),
      _sigma_gradient(privatizer.accountedNoiseMultiplier(gradientOnly(layout))),
      _delta(privatizer.config().delta), _accountant(privatizer.config().accountant),
      _sampler(sampler), _silo_sizes(info.train_silo_counts), _silos(silos) {
  for (std::int64_t s = silos.begin; s < silos.end; ++s)
    _ledgers.emplace(s, PrivacyLedger());
}

void SiloLedgers::composeRound(std::int64_t round) {
  if (!active())
    return;
  std::vector<char> const takes_part = _plan.participation().mask(round);
  for (auto& [silo, ledger] : _ledgers) {
    if (_silo_sizes[silo] == 0 || !takes_part[static_cast<std::size_t>(silo)])
      continue; // a silo without rows, or one that sits out this round, releases nothing
    for (auto const& e : _plan.round(silo, round, _sigma, _sigma_gradient))
      ledger.compose(e.q, e.sigma, e.count);
  }
}

double SiloLedgers::plannedEpsilonRdp(std::int64_t rounds) const {
  if (!active())
    return kInf;
  return _plan.worstEpsilon(rounds, _sigma, _sigma_gradient, _delta, "rdp");
}

double SiloLedgers::plannedEpsilon(std::int64_t rounds) const {
  if (!active())
    return kInf;
  return _plan.worstEpsilon(rounds, _sigma, _sigma_gradient, _delta, _accountant);
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

PrivacyLedger const& SiloLedgers::ledger(std::int64_t silo) const {
  auto const it = _ledgers.find(silo);
  SADDLE_REQUIRE(it != _ledgers.end(),
                 "SiloLedgers::ledger: silo " + std::to_string(silo) + " is not held here");
  return it->second;
}

double SiloLedgers::calibrate(Privatizer const& privatizer, data::Sampler const& sampler,
                              data::DataInfo const& info, MessageLayout const& layout,
                              std::int64_t rounds, double target, FederatedConfig const& federated,
                              std::uint64_t seed) {
  auto const& cfg = privatizer.config();
  ReleasePlan const plan(sampler, info, federated, seed);
  bool const scale_all = cfg.calibrate == "all";
  if (!plan.singleKind() || scale_all) { // search sigma (or the factor) on the planned ledger
    auto const epsilon = [&](std::string const& accountant) {
      return [&plan, &privatizer, &layout, rounds, accountant, &cfg, scale_all](double sigma) {
        Privatizer p = privatizer;
        if (scale_all)
          p.scaleNoise(sigma);
        else
          p.setNoiseMultiplier(sigma);
        return plan.worstEpsilon(rounds, p.accountedNoiseMultiplier(layout),
                                 p.accountedNoiseMultiplier(gradientOnly(layout)), cfg.delta,
                                 accountant);
      };
    };
    std::string const what =
        log::format("privacy.target_epsilon = %g after %lld rounds of %s (worst silo, delta %g%s)",
                    target, static_cast<long long>(rounds), federated.algorithm.c_str(), cfg.delta,
                    scale_all ? ", every noise multiplier scaled by one factor" : "");
    double start = 1.0, shrink = 0.5;
    if (cfg.accountant == "pld") { // start from the (looser) RDP answer, close below it
      try {
        start = calibrateMultiplier(epsilon("rdp"), target, what, 1.0, 0.5, 1e-3);
        shrink = 0.9;
      } catch (InputError const&) { // beyond the RDP grid's reach: bracket from sigma = 1
      }
    }
    return calibrateMultiplier(epsilon(cfg.accountant), target, what, start, shrink, 1e-6,
                               " (the constraint counts' noise alone may spend more: raise "
                               "privacy.stats_noise_multiplier or the target)");
  }
  std::int64_t const steps = plan.worstReleases(rounds);
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
