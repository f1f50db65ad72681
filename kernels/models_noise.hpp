#pragma once
/// Fast Gaussian noise for large messages (DP-SGD on millions of parameters): a pure function
/// of (rng::Key, index) like noise.hpp, but written for SIMD. Each Philox4x32-10 block of four
/// 32-bit words gives four normals by two Box-Muller pairs (cos and sin), with a float
/// logarithm and sine/cosine of polynomial form (no libm calls), 16 blocks per loop so that
/// host compilers vectorize across blocks. The stream is derived from the Key once per launch:
///   (k0, k1, c2, c3) = words of rng::bits(key, 2^64 - 1, kNoiseKeyBlock)
///   normal(g) = word g mod 4 of BoxMuller(Philox4x32_{(k0, k1)}(g / 4, 0, c2, c3)).
/// Accuracy: |error| <= 2e-6 (1 + |n|) against double-precision Box-Muller of the same
/// uniforms; tails reach 6.76 sigma (uniforms down to 2^-33), noise.hpp's double path 8.5.
#include <Kokkos_Core.hpp>

#include "compat.hpp"
#include "rng.hpp"
#include <cstdint>

namespace saddle::kernels {

namespace noise_detail {

constexpr int kLanes = 16;                             ///< Philox blocks per loop iteration
constexpr std::uint64_t kNoiseKeyBlock = 0x6661737400; ///< separates derived keys ("fast")

/// The derived Philox4x32 key and fixed counter words of one noise stream.
struct Stream {
  std::uint32_t k0 = 0, k1 = 0, c2 = 0, c3 = 0;
};

inline Stream deriveStream(rng::Key const& key) {
  auto const w = rng::bits(key, ~std::uint64_t(0), kNoiseKeyBlock);
  return {static_cast<std::uint32_t>(w[0]), static_cast<std::uint32_t>(w[0] >> 32),
          static_cast<std::uint32_t>(w[1]), static_cast<std::uint32_t>(w[1] >> 32)};
}

/// Philox4x32-10 (Salmon et al., SC'11: multipliers 0xD2511F53, 0xCD9E8D57, Weyl key
/// increments 0x9E3779B9, 0xBB67AE85) on kLanes counters at once, in place.
KOKKOS_INLINE_FUNCTION void philoxLanes(std::uint32_t* c0, std::uint32_t* c1, std::uint32_t* c2,
                                        std::uint32_t* c3, std::uint32_t k0, std::uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    for (int l = 0; l < kLanes; ++l) {
      std::uint64_t const p0 = std::uint64_t(0xD2511F53u) * c0[l];
      std::uint64_t const p1 = std::uint64_t(0xCD9E8D57u) * c2[l];
      std::uint32_t const n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[l] ^ k0;
      std::uint32_t const n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[l] ^ k1;
      c1[l] = static_cast<std::uint32_t>(p1);
      c3[l] = static_cast<std::uint32_t>(p0);
      c0[l] = n0;
      c2[l] = n2;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
}

/// a where mask is all ones, b where it is zero: a bitwise select that compilers keep
/// branch-free (a ternary lets them sink one side into a branch, which stops vectorization).
KOKKOS_INLINE_FUNCTION float selectBits(std::uint32_t mask, float a, float b) {
  union {
    float f;
    std::uint32_t i;
  } ua{a}, ub{b}, r{0.0f};
  r.i = (ua.i & mask) | (ub.i & ~mask);
  return r.f;
}

/// All ones if `c`, else zero.
KOKKOS_INLINE_FUNCTION std::uint32_t maskOf(bool c) {
  return std::uint32_t(0) - static_cast<std::uint32_t>(c);
}

/// ln(u) for u in [2^-33, 1/2], float, branch-free: u = 2^e m with m in [sqrt(1/2), sqrt(2)),
/// ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.172, series to s^9.
KOKKOS_INLINE_FUNCTION float logUnit(float u) {
  union {
    float f;
    std::uint32_t i;
  } b{u};
  int e = static_cast<int>(b.i >> 23) - 127;
  b.i = (b.i & 0x007FFFFFu) | 0x3F800000u;
  bool const big = b.f > 1.41421356f;
  float const m = selectBits(maskOf(big), 0.5f * b.f, b.f);
  e += static_cast<int>(big);
  float const s = (m - 1.0f) / (m + 1.0f);
  float const s2 = s * s;
  float const series = 1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9))));
  return static_cast<float>(e) * 0.693147180559945f + 2.0f * s * series;
}

/// sin and cos of x in [-pi/4, pi/4] by their Taylor series to x^9 and x^10 (error < 2e-9).
KOKKOS_INLINE_FUNCTION void sinCosQuarter(float x, float& s, float& c) {
  float const x2 = x * x;
  s = x *
      (1.0f + x2 * (-1.0f / 6 + x2 * (1.0f / 120 + x2 * (-1.0f / 5040 + x2 * (1.0f / 362880)))));
  c = 1.0f + x2 * (-0.5f + x2 * (1.0f / 24 +
                                 x2 * (-1.0f / 720 + x2 * (1.0f / 40320 - x2 * (1.0f / 3628800)))));
}

/// ln(1 - x) for x in (0, 1/2] as 2 atanh(s), s = -x / (2 - x) in [-1/3, 0), series to s^15:
/// accurate to float rounding even where 1 - x is not representable.
KOKKOS_INLINE_FUNCTION float log1mHalf(float x) {
  float const s = -x / (2.0f - x);
  float const s2 = s * s;
  float const series =
      1.0f +
      s2 * (1.0f / 3 +
            s2 * (1.0f / 5 +
                  s2 * (1.0f / 7 +
                        s2 * (1.0f / 9 + s2 * (1.0f / 11 + s2 * (1.0f / 13 + s2 * (1.0f / 15)))))));
  return 2.0f * s * series;
}

/// sqrt(a) for a >= 0 without a libm call (which would keep compilers from vectorizing): the
/// classic reciprocal-square-root bit estimate and three Newton steps (relative error < 1e-7),
/// times a. Exactly 0 for a = 0.
KOKKOS_INLINE_FUNCTION float sqrtNonNegative(float a) {
  union {
    float f;
    std::uint32_t i;
  } b{a};
  b.i = 0x5F3759DFu - (b.i >> 1);
  float y = b.f;
  for (int it = 0; it < 3; ++it)
    y = y * (1.5f - 0.5f * a * y * y);
  return a * y;
}

/// Two normals from two words by Box-Muller: r = sqrt(-2 ln u), angle 2 pi v.
///  u: bit 31 of w1 picks the half, u = x or u = 1 - x with x = (low 31 bits + 1/2) 2^-32 in
///     (0, 1/2): ln u is then accurate at both ends (tails reach u = 2^-33, r = 6.76).
///  v: the top 2 bits of w2 give the quadrant, the other 30 the offset in the quadrant.
KOKKOS_INLINE_FUNCTION void boxMuller(std::uint32_t w1, std::uint32_t w2, float& n_cos,
                                      float& n_sin) {
  float const x = (static_cast<float>(w1 & 0x7FFFFFFFu) + 0.5f) * 2.3283064365386963e-10f;
  float const ln_u = selectBits(maskOf((w1 >> 31) != 0u), log1mHalf(x), logUnit(x));
  float const r = sqrtNonNegative(-2.0f * ln_u);
  std::uint32_t const q = w2 >> 30;
  float const frac = static_cast<float>(w2 & 0x3FFFFFFFu) * 9.313225746154785e-10f; // 2^-30
  float s, c;
  sinCosQuarter((frac - 0.5f) * 1.5707963267948966f, s, c); // angle - q pi/2 - pi/4
  constexpr float h = 0.70710678118654752f;                 // rotate back by pi/4
  float const sp = h * (s + c), cp = h * (c - s);           // sin, cos of the quadrant offset
  std::uint32_t const swap = maskOf((q & 1u) != 0u);
  float const sign_sin = 1.0f - 2.0f * static_cast<float>(q >> 1);              // q = 2, 3
  float const sign_cos = 1.0f - 2.0f * static_cast<float>((q ^ (q >> 1)) & 1u); // q = 1, 2
  float const sin_t = sign_sin * selectBits(swap, cp, sp);
  float const cos_t = sign_cos * selectBits(swap, sp, cp);
  n_cos = r * cos_t;
  n_sin = r * sin_t;
}

/// out[4 l + w] = normal w of Philox block (first_counter + l), l < kLanes.
KOKKOS_INLINE_FUNCTION void normalLanes(Stream const& st, std::uint64_t first_counter, float* out) {
  std::uint32_t c0[kLanes], c1[kLanes], c2[kLanes], c3[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    std::uint64_t const ctr = first_counter + static_cast<std::uint64_t>(l);
    c0[l] = static_cast<std::uint32_t>(ctr);
    c1[l] = static_cast<std::uint32_t>(ctr >> 32);
    c2[l] = st.c2;
    c3[l] = st.c3;
  }
  philoxLanes(c0, c1, c2, c3, st.k0, st.k1);
  float a[kLanes], b[kLanes], c[kLanes], d[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    boxMuller(c0[l], c1[l], a[l], b[l]);
    boxMuller(c2[l], c3[l], c[l], d[l]);
  }
  for (int l = 0; l < kLanes; ++l) {
    out[4 * l] = a[l];
    out[4 * l + 1] = b[l];
    out[4 * l + 2] = c[l];
    out[4 * l + 3] = d[l];
  }
}

} // namespace noise_detail

/// v(offset + j) += stddev * normal(key, first_index + j) for j in [0, n), normal() the fast
/// stream described above: a pure function of (key, first_index + j), so any split of a message
/// over ranks or launches adds the same numbers. stddev = 0 adds exact zeros. Async; local.
template <class Space, class VView>
void addGaussianNoiseFast(Space const& space, VView const& v, std::int64_t offset, std::int64_t n,
                          double stddev, rng::Key const& key, std::uint64_t first_index = 0) {
  using V = typename VView::non_const_value_type;
  using noise_detail::kLanes;
  if (n <= 0)
    return;
  noise_detail::Stream const st = noise_detail::deriveStream(key);
  std::uint64_t const g0 = first_index, g1 = first_index + static_cast<std::uint64_t>(n);
  std::uint64_t const c_begin = g0 / 4, c_end = (g1 + 3) / 4;
  auto const blocks = static_cast<std::int64_t>((c_end - c_begin + kLanes - 1) / kLanes);
  Kokkos::parallel_for(
      "saddle::kernels::addGaussianNoiseFast",
      Kokkos::RangePolicy<Space, Kokkos::IndexType<std::int64_t>>(space, 0, blocks),
      KOKKOS_LAMBDA(std::int64_t blk) {
        std::uint64_t const c = c_begin + static_cast<std::uint64_t>(blk) * kLanes;
        float z[4 * kLanes];
        noise_detail::normalLanes(st, c, z);
        std::uint64_t const g_first = 4 * c;
        std::uint64_t const lo = g_first > g0 ? g_first : g0;
        std::uint64_t const hi = g_first + 4 * kLanes < g1 ? g_first + 4 * kLanes : g1;
        for (std::uint64_t g = lo; g < hi; ++g)
          v(offset + static_cast<std::int64_t>(g - g0)) +=
              static_cast<V>(stddev * static_cast<double>(z[g - g_first]));
      });
}

} // namespace saddle::kernels
