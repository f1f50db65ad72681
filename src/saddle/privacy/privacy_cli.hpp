#pragma once
/// The `saddle-privacy` tool, callable in-process by tests:
///   saddle-privacy epsilon --sigma S --q Q --steps T --delta D [--accountant rdp|pld]
///   saddle-privacy sigma --epsilon E --q Q (--steps T | --epochs N) --delta D
///                        [--accountant rdp|pld] [--tolerance R]
///   saddle-privacy --help
/// Output: "key = value" lines on `out` (epsilon, delta, accountant, best_order for RDP, the
/// error bounds for PLD; sigma, epsilon reached, steps for calibration); warnings and errors on
/// `err`. No MPI, no Kokkos.
#include <iosfwd>

namespace saddle {

/// Run the tool on argv[0..argc). Returns 0 on success (and for --help), 2 for bad input (an
/// unknown option, a value out of range: the message names the option and the allowed range,
/// an unreachable calibration target). Other failures throw (exit code 1 in the driver).
int runPrivacyCli(int argc, char const* const* argv, std::ostream& out, std::ostream& err);

} // namespace saddle
