#pragma once
/// Secure-mode noise for deployments: a discrete Gaussian on a fine grid, drawn exactly with
/// integer arithmetic from a cryptographically secure random source (libsodium's
/// randombytes_buf, a ChaCha20 stream keyed from the operating system).
///
/// Why: textbook floating-point Gaussian samplers leak the noiseless value through the
/// low-order bits of their outputs (Mironov 2012, "On significance of the least significant
/// bits for differential privacy"), and a seeded generator can be replayed. Here every output is
/// grid * k with k an integer drawn from the discrete Gaussian N_Z(0, s^2) by Canonne, Kamath,
/// Steinke 2020 ("The discrete Gaussian for differential privacy"), Algorithms 1-3: discrete
/// Laplace proposals and Bernoulli(exp(-gamma)) rejections with rational gamma, all exact
/// (no transcendental function is evaluated; random integers below a bound by rejection).
///
/// NOT REPRODUCIBLE: two runs (or a restart) draw different noise by design; the reproducible,
/// restart-safe noise of saddle is the counter-based Gaussian of kernels/noise.hpp.
///
/// Grid: a power of two, so that grid * k and grid-aligned sums are exact in double. The
/// variance in grid units is s^2 = ceil((sigma / grid)^2), an integer <= 2^40, so the realized
/// standard deviation sigma() = grid * sqrt(s^2) is >= the requested one (relative excess
/// < 2^-24 with the default grid). addNoise() first rounds each value to the nearest grid
/// point (otherwise the output would reveal the value's offset from the grid); this rounding
/// moves a neighbouring pair of L2 sensitivity C by at most grid * sqrt(d) (d values), so
/// the sensitivity to account for is C + grid * sqrt(d). For shifts by grid multiples, the
/// discrete Gaussian satisfies the same concentrated-DP / Renyi bound alpha ||shift||^2 / (2
/// sigma^2) as the continuous Gaussian (CKS 2020, Sec. 2 and, coordinate-wise, Sec. 3).
/// Caveat: the Poisson-subsampled accountants (rdp.hpp, pld.hpp) are derived for the continuous
/// Gaussian; using them with this noise is the customary approximation, not a proof.
///
/// Host only; one instance per thread (it owns a buffer of random bytes); not collective.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace saddle {

namespace detail {
__extension__ typedef unsigned __int128 UInt128; ///< exact products of the rejection steps
} // namespace detail

class SecureGaussian {
public:
  /// Noise of standard deviation `sigma` > 0 (value units) on the grid `grid`: a power of two
  /// with sigma / grid in [1, 2^20], or 0 for the default 2^(floor(log2 sigma) - 12) (so
  /// sigma / grid is in [2^12, 2^13)). Initializes libsodium (throws saddle::Error if it
  /// cannot); throws InputError for out-of-range arguments.
  explicit SecureGaussian(double sigma, double grid = 0.0);

  /// The grid spacing (a power of two).
  double grid() const { return _grid; }
  /// The variance in grid units, s^2 (an integer).
  std::uint64_t varianceInGridUnits() const { return _s2; }
  /// The standard deviation of the continuous Gaussian that is discretized: grid * sqrt(s^2)
  /// (>= the requested sigma). Account privacy with this sigma.
  double sigma() const;

  /// One integer k ~ N_Z(0, s^2) (discrete Gaussian: P(k) proportional to exp(-k^2 / (2 s^2))).
  std::int64_t sampleInteger();
  /// grid * sampleInteger(): one noise value on the grid.
  double sample();

  /// values[i] <- round_to_grid(values[i]) + grid * k_i, k_i i.i.d. N_Z(0, s^2), for the n
  /// values of a host array (no Kokkos device memory). Every output lies on the grid.
  void addNoise(double* values, std::size_t n);
  void addNoise(std::vector<double>& values) { addNoise(values.data(), values.size()); }

private:
  /// Uniform integer in [0, bound), bound >= 1, by rejection from random bits.
  detail::UInt128 uniformBelow(detail::UInt128 bound);
  /// Bernoulli(num / den), 0 <= num <= den, den >= 1.
  bool bernoulli(detail::UInt128 num, detail::UInt128 den);
  /// Bernoulli(exp(-num / den)), num >= 0, den >= 1 (CKS 2020, Algorithm 1).
  bool bernoulliExp(detail::UInt128 num, detail::UInt128 den);
  /// The same for num <= den (gamma in [0, 1]).
  bool bernoulliExpAtMostOne(detail::UInt128 num, detail::UInt128 den);
  /// Discrete Laplace with integer scale t: P(y) proportional to exp(-|y| / t) (CKS Alg. 2).
  std::int64_t discreteLaplace(std::uint64_t t);
  void refill();

  double _grid = 0.0;
  std::uint64_t _s2 = 0; ///< s^2 in grid units
  std::uint64_t _t = 0;  ///< floor(s) + 1, the Laplace scale of the proposals
  std::array<unsigned char, 4096> _buffer{};
  std::size_t _used = 4096; ///< bytes of _buffer already consumed
};

} // namespace saddle
