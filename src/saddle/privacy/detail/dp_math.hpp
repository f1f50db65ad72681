#pragma once
/// Numerical helpers of the privacy accountants (host only): log-space sums, log erfc with an
/// asymptotic tail, normal tail masses computed on the side that keeps relative accuracy, and
/// argument checks that throw InputError naming the parameter and its allowed range.
#include "saddle/core/error.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

namespace saddle::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

/// log(e^a + e^b), exact for a or b = -inf (no inf - inf).
inline double logAddExp(double a, double b) {
  if (a < b)
    std::swap(a, b);
  if (b == -kInf)
    return a;
  return a + std::log1p(std::exp(b - a));
}

/// log(1 + e^x) without overflow.
inline double log1pExp(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

/// log(erfc(x)) for every real x: std::erfc where it is representable with full relative
/// accuracy, the asymptotic series erfc(x) ~ e^{-x^2}/(x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4)
/// - 15/(8x^6) + 105/(16x^8)) beyond x = 25 (relative error < 1e-12 there).
inline double logErfc(double x) {
  if (x < 25.0)
    return std::log(std::erfc(x));
  double const r = 1.0 / (2.0 * x * x);
  double const series = 1.0 - r * (1.0 - 3.0 * r * (1.0 - 5.0 * r * (1.0 - 7.0 * r)));
  return -x * x - std::log(x) - 0.5 * std::log(M_PI) + std::log(series);
}

/// P(Z > z) for Z ~ N(0, 1).
inline double normalUpper(double z) {
  return 0.5 * std::erfc(z / M_SQRT2);
}
/// P(Z <= z) for Z ~ N(0, 1).
inline double normalLower(double z) {
  return 0.5 * std::erfc(-z / M_SQRT2);
}

/// P(a < X <= b) for X ~ N(mean, sd^2), a <= b (either may be infinite), computed from the
/// tail on the side of the interval so that small masses keep their relative accuracy.
inline double normalMass(double a, double b, double mean, double sd) {
  double const za = (a - mean) / sd;
  double const zb = (b - mean) / sd;
  if (za >= 0.0)
    return normalUpper(za) - normalUpper(zb);
  if (zb <= 0.0)
    return normalLower(zb) - normalLower(za);
  return 1.0 - normalLower(za) - normalUpper(zb);
}

/// The z >= 0 with P(Z > z) = tau (tau in (0, 0.5]), by bisection on [0, 40] (to 1e-12).
inline double normalUpperQuantile(double tau) {
  double lo = 0.0;
  double hi = 40.0;
  while (hi - lo > 1e-12) {
    double const mid = 0.5 * (lo + hi);
    (normalUpper(mid) > tau ? lo : hi) = mid;
  }
  return hi;
}

/// Shortest round-trip text of a double (for messages).
inline std::string text(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

/// Throw InputError("<where>: <name> = <value> is out of range (allowed: <allowed>)").
[[noreturn]] inline void throwRange(std::string const& where, std::string const& name,
                                    std::string const& value, std::string const& allowed) {
  throw InputError(where + ": " + name + " = " + value + " is out of range (allowed: " + allowed +
                   ")");
}

/// Checks shared by the accountants: q in (0, 1], sigma >= 0 (finite), delta in (0, 1). NaN
/// is tested first, without a signalling comparison.
inline void checkSamplingRate(std::string const& where, double q) {
  if (std::isnan(q) || !(q > 0.0 && q <= 1.0))
    throwRange(where, "q", text(q), "0 < q <= 1");
}
inline void checkNoiseMultiplier(std::string const& where, double sigma) {
  if (std::isnan(sigma) || !(sigma >= 0.0 && sigma < kInf))
    throwRange(where, "sigma", text(sigma), "0 <= sigma < inf");
}
inline void checkDelta(std::string const& where, double delta) {
  if (std::isnan(delta) || !(delta > 0.0 && delta < 1.0))
    throwRange(where, "delta", text(delta), "0 < delta < 1");
}
inline void checkCount(std::string const& where, std::int64_t count) {
  if (count < 0)
    throwRange(where, "count", std::to_string(count), ">= 0");
}

} // namespace saddle::detail
