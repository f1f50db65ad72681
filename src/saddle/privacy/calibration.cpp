#include "saddle/privacy/calibration.hpp"

#include "saddle/privacy/detail/dp_math.hpp"
#include "saddle/privacy/ledger.hpp"

#include <cmath>
#include <functional>

namespace saddle {

namespace {
char const* const kWhere = "saddle::calibrateSigma";
constexpr double kMinSigma = 1e-2;
constexpr double kMaxSigma = 1e4;

/// Bisection on [lo, hi] with eps(hi) <= target < eps(lo) down to hi - lo <= rtol * hi.
double bisect(std::function<double(double)> const& eps, double target, double lo, double hi,
              double rtol) {
  while (hi - lo > rtol * hi) {
    double const mid = 0.5 * (lo + hi);
    (eps(mid) <= target ? hi : lo) = mid;
  }
  return hi;
}

void checkTarget(double target_epsilon, double delta, double q, std::int64_t steps) {
  if (std::isnan(target_epsilon) || !(target_epsilon > 0.0 && target_epsilon < detail::kInf))
    detail::throwRange(kWhere, "epsilon", detail::text(target_epsilon), "0 < epsilon < inf");
  detail::checkDelta(kWhere, delta);
  detail::checkSamplingRate(kWhere, q);
  if (steps < 1)
    detail::throwRange(kWhere, "steps", std::to_string(steps), ">= 1");
}
} // namespace

Accountant accountantFromName(std::string const& name, std::string const& option) {
  if (name == "rdp")
    return Accountant::Rdp;
  if (name == "pld")
    return Accountant::Pld;
  throw InputError("saddle::accountantFromName: " + option + " = \"" + name +
                   "\" is not an accountant (allowed: rdp, pld)");
}

std::string accountantName(Accountant accountant) {
  return accountant == Accountant::Rdp ? "rdp" : "pld";
}

double accountedEpsilon(double sigma, double q, std::int64_t steps, double delta,
                        Accountant accountant, CalibrationOptions const& options) {
  if (accountant == Accountant::Pld)
    return pldEpsilon({MechanismEntry{q, sigma, steps}}, delta, options.pld);
  PrivacyLedger ledger(options.orders);
  ledger.compose(q, sigma, steps);
  return ledger.epsilon(delta).epsilon;
}

double calibrateSigma(double target_epsilon, double delta, double q, std::int64_t steps,
                      Accountant accountant, CalibrationOptions const& options) {
  checkTarget(target_epsilon, delta, q, steps);
  if (std::isnan(options.sigma_rtol) || !(options.sigma_rtol > 0.0 && options.sigma_rtol < 0.5))
    detail::throwRange(kWhere, "sigma_rtol", detail::text(options.sigma_rtol),
                       "0 < sigma_rtol < 0.5");
  auto const eps = [&](double sigma) {
    return accountedEpsilon(sigma, q, steps, delta, accountant, options);
  };
  double hi = 1.0;
  double shrink = 0.5;
  if (accountant == Accountant::Pld) { // start from the (looser) RDP answer, close below it
    CalibrationOptions rdp_options = options;
    rdp_options.sigma_rtol = 1e-3;
    try {
      hi = calibrateSigma(target_epsilon, delta, q, steps, Accountant::Rdp, rdp_options);
      shrink = 0.9;
    } catch (InputError const&) { // beyond the RDP grid's reach: bracket from sigma = 1
    }
  }
  std::string const what = accountantName(accountant) +
                           " target epsilon = " + detail::text(target_epsilon) +
                           " at delta = " + detail::text(delta) + " (q = " + detail::text(q) +
                           ", steps = " + std::to_string(steps) + ")";
  std::string const note = accountant == Accountant::Rdp
                               ? " (the RDP order grid cannot certify so small an epsilon)"
                               : "";
  return calibrateMultiplier(eps, target_epsilon, what, hi, shrink, options.sigma_rtol, note);
}

double calibrateMultiplier(std::function<double(double)> const& eps, double target_epsilon,
                           std::string const& what, double start, double shrink, double sigma_rtol,
                           std::string const& unreachable_note) {
  double hi = start, lo = start;
  if (eps(hi) <= target_epsilon) {
    do {
      hi = lo;
      lo = hi * shrink;
      if (lo < kMinSigma)
        throw InputError(std::string(kWhere) + ": " + what + " is met already with sigma < " +
                         detail::text(kMinSigma) + "; calibration range is [0.01, 1e4]");
    } while (eps(lo) <= target_epsilon);
  } else {
    do {
      lo = hi;
      hi = lo * 2.0;
      if (hi > kMaxSigma)
        throw InputError(std::string(kWhere) + ": " + what + " is not reached with sigma <= " +
                         detail::text(kMaxSigma) + unreachable_note);
    } while (eps(hi) > target_epsilon);
  }
  return bisect(eps, target_epsilon, lo, hi, sigma_rtol);
}

std::int64_t stepsFromEpochs(double epochs, double q) {
  detail::checkSamplingRate("saddle::stepsFromEpochs", q);
  if (std::isnan(epochs) || !(epochs > 0.0 && epochs < 1e15))
    detail::throwRange("saddle::stepsFromEpochs", "epochs", detail::text(epochs),
                       "0 < epochs < 1e15");
  double const steps = epochs / q;
  if (!(steps <= 1e15))
    detail::throwRange("saddle::stepsFromEpochs", "epochs / q", detail::text(steps), "<= 1e15");
  return static_cast<std::int64_t>(std::ceil(steps * (1.0 - 1e-12)));
}

} // namespace saddle
