#include "saddle/federated/fixed_point.hpp"

#include <cmath>
#include <limits>

namespace saddle::federated {

std::int64_t exponentOf(double x) {
  if (!std::isfinite(x))
    return kNonFiniteExponent;
  if (x == 0.0)
    return kZeroExponent;
  int e = 0;
  std::frexp(x, &e); // x = m 2^e with 0.5 <= |m| < 1
  return e;
}

void addFixedPoint(double x, std::int64_t e, std::int64_t* limbs) {
  if (x == 0.0)
    return;
  // y = x 2^(120 - e), |y| < 2^120; each split below keeps a subset of y's bits (exact: the
  // products by powers of two stay far from overflow and underflow)
  constexpr double two40 = 0x1p40, two80 = 0x1p80, inv40 = 0x1p-40, inv80 = 0x1p-80;
  double const y = std::ldexp(x, static_cast<int>(kFractionBits - e));
  double const top = std::trunc(y * inv80);
  double const rest = y - top * two80;
  double const mid = std::trunc(rest * inv40);
  double const low = std::nearbyint(rest - mid * two40); // the only rounding
  limbs[0] += static_cast<std::int64_t>(top);
  limbs[1] += static_cast<std::int64_t>(mid);
  limbs[2] += static_cast<std::int64_t>(low);
}

double fromFixedPoint(std::int64_t const* limbs, std::int64_t e) {
  if (e == kZeroExponent)
    return 0.0;
  if (e >= kNonFiniteExponent)
    return std::numeric_limits<double>::quiet_NaN();
  // carry so that L1, L2 lie in [0, 2^40): the value L0 2^80 + L1 2^40 + L2 is unchanged
  std::int64_t const base = std::int64_t{1} << kLimbBits;
  std::int64_t l2 = limbs[2], l1 = limbs[1], l0 = limbs[0];
  std::int64_t carry = (l2 >= 0 ? l2 : l2 - (base - 1)) / base; // floor division
  l2 -= carry * base;
  l1 += carry;
  carry = (l1 >= 0 ? l1 : l1 - (base - 1)) / base;
  l1 -= carry * base;
  l0 += carry;
  // L1 2^40 + L2 < 2^80 rounds once; adding L0 2^80 rounds once more (at most 2 ulps)
  double const low = std::ldexp(static_cast<double>(l1), kLimbBits) + static_cast<double>(l2);
  double const sum = std::ldexp(static_cast<double>(l0), 2 * kLimbBits) + low;
  return std::ldexp(sum, static_cast<int>(e - kFractionBits));
}

} // namespace saddle::federated
