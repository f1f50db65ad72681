#pragma once
/// Privacy loss distribution (PLD) accountant for compositions of Poisson-subsampled Gaussian
/// mechanisms under add/remove-one neighbouring (Koskela, Jalko, Honkela 2020; Meiser & Mohammadi
/// 2018; Doroshenko, Ghazi, Kamath, Kumar, Manurangsi 2022). Host only, not collective, not
/// thread-safe (FFTW's planner is called).
///
/// One release with rate q and noise multiplier sigma (sensitivity 1 after scaling) is the pair
///   remove: P = (1-q) N(0, sigma^2) + q N(1, sigma^2),  Q = N(0, sigma^2)
///   add:    P = N(0, sigma^2),  Q = (1-q) N(0, sigma^2) + q N(1, sigma^2)
/// with privacy loss L = log(dP/dQ) under P and delta(eps) = E_P[(1 - e^{eps - L})_+] (the
/// hockey-stick divergence). Both directions are composed separately and the larger delta (the
/// larger epsilon) is reported.
///
/// Discretization (pessimistic, so every reported delta is an upper bound on the true one):
///  - losses live on the grid i * Delta (Delta = PldOptions::interval);
///  - the mass of each grid cell [i Delta, (i+1) Delta] is split between its two end points so
///    that both its P-mass and its Q-mass are kept ("connect the dots", Doroshenko et al. 2022):
///    the resulting pair dominates the cell's pair in every hockey-stick divergence;
///  - the per-release loss range is cut where the tails are below tau_1 (see below): mass below
///    is moved up to the lowest grid point, mass above becomes an infinite loss (delta += mass);
///  - the composition is a product of FFTs (FFTW, r2c/c2r), each kind's transform raised to its
///    count, on a window [lo, hi] of the summed loss chosen by Chernoff bounds from the discrete
///    distributions' moment generating functions so that each tail outside it is <= tau_w; the
///    upper tail bound is added to delta, the lower tail wraps onto high losses (pessimistic).
///
/// Error bound (exposed by epsilonErrorBound() and deltaErrorBound()): with n the total number
/// of releases and tau = PldOptions::tail_mass,
///     delta_true(eps) <= delta(eps) <= delta_true(eps - n Delta) + tau,
///     eps_true(delta) <= epsilon(delta) <= eps_true(delta - tau) + n Delta,
/// because connect-the-dots is dominated by rounding every loss up to the grid (a shift by at
/// most Delta per release) and the truncations add at most tau in all (tau_1 = tau / (4 n) per
/// release and side, tau_w = tau / 4 per window side). The bound n Delta is a worst case; the
/// actual error of connect-the-dots is far smaller (second order in Delta). Not counted: the
/// floating-point rounding of the FFT (about 1e-16 times the window length, absolute, in delta).
///
/// When the grid is too coarse: connect-the-dots keeps P- and Q-masses but spreads a release
/// whose losses are much smaller than Delta (tiny q) over neighbouring grid points, which adds
/// variance; over very many releases (say q = 1e-6, 1e9 steps) the PLD epsilon can then exceed
/// the RDP one. Both remain upper bounds; use a smaller interval (cost ~ 1 / interval).
#include "saddle/privacy/ledger.hpp"

#include <cstdint>
#include <vector>

namespace saddle {

struct PldOptions {
  double interval = 1e-4;   ///< Delta: spacing of the privacy-loss grid, > 0
  double tail_mass = 1e-14; ///< tau: total truncation mass added to delta, in (0, 1e-3]
  /// Largest number of grid points of one release's loss distribution or of the FFT window;
  /// beyond it the computation stops with saddle::Error (use a larger interval).
  std::int64_t max_points = std::int64_t{1} << 25;
};

/// The composition of a list of mechanism kinds (q, sigma, count) as two discrete privacy loss
/// distributions (remove and add directions), built once and then queried.
class PrivacyLossDistribution {
public:
  /// Compose `entries` (each q in (0, 1], sigma >= 0, count >= 0). A kind with sigma = 0 and
  /// count > 0 gives no privacy: delta(eps) = 1, epsilon(delta) = +inf.
  explicit PrivacyLossDistribution(std::vector<MechanismEntry> const& entries,
                                   PldOptions const& options = {});

  /// Upper bound on the delta of the composition at epsilon >= 0 (see the bound above).
  double delta(double epsilon) const;
  /// Smallest epsilon >= 0 whose delta is <= `delta` in (0, 1); +inf if none.
  double epsilon(double delta) const;

  /// n * Delta: epsilon(delta) exceeds the true epsilon (at delta - tau) by at most this.
  double epsilonErrorBound() const { return _releases * _options.interval; }
  /// tau: the truncation mass that delta(eps) may add.
  double deltaErrorBound() const { return _options.tail_mass; }
  std::int64_t releases() const { return static_cast<std::int64_t>(_releases); }

  /// One composed direction: mass[k] at loss (offset + k) * interval, plus infinite loss.
  struct Composed {
    std::int64_t offset = 0;
    std::vector<double> mass;
    double infinity_mass = 0.0; ///< includes the window's upper tail bound
  };

private:
  PldOptions _options;
  double _releases = 0.0;
  bool _no_privacy = false;
  Composed _remove;
  Composed _add;
};

/// epsilon(delta) of the composition of `entries` by the PLD accountant.
double pldEpsilon(std::vector<MechanismEntry> const& entries, double delta,
                  PldOptions const& options = {});
/// delta(epsilon) of the composition of `entries` by the PLD accountant.
double pldDelta(std::vector<MechanismEntry> const& entries, double epsilon,
                PldOptions const& options = {});

} // namespace saddle
