#pragma once
/// Exact, order-independent sums of doubles through fixed-point integers: the arithmetic of the
/// reproducible aggregation (federation.hpp). Host only, not collective.
///
/// Format: every entry j of a sum has an exponent e_j agreed beforehand with |x| < 2^e_j for
/// every addend x (the largest frexp exponent of the addends). An addend becomes the integer
/// N = round(x 2^(120 - e_j)), |N| < 2^120, stored as kLimbs = 3 signed limbs of kLimbBits = 40
/// bits, N = L0 2^80 + L1 2^40 + L2 (the split is exact; only L2 is rounded, to nearest even).
/// Limbs are summed as int64: exact, hence independent of the order and grouping of the
/// addends, for up to 2^22 addends (|sum of one limb| < 2^22 2^40 < 2^63). The sum converts
/// back to a double once, by a pure function of the summed limbs.
///
/// Round-off: each addend moves by at most 2^(e_j - 121) (about 2^-120 of the largest addend's
/// magnitude), and the conversion back adds at most 2 ulps of the result; a plain double sum
/// of n addends is off by up to (n - 1) ulps of the largest partial sum.
#include <cstdint>

namespace saddle::federated {

inline constexpr int kLimbs = 3;
inline constexpr int kLimbBits = 40;
inline constexpr int kFractionBits = kLimbs * kLimbBits; // 120
/// Most addends per entry a sum may have (the int64 limbs cannot overflow below it).
inline constexpr std::int64_t kMaxAddends = std::int64_t{1} << 22;
/// Exponent of an entry whose addends are all zero (below every double's exponent).
inline constexpr std::int64_t kZeroExponent = -100000;
/// Exponent of an entry with a non-finite addend: its sum is NaN.
inline constexpr std::int64_t kNonFiniteExponent = 100000;

/// e with |x| < 2^e (frexp's exponent); kZeroExponent for 0, kNonFiniteExponent for inf/NaN.
std::int64_t exponentOf(double x);

/// limbs[0..kLimbs) += the fixed-point limbs of x at exponent e (|x| < 2^e, e finite and not
/// kZeroExponent; a zero x adds nothing).
void addFixedPoint(double x, std::int64_t e, std::int64_t* limbs);

/// The double of summed limbs at exponent e: 0 for kZeroExponent, NaN for kNonFiniteExponent.
double fromFixedPoint(std::int64_t const* limbs, std::int64_t e);

} // namespace saddle::federated
