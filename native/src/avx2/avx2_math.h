// AVX2 building blocks: DOT16 lane reduction, the backend exp on 8 lanes, and exact 16-weight loaders
// per dtype. Each mirrors scalar/scalar_math.h operation for operation. Only for src/avx2/*.cpp.
#pragma once
#include <immintrin.h>

#include "scalar/scalar_math.h"

namespace tc::avx2 {

// DOT16 lanes 0..7 live in lo, 8..15 in hi; same tree as reduce_lanes16.
static inline float reduce16(__m256 lo, __m256 hi) {
    const __m256 s8 = _mm256_add_ps(lo, hi);                                                   // (l, l+8)
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));    // (l, l+4)
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));                                   // (l, l+2)
    const __m128 s1 = _mm_add_ss(s2, _mm_movehdup_ps(s2));                                     // (l, l+1)
    return _mm_cvtss_f32(s1);
}

static inline __m256 exp8(__m256 x) {
    const __m256 lo = _mm256_set1_ps(kExpLo);
    const __m256 hi = _mm256_set1_ps(kExpHi);
    // max(lo, x) == (x < lo ? lo : x) and min(hi, xc) == (xc > hi ? hi : xc), operand order matters.
    __m256 xc = _mm256_max_ps(lo, x);
    xc = _mm256_min_ps(hi, xc);
    const __m256 magic = _mm256_set1_ps(kRoundMagic);
    const __m256 t = _mm256_fmadd_ps(xc, _mm256_set1_ps(kLog2e), magic);
    const __m256 n = _mm256_sub_ps(t, magic);
    __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(-kLn2Hi), xc);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(-kLn2Lo), r);
    __m256 p = _mm256_set1_ps(kExpC[7]);
    for (int i = 6; i >= 0; --i) p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(kExpC[i]));
    const __m256i ni = _mm256_cvtps_epi32(n);
    const __m256i e1 = _mm256_srai_epi32(ni, 1);
    const __m256i e2 = _mm256_sub_epi32(ni, e1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(e1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(e2, bias), 23));
    __m256 y = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
    y = _mm256_blendv_ps(y, _mm256_setzero_ps(), _mm256_cmp_ps(x, lo, _CMP_LT_OQ));
    y = _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), _mm256_cmp_ps(x, hi, _CMP_GT_OQ));
    y = _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
    return y;
}

// Loaders: weights 16*i + 8*h .. +7 of a row (half h of DOT16 block i), widened exactly to fp32. Working
// in halves lets the GEMM tile hold 12 accumulators plus its operands in the 16 ymm registers.
struct LoadF32 {
    static constexpr int kBlockBytes = 64;  // bytes of one 16-weight block, for prefetch distances
    static inline __m256 half(const uint8_t* row, int i, int h) {
        return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + 16 * i + 8 * h);
    }
};

struct LoadBF16 {
    static constexpr int kBlockBytes = 32;
    static inline __m256 half(const uint8_t* row, int i, int h) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 32 * i + 16 * h));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(v), 16));
    }
};

struct LoadF16 {
    static constexpr int kBlockBytes = 32;
    static inline __m256 half(const uint8_t* row, int i, int h) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 32 * i + 16 * h)));
    }
};

struct LoadQ8_0 {
    static constexpr int kBlockBytes = kQ8BlockBytes / 2;
    static inline __m256 half(const uint8_t* row, int i, int h) {
        const uint8_t* block = row + (i >> 1) * kQ8BlockBytes;
        // F16C widens the scale exactly, like f16_to_float.
        const __m256 d = _mm256_cvtph_ps(_mm_set1_epi16(static_cast<short>(load_u16(block))));
        const __m128i q = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(block + 2 + (i & 1) * 16 + 8 * h));
        return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q)), d);
    }
};

}  // namespace tc::avx2
