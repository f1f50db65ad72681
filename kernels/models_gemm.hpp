#pragma once
/// Tiled dense matrix product with per-k weights,
///   C = beta C + alpha op(A) diag(s) op(B),
/// the one GEMM the dense layers need: forward (A W), backward (Delta W^T) and the clipped
/// weight gradient sum_i c_i a_i delta_i^T = A^T diag(c) Delta. One team per tile of C; each
/// team packs KC-deep panels of op(A) diag(s) and op(B) into team scratch (zero-padded to the
/// register tile) and runs an MR x NR register-blocked micro-kernel on them. The tile sizes
/// are chosen per space: on the host from the SIMD width the compiler targets (one thread per
/// team, the micro-kernel vectorizes along NR), on devices 4 x 4 per thread, 16 x 16 threads.
#include <Kokkos_Core.hpp>

#include "models_common.hpp"
#include <cstdint>

#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDA_ARCH__) &&                         \
    !defined(__HIP_DEVICE_COMPILE__)
#define SADDLE_GEMM_UNROLL _Pragma("GCC unroll 64")
#else
#define SADDLE_GEMM_UNROLL
#endif

namespace saddle::kernels {

/// Operand form in gemm: as stored (N) or transposed (T).
enum class GemmOp { N, T };

namespace detail {

/// SIMD register width the compiler targets in this translation unit (bytes).
#if defined(__AVX512F__)
constexpr int kHostVectorBytes = 64;
#elif defined(__AVX__)
constexpr int kHostVectorBytes = 32;
#else
constexpr int kHostVectorBytes = 16;
#endif

/// Tile sizes of gemm for value type T on `Space`. VectorBytes is a template parameter (not read
/// from the macros here) so that objects compiled for different SIMD widths instantiate
/// different types instead of one type with different layouts (an ODR violation).
template <class Space, class T, int VectorBytes, bool Host = kIsHostSpace<Space>> struct GemmTiles {
  static constexpr int mr = VectorBytes >= 64 ? 8 : (VectorBytes >= 32 ? 6 : 4);
  static constexpr int nr = 2 * VectorBytes / static_cast<int>(sizeof(T)); ///< two registers
  static constexpr int mc = 128; ///< rows of A per tile (packed A: mc x kc, in L2)
  static constexpr int nc = 512; ///< columns of B per tile (a kc x nr panel stays in L1)
  static constexpr int kc = 256;
  static constexpr int team_size = 1;
};
template <class Space, class T, int VectorBytes> struct GemmTiles<Space, T, VectorBytes, false> {
  static constexpr int mr = 4, nr = 4, mc = 64, nc = 64, kc = 16;
  static constexpr int team_size = (mc / mr) * (nc / nr);
};

/// c[i][j] (+)= alpha sum_k ap[k][i] bp[k][j] for i < mr, j < nr over packed panels of depth
/// kc, accumulated in registers (acc[MR][NR]) then stored: first ? beta c + alpha acc :
/// c + alpha acc (beta = 0 does not read c). One function, so that acc never leaves registers.
template <int MR, int NR, class T, class CView>
KOKKOS_INLINE_FUNCTION void gemmMicroKernel(int kc, T const* KOKKOS_RESTRICT ap,
                                            T const* KOKKOS_RESTRICT bp, T alpha,
                                            typename CView::non_const_value_type beta, bool first,
                                            CView const& c, int i0, int j0, int mr, int nr) {
  using O = typename CView::non_const_value_type;
  T acc[MR][NR];
  SADDLE_GEMM_UNROLL
  for (int i = 0; i < MR; ++i)
    SADDLE_GEMM_UNROLL
  for (int j = 0; j < NR; ++j)
    acc[i][j] = T(0);
  for (int k = 0; k < kc; ++k) {
    SADDLE_GEMM_UNROLL
    for (int i = 0; i < MR; ++i) {
      T const a = ap[k * MR + i];
      SADDLE_GEMM_UNROLL
      for (int j = 0; j < NR; ++j)
        acc[i][j] += a * bp[k * NR + j];
    }
  }
  auto const put = [&](int i, int j) {
    O const add = static_cast<O>(alpha * acc[i][j]);
    O& dst = c(i0 + i, j0 + j);
    dst = first ? (beta == O(0) ? add : beta * dst + add) : dst + add;
  };
  if (mr == MR && nr == NR) { // full tile: constant bounds keep acc in registers
    SADDLE_GEMM_UNROLL
    for (int i = 0; i < MR; ++i)
      SADDLE_GEMM_UNROLL
    for (int j = 0; j < NR; ++j)
      put(i, j);
  } else {
    for (int i = 0; i < mr; ++i)
      for (int j = 0; j < nr; ++j)
        put(i, j);
  }
}

template <class Space, class AView, class BView, class CView, class SView, int VectorBytes>
struct Gemm {
  using T = typename AView::non_const_value_type;
  using O = typename CView::non_const_value_type;
  using Tiles = GemmTiles<Space, T, VectorBytes>;
  static constexpr int MR = Tiles::mr, NR = Tiles::nr, MC = Tiles::mc, NC = Tiles::nc,
                       KC = Tiles::kc;
  using member_type = typename Kokkos::TeamPolicy<Space>::member_type;
  using Scratch = Kokkos::View<T*, typename Space::scratch_memory_space, Kokkos::MemoryUnmanaged>;

  AView a;
  BView b;
  CView c;
  SView s;
  bool trans_a, trans_b;
  T alpha;
  O beta;
  int m, n, k;
  int tile_m, tile_n; ///< C tile of one team (<= MC, NC; multiples of MR, NR)
  int tiles_n, level;

  static constexpr std::size_t scratchBytes() {
    return static_cast<std::size_t>(MC * KC + KC * NC) * sizeof(T);
  }

  KOKKOS_INLINE_FUNCTION T scale(int p) const { return s.extent(0) > 0 ? T(s(p)) : T(1); }

  /// ap[panel i / MR][kk][i % MR] = op(A)(ic + i, pc + kk) s(pc + kk), zero beyond mc. The
  /// loop order follows the storage of A (contiguous reads).
  KOKKOS_INLINE_FUNCTION void packA(member_type const& team, int ic, int pc, int mc, int kc,
                                    T* ap) const {
    int const panels = (mc + MR - 1) / MR;
    if (!trans_a) {
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, panels * MR), [&](int i) {
        T* dst = ap + (i / MR) * MR * kc + i % MR;
        for (int kk = 0; kk < kc; ++kk)
          dst[kk * MR] = i < mc ? a(ic + i, pc + kk) * scale(pc + kk) : T(0);
      });
    } else {
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, kc), [&](int kk) {
        T const w = scale(pc + kk);
        for (int q = 0; q < panels; ++q) {
          T* dst = ap + q * MR * kc + kk * MR;
          int const i0 = q * MR;
          if (i0 + MR <= mc) {
            for (int i = 0; i < MR; ++i)
              dst[i] = a(pc + kk, ic + i0 + i) * w;
          } else {
            for (int i = 0; i < MR; ++i)
              dst[i] = i0 + i < mc ? a(pc + kk, ic + i0 + i) * w : T(0);
          }
        }
      });
    }
  }

  /// bp[panel j / NR][kk][j % NR] = op(B)(pc + kk, jc + j), zero beyond nc (reads follow
  /// the storage of B).
  KOKKOS_INLINE_FUNCTION void packB(member_type const& team, int pc, int jc, int kc, int nc,
                                    T* bp) const {
    int const panels = (nc + NR - 1) / NR;
    if (!trans_b) {
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, kc), [&](int kk) {
        for (int q = 0; q < panels; ++q) {
          T* dst = bp + q * NR * kc + kk * NR;
          int const j0 = q * NR;
          if (j0 + NR <= nc) {
            for (int j = 0; j < NR; ++j)
              dst[j] = b(pc + kk, jc + j0 + j);
          } else {
            for (int j = 0; j < NR; ++j)
              dst[j] = j0 + j < nc ? b(pc + kk, jc + j0 + j) : T(0);
          }
        }
      });
    } else {
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, panels * NR), [&](int j) {
        T* dst = bp + (j / NR) * NR * kc + j % NR;
        for (int kk = 0; kk < kc; ++kk)
          dst[kk * NR] = j < nc ? b(jc + j, pc + kk) : T(0);
      });
    }
  }

  KOKKOS_INLINE_FUNCTION void operator()(member_type const& team) const {
    int const ic = (team.league_rank() / tiles_n) * tile_m;
    int const jc = (team.league_rank() % tiles_n) * tile_n;
    int const mc = m - ic < tile_m ? m - ic : tile_m;
    int const nc = n - jc < tile_n ? n - jc : tile_n;
    Scratch buf(team.team_scratch(level), MC * KC + KC * NC);
    T* const ap = buf.data();
    T* const bp = buf.data() + MC * KC;
    int const panels_m = (mc + MR - 1) / MR, panels_n = (nc + NR - 1) / NR;
    for (int pc = 0; pc < k; pc += KC) {
      int const kc = k - pc < KC ? k - pc : KC;
      team.team_barrier(); // the previous panels are no longer read
      packA(team, ic, pc, mc, kc, ap);
      packB(team, pc, jc, kc, nc, bp);
      team.team_barrier();
      // jr outer: one kc x NR panel of B stays in L1 while the A panels stream from L2
      Kokkos::parallel_for(Kokkos::TeamThreadRange(team, panels_m * panels_n), [&](int t) {
        int const jr = t / panels_m, ir = t % panels_m;
        int const rows = mc - ir * MR < MR ? mc - ir * MR : MR;
        int const cols = nc - jr * NR < NR ? nc - jr * NR : NR;
        gemmMicroKernel<MR, NR>(kc, ap + ir * MR * kc, bp + jr * NR * kc, alpha, beta, pc == 0, c,
                                ic + ir * MR, jc + jr * NR, rows, cols);
      });
    }
  }
};

} // namespace detail

/// C = beta C + alpha op(A) diag(s) op(B) with op(A) [M][K], op(B) [K][N], C [M][N];
/// s [K] per-k weights (pass an empty View for none). A, B of value type T (float, double);
/// C of T or wider (double: e.g. a message buffer). beta = 0 does not read C. K = 0 gives
/// C = beta C. Products are accumulated in T over at most KC terms, then added to C.
/// Async on `space`; local.
template <class Space, class AView, class BView, class CView, class SView>
void gemm(Space const& space, GemmOp op_a, GemmOp op_b, double alpha, AView const& a,
          BView const& b, double beta, CView const& c, SView const& s) {
  using T = typename AView::non_const_value_type;
  using O = typename CView::non_const_value_type;
  using G = detail::Gemm<Space, AView, BView, CView, SView, detail::kHostVectorBytes>;
  static_assert(Kokkos::SpaceAccessibility<Space, typename CView::memory_space>::accessible,
                "saddle::kernels::gemm: C must be accessible from the space");
  int const m = static_cast<int>(c.extent(0)), n = static_cast<int>(c.extent(1));
  int const k = static_cast<int>(op_a == GemmOp::N ? a.extent(1) : a.extent(0));
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    Kokkos::parallel_for(
        "saddle::kernels::gemm::scale",
        Kokkos::MDRangePolicy<Space, Kokkos::Rank<2>>(space, {0, 0}, {m, n}),
        KOKKOS_LAMBDA(int i, int j) { c(i, j) = beta == 0.0 ? O(0) : O(beta) * c(i, j); });
    return;
  }
  // C tiles: as large as the scratch allows; on parallel host spaces halved (columns first,
  // down to 4 register tiles) until every thread has about two tiles
  int tile_m = G::MC, tile_n = G::NC;
  auto const tiles = [&](int tm, int tn) { return ((m + tm - 1) / tm) * ((n + tn - 1) / tn); };
  if constexpr (kIsHostSpace<Space>) {
    int const want = 2 * space.concurrency();
    while (want > 2 && tiles(tile_m, tile_n) < want && tile_n > 4 * G::NR)
      tile_n = ((tile_n / 2 + G::NR - 1) / G::NR) * G::NR;
    while (want > 2 && tiles(tile_m, tile_n) < want && tile_m > 4 * G::MR)
      tile_m = ((tile_m / 2 + G::MR - 1) / G::MR) * G::MR;
  }
  int const tiles_n = (n + tile_n - 1) / tile_n;
  std::size_t const bytes = G::scratchBytes();
  int const level = detail::scratchLevel(bytes);
  G f{a,
      b,
      c,
      s,
      op_a == GemmOp::T,
      op_b == GemmOp::T,
      T(alpha),
      O(beta),
      m,
      n,
      k,
      tile_m,
      tile_n,
      tiles_n,
      level};
  Kokkos::parallel_for("saddle::kernels::gemm",
                       Kokkos::TeamPolicy<Space>(space, tiles(tile_m, tile_n), G::Tiles::team_size)
                           .set_scratch_size(level, Kokkos::PerTeam(bytes)),
                       f);
}

} // namespace saddle::kernels
