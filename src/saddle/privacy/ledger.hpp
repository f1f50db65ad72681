#pragma once
/// PrivacyLedger: the privacy spent by one data owner (a silo), as a list of mechanism kinds
/// (Poisson sampling rate q, noise multiplier sigma) each released `count` times, composed by
/// adding RDP curves (Mironov 2017, Prop. 1). Different kinds (gradient releases, noisy
/// constraint statistics with their own sigma = noise std / sensitivity, rounds with another q)
/// live side by side. Host only, not collective; one ledger per silo.
///
/// Cost: compose() is O(1) when the kind exists (a counter increment), O(#orders) RDP
/// evaluations when it is new; epsilon(delta) is O(#kinds * #orders) additions (no special
/// functions): per-kind one-step RDP curves are cached.
///
/// Checkpoint state: toVector() gives stateWidth() doubles,
///   [0] format tag (1), [1] number of kinds k <= kMaxKinds,
///   [2 + 3i, 3 + 3i, 4 + 3i] = (q, sigma, count) of kind i < k, zeros beyond k,
/// so that the ledgers of all silos form one [n_silos][stateWidth()] table (a SiloArray).
/// Counts are stored exactly up to 2^53.
#include "saddle/privacy/rdp.hpp"

#include <cstdint>
#include <vector>

namespace saddle {

/// One mechanism kind and how many times it was released.
struct MechanismEntry {
  double q = 1.0;         ///< Poisson sampling rate, in (0, 1]
  double sigma = 0.0;     ///< noise multiplier (noise std / L2 sensitivity), >= 0
  std::int64_t count = 0; ///< number of releases (steps), >= 0
};

class PrivacyLedger {
public:
  /// At most this many distinct (q, sigma) kinds per ledger (the checkpoint row is fixed-width).
  static constexpr int kMaxKinds = 8;

  /// An empty ledger that converts on `orders` (each > 1; default: defaultRdpOrders()).
  explicit PrivacyLedger(std::vector<double> orders = defaultRdpOrders());

  /// Record `count` releases of the Poisson-subsampled Gaussian mechanism with rate q in
  /// (0, 1] and noise multiplier sigma >= 0 (0: no privacy, epsilon becomes +inf). Kinds are
  /// matched by exact equality of (q, sigma). Throws InputError for out-of-range values and
  /// saddle::Error when a (kMaxKinds + 1)-th kind would be needed.
  void compose(double q, double sigma, std::int64_t count = 1);

  /// epsilon for the given delta in (0, 1) from the summed RDP curve (Balle et al. 2020,
  /// Thm 21), with the best order and whether it lies at the edge of the grid. An empty ledger
  /// gives {0, 0, false}.
  RdpEpsilon epsilon(double delta) const;

  /// The composed RDP at each order (sum over kinds of count * one-step RDP).
  std::vector<double> rdp() const;

  /// The same composition by the PLD accountant (tighter; see pld.hpp), with default options.
  double pldEpsilon(double delta) const;

  std::vector<MechanismEntry> const& entries() const { return _entries; }
  std::vector<double> const& orders() const { return _orders; }
  bool empty() const { return _entries.empty(); }
  /// Total number of releases over all kinds.
  std::int64_t releases() const;

  /// Width of the checkpoint row: 2 + 3 * kMaxKinds.
  static constexpr std::int64_t stateWidth() { return 2 + 3 * kMaxKinds; }
  /// The ledger as stateWidth() doubles (layout above).
  std::vector<double> toVector() const;
  /// A ledger from a row written by toVector(); throws InputError (naming the slot) if the row
  /// has the wrong width, an unknown format tag or out-of-range values.
  static PrivacyLedger fromVector(std::vector<double> const& state,
                                  std::vector<double> orders = defaultRdpOrders());

private:
  std::vector<double> _orders;
  std::vector<MechanismEntry> _entries;
  std::vector<std::vector<double>> _step_rdp; ///< [kind][order]: one-release RDP
};

} // namespace saddle
