#include "saddle/privacy/ledger.hpp"

#include "saddle/privacy/detail/dp_math.hpp"
#include "saddle/privacy/pld.hpp"

#include <cmath>
#include <string>
#include <utility>

namespace saddle {

namespace {
char const* const kWhere = "saddle::PrivacyLedger";
constexpr double kFormatTag = 1.0;
constexpr double kMaxExactCount = 9007199254740992.0; // 2^53
} // namespace

PrivacyLedger::PrivacyLedger(std::vector<double> orders) : _orders(std::move(orders)) {
  if (_orders.empty())
    throw InputError(std::string(kWhere) + ": the order grid is empty");
  for (double a : _orders)
    if (std::isnan(a) || !(a > 1.0 && a < detail::kInf))
      detail::throwRange(kWhere, "order", detail::text(a), "1 < order < inf");
}

void PrivacyLedger::compose(double q, double sigma, std::int64_t count) {
  detail::checkSamplingRate(kWhere, q);
  detail::checkNoiseMultiplier(kWhere, sigma);
  detail::checkCount(kWhere, count);
  if (count == 0)
    return;
  for (auto& e : _entries)
    if (e.q == q && e.sigma == sigma) {
      e.count += count;
      return;
    }
  if (static_cast<int>(_entries.size()) >= kMaxKinds)
    throw Error(std::string(kWhere) + ": composing (q = " + detail::text(q) +
                ", sigma = " + detail::text(sigma) + ") needs kind number " +
                std::to_string(_entries.size() + 1) + ", above the limit of " +
                std::to_string(kMaxKinds) + " distinct (q, sigma) kinds per ledger");
  _entries.push_back({q, sigma, count});
  _step_rdp.push_back(rdpSampledGaussian(q, sigma, _orders));
}

std::vector<double> PrivacyLedger::rdp() const {
  std::vector<double> total(_orders.size(), 0.0);
  for (std::size_t k = 0; k < _entries.size(); ++k) {
    double const n = static_cast<double>(_entries[k].count);
    std::vector<double> const& step = _step_rdp[k];
    for (std::size_t i = 0; i < total.size(); ++i)
      total[i] += n * step[i];
  }
  return total;
}

RdpEpsilon PrivacyLedger::epsilon(double delta) const {
  detail::checkDelta(kWhere, delta);
  if (_entries.empty())
    return RdpEpsilon{0.0, 0.0, false};
  return rdpToEpsilon(_orders, rdp(), delta);
}

double PrivacyLedger::pldEpsilon(double delta) const {
  return saddle::pldEpsilon(_entries, delta);
}

std::int64_t PrivacyLedger::releases() const {
  std::int64_t n = 0;
  for (auto const& e : _entries)
    n += e.count;
  return n;
}

std::vector<double> PrivacyLedger::toVector() const {
  std::vector<double> state(static_cast<std::size_t>(stateWidth()), 0.0);
  state[0] = kFormatTag;
  state[1] = static_cast<double>(_entries.size());
  for (std::size_t k = 0; k < _entries.size(); ++k) {
    SADDLE_REQUIRE(static_cast<double>(_entries[k].count) <= kMaxExactCount,
                   "PrivacyLedger::toVector: a count above 2^53 cannot be stored exactly");
    state[2 + 3 * k] = _entries[k].q;
    state[3 + 3 * k] = _entries[k].sigma;
    state[4 + 3 * k] = static_cast<double>(_entries[k].count);
  }
  return state;
}

PrivacyLedger PrivacyLedger::fromVector(std::vector<double> const& state,
                                        std::vector<double> orders) {
  std::string const where = std::string(kWhere) + "::fromVector";
  if (static_cast<std::int64_t>(state.size()) != stateWidth())
    detail::throwRange(where, "state width", std::to_string(state.size()),
                       std::to_string(stateWidth()));
  if (state[0] != kFormatTag)
    detail::throwRange(where, "state[0] (format tag)", detail::text(state[0]), "1");
  double const kinds = state[1];
  if (std::isnan(kinds) || !(kinds >= 0.0 && kinds <= kMaxKinds) || kinds != std::floor(kinds))
    detail::throwRange(where, "state[1] (number of kinds)", detail::text(kinds),
                       "an integer in [0, " + std::to_string(kMaxKinds) + "]");
  PrivacyLedger ledger(std::move(orders));
  auto const n_kinds = static_cast<std::size_t>(kinds);
  for (std::size_t k = 0; k < static_cast<std::size_t>(kMaxKinds); ++k) {
    double const q = state[2 + 3 * k];
    double const sigma = state[3 + 3 * k];
    double const count = state[4 + 3 * k];
    std::string const slot =
        "state[" + std::to_string(4 + 3 * k) + "] (count of kind " + std::to_string(k) + ")";
    if (k >= n_kinds) {
      if (q != 0.0 || sigma != 0.0 || count != 0.0)
        throw InputError(where + ": kind " + std::to_string(k) + " is beyond the " +
                         std::to_string(n_kinds) + " kinds of the row but not zero");
      continue;
    }
    if (std::isnan(count) || !(count >= 1.0 && count <= kMaxExactCount) ||
        count != std::floor(count))
      detail::throwRange(where, slot, detail::text(count), "an integer in [1, 2^53]");
    std::size_t const before = ledger._entries.size();
    ledger.compose(q, sigma, static_cast<std::int64_t>(count));
    if (ledger._entries.size() == before)
      throw InputError(where + ": kind " + std::to_string(k) + " repeats an earlier (q, sigma)");
  }
  return ledger;
}

} // namespace saddle
