#include "saddle/privacy/secure_gaussian.hpp"

#include "saddle/privacy/detail/dp_math.hpp"

#include <cmath>
#include <cstring>
#include <sodium.h>
#include <string>

namespace saddle {

namespace {
char const* const kWhere = "saddle::SecureGaussian";
constexpr double kMaxRatio = 1048576.0;             // 2^20: sigma / grid at most
constexpr std::uint64_t kMaxMagnitude = 1ULL << 43; // |Y| beyond: rejected (see sampleInteger)

/// Number of bits needed to write x (0 for x = 0).
int bitLength(detail::UInt128 x) {
  int n = 0;
  while (x != 0) {
    x >>= 1;
    ++n;
  }
  return n;
}

/// ceil(r^2) for r = sigma / grid (exact: r * r is split into rounded part and error by fma).
std::uint64_t ceilSquare(double r) {
  double const hi = r * r;
  double const lo = std::fma(r, r, -hi);
  double c = std::ceil(hi);
  if (c == hi && lo > 0.0)
    c += 1.0;
  return static_cast<std::uint64_t>(c);
}

/// floor(sqrt(n)) for n <= 2^53.
std::uint64_t isqrt(std::uint64_t n) {
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n)
    --r;
  while ((r + 1) * (r + 1) <= n)
    ++r;
  return r;
}
} // namespace

SecureGaussian::SecureGaussian(double sigma, double grid) {
  if (sodium_init() < 0)
    throw Error(std::string(kWhere) + ": libsodium could not be initialized (sodium_init)");
  if (std::isnan(sigma) || !(sigma > 0.0 && sigma < detail::kInf))
    detail::throwRange(kWhere, "sigma", detail::text(sigma), "0 < sigma < inf");
  if (grid == 0.0)
    grid = std::ldexp(1.0, std::ilogb(sigma) - 12);
  int exponent = 0;
  if (std::isnan(grid) || !(grid > 0.0 && grid < detail::kInf) ||
      std::frexp(grid, &exponent) != 0.5)
    detail::throwRange(kWhere, "grid", detail::text(grid), "a power of two, or 0 for the default");
  double const ratio = sigma / grid;
  if (!(ratio >= 1.0 && ratio <= kMaxRatio))
    detail::throwRange(kWhere, "sigma / grid", detail::text(ratio), "1 <= sigma / grid <= 2^20");
  _grid = grid;
  _s2 = ceilSquare(ratio);
  _t = isqrt(_s2) + 1;
}

double SecureGaussian::sigma() const {
  return _grid * std::sqrt(static_cast<double>(_s2));
}

void SecureGaussian::refill() {
  randombytes_buf(_buffer.data(), _buffer.size());
  _used = 0;
}

detail::UInt128 SecureGaussian::uniformBelow(detail::UInt128 bound) {
  int const bits = bitLength(bound - 1);
  if (bits == 0)
    return 0;
  std::size_t const bytes = static_cast<std::size_t>((bits + 7) / 8);
  detail::UInt128 const mask = bits == 128 ? ~detail::UInt128{0} : (detail::UInt128{1} << bits) - 1;
  for (;;) { // accepts with probability > 1/2
    if (_used + bytes > _buffer.size())
      refill();
    detail::UInt128 x = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      x = (x << 8) | _buffer[_used + i];
    _used += bytes;
    x &= mask;
    if (x < bound)
      return x;
  }
}

bool SecureGaussian::bernoulli(detail::UInt128 num, detail::UInt128 den) {
  return uniformBelow(den) < num;
}

bool SecureGaussian::bernoulliExpAtMostOne(detail::UInt128 num, detail::UInt128 den) {
  // CKS 2020 Alg. 1: K <- 1; while Bernoulli(gamma / K): K <- K + 1; return K odd.
  // (P(K odd) = sum_k (-gamma)^k / k! = e^-gamma.)
  detail::UInt128 k = 1;
  while (bernoulli(num, den * k))
    ++k;
  return (k & 1) == 1;
}

bool SecureGaussian::bernoulliExp(detail::UInt128 num, detail::UInt128 den) {
  // gamma > 1: e^-gamma = (e^-1)^floor(gamma) e^-(gamma - floor(gamma)); stop at the first 0.
  while (num > den) {
    if (!bernoulliExpAtMostOne(1, 1))
      return false;
    num -= den;
  }
  return bernoulliExpAtMostOne(num, den);
}

std::int64_t SecureGaussian::discreteLaplace(std::uint64_t t) {
  // CKS 2020 Alg. 2 with integer scale t: X = U + t V, U uniform on [0, t) kept with
  // probability e^{-U/t}, V geometric with P(V = v) proportional to e^{-v}; a random sign,
  // rejecting (-, 0) so that 0 is not counted twice.
  for (;;) {
    auto const u = static_cast<std::uint64_t>(uniformBelow(t));
    if (!bernoulliExp(u, t))
      continue;
    std::uint64_t v = 0;
    while (bernoulliExp(1, 1))
      ++v;
    detail::UInt128 const x = detail::UInt128{u} + detail::UInt128{t} * v;
    bool const negative = bernoulli(1, 2);
    if (negative && x == 0)
      continue;
    if (x >= kMaxMagnitude) // probability < e^{-2^43 / t}: treated as a rejection
      continue;
    auto const y = static_cast<std::int64_t>(x);
    return negative ? -y : y;
  }
}

std::int64_t SecureGaussian::sampleInteger() {
  // CKS 2020 Alg. 3: Y ~ DLap(t), t = floor(s) + 1, kept with probability
  // exp(-(|Y| - s^2/t)^2 / (2 s^2)) = exp(-(|Y| t - s^2)^2 / (2 s^2 t^2)).
  detail::UInt128 const s2 = _s2;
  detail::UInt128 const t = _t;
  detail::UInt128 const den = 2 * s2 * t * t; // <= 2^82
  for (;;) {
    std::int64_t const y = discreteLaplace(_t);
    detail::UInt128 const a = static_cast<std::uint64_t>(y < 0 ? -y : y); // < 2^43
    detail::UInt128 const at = a * t;                                     // < 2^64
    detail::UInt128 const diff = at > s2 ? at - s2 : s2 - at;
    if (bernoulliExp(diff * diff, den))
      return y;
  }
}

double SecureGaussian::sample() {
  return _grid * static_cast<double>(sampleInteger());
}

void SecureGaussian::addNoise(double* values, std::size_t n) {
  constexpr double kMaxGridIndex = 4503599627370496.0; // 2^52: grid sums stay exact
  for (std::size_t i = 0; i < n; ++i) {
    double const x = values[i];
    double const m = std::isfinite(x) ? std::nearbyint(x / _grid) : detail::kInf;
    if (!(std::fabs(m) < kMaxGridIndex))
      throw InputError(std::string(kWhere) + "::addNoise: value " + std::to_string(i) + " = " +
                       detail::text(x) + " is not finite or too large for grid " +
                       detail::text(_grid) + " (allowed: |value| < 2^52 grid)");
    values[i] = (m + static_cast<double>(sampleInteger())) * _grid;
  }
}

} // namespace saddle
