// AVX-512 building blocks: one zmm register is exactly the 16 DOT16 lanes. The lane reduction, the backend exp on
// 16 lanes and exact 16-weight loaders per dtype, each mirroring scalar/scalar_math.h operation for operation.
// Tails use masked zeroing loads: the padded lanes hold +0 and take their FMA like the real ones (the DOT16 tail rule
// in tensorcash.h). Deliberately absent: VDPBF16PS, VNNI, AMX (they round or accumulate differently from DOT16's one
// FMA per element), VSCALEF and VRCP14 (other bits than the scalar exp's exponent construction and division), and
// _mm512_reduce_add_ps (its summation tree is not DOT16's). Only for src/avx512/*.cpp.
#pragma once
#include <immintrin.h>

#include "scalar/scalar_math.h"

namespace tc::avx512 {

// Lanes 0..15 in DOT16's tree (l, l+8) -> (l, l+4) -> (l, l+2) -> (l, l+1), written out: the same adds as
// reduce_lanes16 and avx2::reduce16.
static inline float reduce16(__m512 v) {
    const __m256 lo = _mm512_castps512_ps256(v);
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    const __m256 s8 = _mm256_add_ps(lo, hi);                                                 // (l, l+8)
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));  // (l, l+4)
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));                                 // (l, l+2)
    const __m128 s1 = _mm_add_ss(s2, _mm_movehdup_ps(s2));                                   // (l, l+1)
    return _mm_cvtss_f32(s1);
}

// The first `count` (0..16) lanes.
static inline __mmask16 first_lanes(int count) { return static_cast<__mmask16>((1u << count) - 1u); }

static inline __m512 exp16(__m512 x) {
    const __m512 lo = _mm512_set1_ps(kExpLo);
    const __m512 hi = _mm512_set1_ps(kExpHi);
    // max(lo, x) == (x < lo ? lo : x) and min(hi, xc) == (xc > hi ? hi : xc): operand order matters for NaN.
    __m512 xc = _mm512_max_ps(lo, x);
    xc = _mm512_min_ps(hi, xc);
    const __m512 magic = _mm512_set1_ps(kRoundMagic);
    const __m512 t = _mm512_fmadd_ps(xc, _mm512_set1_ps(kLog2e), magic);
    const __m512 n = _mm512_sub_ps(t, magic);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-kLn2Hi), xc);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(-kLn2Lo), r);
    __m512 p = _mm512_set1_ps(kExpC[7]);
    for (int i = 6; i >= 0; --i) p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(kExpC[i]));
    const __m512i ni = _mm512_cvtps_epi32(n);  // n is an integer already: exact in any rounding mode
    const __m512i e1 = _mm512_srai_epi32(ni, 1);
    const __m512i e2 = _mm512_sub_epi32(ni, e1);
    const __m512i bias = _mm512_set1_epi32(127);
    const __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(e1, bias), 23));
    const __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(e2, bias), 23));
    __m512 y = _mm512_mul_ps(_mm512_mul_ps(p, s1), s2);
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ), y, _mm512_setzero_ps());
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, hi, _CMP_GT_OQ), y, _mm512_set1_ps(INFINITY));
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y, x);
    return y;
}

// Loaders: weights 16*i .. 16*i + 15 of a row (DOT16 block i) widened exactly to fp32; tail() loads the first
// `count` of them and zeroes the rest (masked zeroing loads never touch memory past the row).
struct LoadF32 {
    static constexpr int kBlockBytes = 64;
    static inline __m512 block(const uint8_t* row, int i) { return _mm512_loadu_ps(reinterpret_cast<const float*>(row) + 16 * i); }
    static inline __m512 tail(const uint8_t* row, int i, int count) {
        return _mm512_maskz_loadu_ps(first_lanes(count), reinterpret_cast<const float*>(row) + 16 * i);
    }
};

struct LoadBF16 {
    static constexpr int kBlockBytes = 32;
    static inline __m512 widen(__m256i v) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(v), 16)); }
    static inline __m512 block(const uint8_t* row, int i) {
        return widen(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 32 * i)));
    }
    static inline __m512 tail(const uint8_t* row, int i, int count) {
        return widen(_mm256_maskz_loadu_epi16(first_lanes(count), row + 32 * i));
    }
};

struct LoadF16 {
    static constexpr int kBlockBytes = 32;
    static inline __m512 block(const uint8_t* row, int i) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 32 * i)));
    }
    static inline __m512 tail(const uint8_t* row, int i, int count) {
        return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(first_lanes(count), row + 32 * i));
    }
};

// Q8_0 rows are whole 32-weight blocks, so there is never a tail.
struct LoadQ8_0 {
    static constexpr int kBlockBytes = kQ8BlockBytes / 2;
    static inline __m512 block(const uint8_t* row, int i) {
        const uint8_t* b = row + (i >> 1) * kQ8BlockBytes;
        const __m512 d = _mm512_cvtph_ps(_mm256_set1_epi16(static_cast<short>(load_u16(b))));
        const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 2 + (i & 1) * 16));
        return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q)), d);
    }
    static inline __m512 tail(const uint8_t* row, int i, int) { return block(row, i); }
};

}  // namespace tc::avx512
