// AVX-512 matmul. One zmm is one DOT16's 16 lanes, so every output y[t][r] is a single accumulator that takes one
// FMA per 16-weight block, then the zero-padded tail block (masked zeroing loads), then reduce16: bitwise what dot()
// and the scalar/AVX2 kernels return. The register tiles only share loads between outputs:
//  - prefill: T = 4 tokens x R = 6 rows = 24 accumulators + 6 widened weight vectors + 1 token vector = 31 of the 32
//    zmm registers; per 16-weight block 6 weight loads (each widened once) and 4 token loads feed 24 FMAs, against
//    12 ymm FMAs per 10 loads for AVX2's 3x2x2-half tile. Leftover tokens (m % 4) take 3xR, 2xR and the GEMV tile.
//  - decode (T = 1): R = 4 rows, four independent weight streams for memory-level parallelism, with the next
//    group's lines prefetched (the hardware prefetcher restarts on every short row).
// k is blocked (kBlock16 blocks of 16) so the T token rows stay in L1 while weight rows stream from L2; between
// k blocks each output's 16 lanes are parked in `state` (stored and reloaded bit-exactly), which changes nothing
// numerically. The panel driver (matmul_driver.cpp) keeps each thread's rows in L2 across token groups.
#include "avx512/avx512_kernels.h"
#include "avx512/avx512_math.h"

namespace tc::avx512 {
namespace {

constexpr int kPrefillTokens = 4;
constexpr int kPrefillRows = 6;
constexpr int kDecodeRows = 4;
constexpr int kBlock16 = 64;
constexpr int kSubRows = 4 * kPrefillRows;  // rows whose lanes are parked per token group and k block

// Blocks [i0, i1) of DOT16 for T tokens x R rows. `first` starts from zero lanes; `last` adds the masked tail,
// reduces, adds the bias and writes y.
template <int T, int R, class Load>
__attribute__((always_inline)) inline void tile(const float* x, int n, const uint8_t* w, size_t w_stride, int i0, int i1,
                                                bool first, bool last, float* state, const float* bias, float* y,
                                                size_t ldy) {
    __m512 acc[T][R];
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[t][r] = first ? _mm512_setzero_ps() : _mm512_loadu_ps(state + (t * R + r) * 16);

    for (int i = i0; i < i1; ++i) {
        if constexpr (T == 1) {
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r)
                _mm_prefetch(reinterpret_cast<const char*>(w + (R + r) * w_stride + i * Load::kBlockBytes), _MM_HINT_T0);
        }
        __m512 wv[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            wv[r] = Load::block(w + r * w_stride, i);
            // Keep each widened weight vector in a register for all T tokens instead of letting the compiler fold
            // the load into every FMA (and widen it T times). The empty asm changes no value, only where it lives.
            if constexpr (T > 1) asm("" : "+v"(wv[r]));
        }
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t) {
            const __m512 xv = _mm512_loadu_ps(x + static_cast<size_t>(t) * n + 16 * i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[t][r] = _mm512_fmadd_ps(xv, wv[r], acc[t][r]);
        }
    }
    if (!last) {
#pragma GCC unroll 16
        for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) _mm512_storeu_ps(state + (t * R + r) * 16, acc[t][r]);
        return;
    }
    if (const int rest = n & 15) {
        const int nb = n >> 4;
        const __mmask16 mask = first_lanes(rest);
        for (int r = 0; r < R; ++r) {
            const __m512 wt = Load::tail(w + r * w_stride, nb, rest);
            for (int t = 0; t < T; ++t)
                acc[t][r] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, x + static_cast<size_t>(t) * n + 16 * nb), wt, acc[t][r]);
        }
    }
#pragma GCC unroll 16
    for (int t = 0; t < T; ++t)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) {
            float s = reduce16(acc[t][r]);
            if (bias) s = s + bias[r];
            y[static_cast<size_t>(t) * ldy + r] = s;
        }
}

// All rows of [r0, r1) for one group of T tokens: R-row tiles, then single rows for the remainder.
template <int T, int R, class Load>
void token_group(const float* x, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    const int n = w.cols, nb = n >> 4;
    const int block = T == 1 ? nb + 1 : kBlock16;  // GEMV reuses nothing across rows: whole rows, no k blocks
    alignas(64) float state[T * kSubRows * 16];
    for (int s0 = r0; s0 < r1; s0 += kSubRows) {
        const int s1 = s0 + kSubRows < r1 ? s0 + kSubRows : r1;
        for (int i0 = 0; i0 < nb || i0 == 0; i0 += block) {
            const int i1 = i0 + block < nb ? i0 + block : nb;
            const bool first = i0 == 0, last = i1 == nb;
            int r = s0;
            for (; r + R <= s1; r += R)
                tile<T, R, Load>(x, n, w.row(r), w.row_bytes, i0, i1, first, last, state + (r - s0) * T * 16,
                                 bias ? bias + (r - r0) : nullptr, y + (r - r0), ldy);
            for (; r < s1; ++r)
                tile<T, 1, Load>(x, n, w.row(r), w.row_bytes, i0, i1, first, last, state + (r - s0) * T * 16,
                                 bias ? bias + (r - r0) : nullptr, y + (r - r0), ldy);
            if (last) break;
        }
    }
}

template <class Load>
void matmul_typed(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    const size_t n = static_cast<size_t>(w.cols);
    int t = 0;
    for (; t + kPrefillTokens <= m; t += kPrefillTokens)
        token_group<kPrefillTokens, kPrefillRows, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
    if (m - t == 3) token_group<3, kPrefillRows, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
    if (m - t == 2) token_group<2, kPrefillRows, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
    if (m - t == 1) token_group<1, kDecodeRows, Load>(x + t * n, w, r0, r1, bias, y + t * ldy, ldy);
}

}  // namespace

void matmul(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    switch (w.dtype) {
        case TC_DTYPE_F32: return matmul_typed<LoadF32>(x, m, w, r0, r1, bias, y, ldy);
        case TC_DTYPE_BF16: return matmul_typed<LoadBF16>(x, m, w, r0, r1, bias, y, ldy);
        case TC_DTYPE_F16: return matmul_typed<LoadF16>(x, m, w, r0, r1, bias, y, ldy);
        default: return matmul_typed<LoadQ8_0>(x, m, w, r0, r1, bias, y, ldy);
    }
}

}  // namespace tc::avx512
