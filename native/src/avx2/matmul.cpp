// AVX2 matmul. Every output y[t][r] is one DOT16(x[t], w[r]); the register tiles below only share loads
// between outputs (a widened weight vector is reused by T tokens, a token vector by R rows), and the two
// 8-lane halves of a DOT16 are independent until reduce16, so each output is bitwise what dot() returns.
//  - F32/F16/Q8_0 prefill: T=3 tokens x R=2 rows x both halves = 12 accumulators, 10 loads per 12 FMAs.
//  - BF16 prefill: T=4 tokens x R=3 rows, one half at a time (12 accumulators + 3 weight vectors + 1 token
//    vector = 16 ymm), 7 loads per 12 FMAs; each k block is swept for half 0 then half 1, the second sweep
//    finding the block's token and weight lines in L1: +6-12% over 3x2 for BF16. For F32 it is slower at
//    d_model 1024, probably because with 4 KB rows the 4 token rows and the current and previous 3 weight
//    rows map to the same L1 sets (10 lines per 8-way set; this VM exposes no counters to confirm it).
//    Neither copying x to a shifted buffer nor prefetching the next tile helped, so F32 keeps 3x2. Leftover tokens (m % 4) take the 3x2/2x2/GEMV tiles.
//  - T=1 x R=4: decode GEMV, four independent weight streams for memory-level parallelism.
// The caller (matmul_driver.cpp) hands each thread a panel of rows small enough to stay in L2 while all
// token groups pass over it, so weights come from DRAM once per matmul whatever M is; within a token
// group, k is blocked so the token rows stay in L1 (see token_group).
#include "avx2/avx2_kernels.h"
#include "avx2/avx2_math.h"

namespace tc::avx2 {
namespace {

// Zero-padded last block (cols % 16 != 0); only F32/BF16/F16 can have one (Q8_0 rows are whole blocks).
struct Tail {
    alignas(32) float v[16];
};

static inline void load_tail_x(const float* x, int k0, int n, Tail& out) {
    for (int l = 0; l < 16; ++l) out.v[l] = k0 + l < n ? x[k0 + l] : 0.0f;
}

static inline void load_tail_w(const uint8_t* row, int32_t dtype, int k0, int n, Tail& out) {
    for (int l = 0; l < 16; ++l) out.v[l] = k0 + l < n ? weight_at(row, dtype, k0 + l) : 0.0f;
}

// Accumulates 16-element blocks [i0, i1) of DOT16 for T tokens x R rows. The 16 fp32 lanes of each
// output live in `state` between calls (stored and reloaded bit-exactly), so splitting k into blocks
// changes nothing numerically. `first` starts from zero lanes; `last` adds the zero-padded tail, reduces
// with the DOT16 tree, adds the bias and writes y.
template <int T, int R, class Load>
__attribute__((always_inline)) inline void tile(const float* x, int n, const uint8_t* w, size_t w_stride, int32_t dtype,
                                                int i0, int i1, bool first, bool last, float* state, const float* bias,
                                                float* y, size_t ldy) {
    __m256 acc[T][R][2];
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r)
            for (int h = 0; h < 2; ++h)
                acc[t][r][h] = first ? _mm256_setzero_ps() : _mm256_loadu_ps(state + ((t * R + r) * 2 + h) * 8);

    // Per half: the T token vectors in registers, then one weight vector at a time reused by all T tokens
    // (10 loads per 12 FMAs for the 3x2 tile, so the loop is FMA-bound rather than load-bound).
    for (int i = i0; i < i1; ++i) {
        // GEMV streams short rows (a few KB): the hardware prefetcher would restart on every new group of R
        // rows, so fetch the next group's lines while this one computes.
        if constexpr (T == 1) {
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r)
                _mm_prefetch(reinterpret_cast<const char*>(w + (R + r) * w_stride + i * Load::kBlockBytes), _MM_HINT_T0);
        }
#pragma GCC unroll 2
        for (int h = 0; h < 2; ++h) {
            __m256 xv[T];
#pragma GCC unroll 16
            for (int t = 0; t < T; ++t) {
                xv[t] = _mm256_loadu_ps(x + static_cast<size_t>(t) * n + 16 * i + 8 * h);
                // Pin the token vectors in registers: left alone, GCC folds them into the FMAs as memory
                // operands (one reload per row), 16 loads per 12 FMAs instead of 10, and the tile turns
                // load-bound. The empty asm changes no value, only where it lives.
                if constexpr (T > 1) asm("" : "+x"(xv[t]));
            }
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) {
                const __m256 wv = Load::half(w + r * w_stride, i, h);
#pragma GCC unroll 16
                for (int t = 0; t < T; ++t) acc[t][r][h] = _mm256_fmadd_ps(xv[t], wv, acc[t][r][h]);
            }
        }
    }
    if (!last) {
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r)
                for (int h = 0; h < 2; ++h) _mm256_storeu_ps(state + ((t * R + r) * 2 + h) * 8, acc[t][r][h]);
        return;
    }
    if (n & 15) {
        const int k0 = (n >> 4) * 16;
        for (int r = 0; r < R; ++r) {
            Tail wt;
            load_tail_w(w + r * w_stride, dtype, k0, n, wt);
            for (int t = 0; t < T; ++t) {
                Tail xt;
                load_tail_x(x + static_cast<size_t>(t) * n, k0, n, xt);
                acc[t][r][0] = _mm256_fmadd_ps(_mm256_load_ps(xt.v), _mm256_load_ps(wt.v), acc[t][r][0]);
                acc[t][r][1] = _mm256_fmadd_ps(_mm256_load_ps(xt.v + 8), _mm256_load_ps(wt.v + 8), acc[t][r][1]);
            }
        }
    }
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            float s = reduce16(acc[t][r][0], acc[t][r][1]);
            if (bias) s = s + bias[r];
            y[static_cast<size_t>(t) * ldy + r] = s;
        }
}

// k is processed in blocks of kBlock16 x 16 elements so the T token rows being reused stay in L1 (3 x 4 KB)
// while weight rows stream past from L2; the lanes of up to kSubRows outputs per token are parked in `state`.
constexpr int kBlock16 = 64;
constexpr int kSubRows = 16;

// The per-half tile: the same 64-block k step (4 token rows x 4 KB plus 3 weight rows stay in L1 between
// the two half sweeps) and sub-panels of 18 rows (whole 3-row tiles).
constexpr int kHalfBlock16 = 64;
constexpr int kHalfSubRows = 18;

// One DOT16 half h (lanes 8h..8h+7) of T tokens x R rows over blocks [i0, i1): T*R accumulators, R weight
// vectors held in registers, one token vector at a time. The lanes live in state[(t*R + r)*2 + h] between
// calls, stored and reloaded bit-exactly.
template <int T, int R, class Load>
__attribute__((always_inline)) inline void half_tile(const float* x, int n, const uint8_t* w, size_t w_stride, int h,
                                                     int i0, int i1, bool first, float* state) {
    __m256 acc[T][R];
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r)
            acc[t][r] = first ? _mm256_setzero_ps() : _mm256_load_ps(state + ((t * R + r) * 2 + h) * 8);
    const float* xh = x + 8 * h;
    for (int i = i0; i < i1; ++i) {
        __m256 wv[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            wv[r] = Load::half(w + r * w_stride, i, h);
            asm("" : "+x"(wv[r]));
        }
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
            __m256 xv = _mm256_loadu_ps(xh + static_cast<size_t>(t) * n + 16 * i);
            asm("" : "+x"(xv));
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[t][r] = _mm256_fmadd_ps(xv, wv[r], acc[t][r]);
        }
    }
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) _mm256_store_ps(state + ((t * R + r) * 2 + h) * 8, acc[t][r]);
}

// Completes T x R outputs whose full blocks are in state: the zero-padded tail, the DOT16 tree, bias, y.
template <int T, int R>
inline void finish(const float* x, int n, const uint8_t* w, size_t w_stride, int32_t dtype, const float* state,
                   const float* bias, float* y, size_t ldy) {
    for (int r = 0; r < R; ++r) {
        Tail wt;
        if (n & 15) load_tail_w(w + r * w_stride, dtype, (n >> 4) * 16, n, wt);
        for (int t = 0; t < T; ++t) {
            __m256 a0 = _mm256_load_ps(state + ((t * R + r) * 2 + 0) * 8);
            __m256 a1 = _mm256_load_ps(state + ((t * R + r) * 2 + 1) * 8);
            if (n & 15) {
                Tail xt;
                load_tail_x(x + static_cast<size_t>(t) * n, (n >> 4) * 16, n, xt);
                a0 = _mm256_fmadd_ps(_mm256_load_ps(xt.v), _mm256_load_ps(wt.v), a0);
                a1 = _mm256_fmadd_ps(_mm256_load_ps(xt.v + 8), _mm256_load_ps(wt.v + 8), a1);
            }
            float s = reduce16(a0, a1);
            if (bias) s = s + bias[r];
            y[static_cast<size_t>(t) * ldy + r] = s;
        }
    }
}

// T tokens, rows [r0, r1): per k block and R-row tile, sweep half 0 then half 1 (the second sweep finds the
// block's token and weight lines in L1).
template <int T, int R, class Load>
void half_token_group(const float* x, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    const int n = w.cols, nb = n >> 4;
    alignas(32) float state[T * kHalfSubRows * 16];
    for (int s0 = r0; s0 < r1; s0 += kHalfSubRows) {
        const int s1 = s0 + kHalfSubRows < r1 ? s0 + kHalfSubRows : r1;
        for (int i0 = 0; i0 < nb || i0 == 0; i0 += kHalfBlock16) {
            const int i1 = i0 + kHalfBlock16 < nb ? i0 + kHalfBlock16 : nb;
            const bool first = i0 == 0, last = i1 == nb;
            int r = s0;
            for (; r + R <= s1; r += R) {
                float* st = state + (r - s0) * T * 16;
                for (int h = 0; h < 2; ++h) half_tile<T, R, Load>(x, n, w.row(r), w.row_bytes, h, i0, i1, first, st);
                if (last)
                    finish<T, R>(x, n, w.row(r), w.row_bytes, w.dtype, st, bias ? bias + (r - r0) : nullptr, y + (r - r0), ldy);
            }
            for (; r < s1; ++r) {
                float* st = state + (r - s0) * T * 16;
                for (int h = 0; h < 2; ++h) half_tile<T, 1, Load>(x, n, w.row(r), w.row_bytes, h, i0, i1, first, st);
                if (last)
                    finish<T, 1>(x, n, w.row(r), w.row_bytes, w.dtype, st, bias ? bias + (r - r0) : nullptr, y + (r - r0), ldy);
            }
            if (last) break;
        }
    }
}

// All rows of [r0, r1) for one group of T tokens: R-row tiles, then single rows for the remainder.
template <int T, int R, class Load>
void token_group(const float* x, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    const int n = w.cols, nb = n >> 4;
    // A single token (GEMV) reuses nothing across rows, so it streams whole rows without k blocks.
    const int block = T == 1 ? nb + 1 : kBlock16;
    alignas(32) float state[T * kSubRows * 16];
    for (int s0 = r0; s0 < r1; s0 += kSubRows) {
        const int s1 = s0 + kSubRows < r1 ? s0 + kSubRows : r1;
        for (int i0 = 0; i0 < nb || i0 == 0; i0 += block) {
            const int i1 = i0 + block < nb ? i0 + block : nb;
            const bool first = i0 == 0, last = i1 == nb;
            int r = s0;
            for (; r + R <= s1; r += R)
                tile<T, R, Load>(x, n, w.row(r), w.row_bytes, w.dtype, i0, i1, first, last, state + (r - s0) * T * 16,
                                 bias ? bias + (r - r0) : nullptr, y + (r - r0), ldy);
            for (; r < s1; ++r)
                tile<T, 1, Load>(x, n, w.row(r), w.row_bytes, w.dtype, i0, i1, first, last, state + (r - s0) * T * 16,
                                 bias ? bias + (r - r0) : nullptr, y + (r - r0), ldy);
            if (last) break;
        }
    }
}

// kHalfTiles: whether groups of 4 tokens take the per-half 4x3 tile (BF16) or all groups of 3 take
// the 3x2 tile (F32, F16, Q8_0); see the top of the file.
template <class Load, bool kHalfTiles>
void matmul_typed(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y,
                  size_t ldy) {
    const size_t n = static_cast<size_t>(w.cols);
    int t = 0;
    if constexpr (kHalfTiles)
        for (; t + 4 <= m; t += 4) half_token_group<4, 3, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
    for (; t + 3 <= m; t += 3) token_group<3, 2, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
    if (m - t == 2) token_group<2, 2, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
    if (m - t == 1) token_group<1, 4, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
}

}  // namespace

void matmul(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    switch (w.dtype) {
        case TC_DTYPE_F32: return matmul_typed<LoadF32, false>(x, m, w, r0, r1, bias, y, ldy);
        case TC_DTYPE_BF16: return matmul_typed<LoadBF16, true>(x, m, w, r0, r1, bias, y, ldy);
        case TC_DTYPE_F16: return matmul_typed<LoadF16, false>(x, m, w, r0, r1, bias, y, ldy);
        default: return matmul_typed<LoadQ8_0, false>(x, m, w, r0, r1, bias, y, ldy);
    }
}

}  // namespace tc::avx2
