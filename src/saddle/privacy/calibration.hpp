#pragma once
/// Noise calibration: the smallest noise multiplier sigma for which `steps` releases of the
/// Poisson-subsampled Gaussian mechanism (rate q) are (target_epsilon, delta)-DP according to
/// an accountant. Host only, not collective.
///
/// Method: bracket [lo, hi] with epsilon(hi) <= target < epsilon(lo) (doubling up or shrinking
/// down from a start), then bisection until hi - lo <= sigma_rtol * hi. The returned sigma is
/// hi: it always meets the target, and the exact smallest sigma lies in (hi (1 - sigma_rtol),
/// hi] (epsilon decreases with sigma for both accountants). PLD calibration starts from the
/// RDP answer (the PLD epsilon is the tighter one).
#include "saddle/privacy/pld.hpp"
#include "saddle/privacy/rdp.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace saddle {

enum class Accountant { Rdp, Pld };

/// "rdp" | "pld" (throws InputError naming `option` otherwise), and back.
Accountant accountantFromName(std::string const& name, std::string const& option = "accountant");
std::string accountantName(Accountant accountant);

struct CalibrationOptions {
  double sigma_rtol = 1e-6;                        ///< relative width of the final bracket
  std::vector<double> orders = defaultRdpOrders(); ///< RDP order grid
  PldOptions pld;                                  ///< PLD discretization
};

/// epsilon(delta) of `steps` releases with (q, sigma) by `accountant`.
double accountedEpsilon(double sigma, double q, std::int64_t steps, double delta,
                        Accountant accountant, CalibrationOptions const& options = {});

/// The smallest sigma (to options.sigma_rtol, rounded up) with epsilon(delta) <= target_epsilon
/// for `steps` >= 1 releases at rate q in (0, 1]. Throws InputError for out-of-range arguments
/// and when the target cannot be reached with 0.01 <= sigma <= 1e4 (for RDP, targets below
/// what the order grid can certify at this delta are unreachable).
double calibrateSigma(double target_epsilon, double delta, double q, std::int64_t steps,
                      Accountant accountant, CalibrationOptions const& options = {});

/// The smallest sigma in [0.01, 1e4] (to sigma_rtol, rounded up) with epsilon_of(sigma) <=
/// target_epsilon, for any epsilon_of that does not increase with sigma (a composition of
/// mechanisms of different kinds, e.g. a silo's ledger under local SGD or SPIDER). The bracket
/// starts at `start` (shrinking by `shrink` or doubling); `what` names the target in messages.
/// Throws InputError when no sigma in the range meets the target (`unreachable_note` is
/// appended to the message when even sigma = 1e4 does not).
double calibrateMultiplier(std::function<double(double)> const& epsilon_of, double target_epsilon,
                           std::string const& what, double start = 1.0, double shrink = 0.5,
                           double sigma_rtol = 1e-6, std::string const& unreachable_note = "");

/// Steps of `epochs` passes at rate q: ceil(epochs / q), ignoring a relative excess of 1e-12
/// (so 90 epochs at q = 0.04 are 2250 steps despite 0.04 not being exact in binary). Rounding up
/// is the conservative choice. epochs > 0.
std::int64_t stepsFromEpochs(double epochs, double q);

} // namespace saddle
