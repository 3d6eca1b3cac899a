// Scalar definitions of DOT16 and the backend exp, written one IEEE operation at a time. They are the
// specification the SIMD kernels reproduce, and the SIMD kernels also use them for their tails.
// static inline: see dtype.h for why these must keep internal linkage.
#pragma once
#include <cmath>
#include <cstdint>

#include "dtype.h"

namespace tc {

// Fixed lane tree (l, l+8) -> (l, l+4) -> (l, l+2) -> (l, l+1).
static inline float reduce_lanes16(float* a) {
    for (int l = 0; l < 8; ++l) a[l] = a[l] + a[l + 8];
    for (int l = 0; l < 4; ++l) a[l] = a[l] + a[l + 4];
    for (int l = 0; l < 2; ++l) a[l] = a[l] + a[l + 2];
    return a[0] + a[1];
}

// Zero padding of the tail is implicit: fma(0, 0, acc) == acc for every acc the lanes can hold
// (they start at +0 and an fma with a +0 addend never yields -0).
static inline float dot16_scalar(const float* x, const float* y, int n) {
    float acc[16] = {0};
    int k = 0;
    for (; k + 16 <= n; k += 16)
        for (int l = 0; l < 16; ++l) acc[l] = std::fma(x[k + l], y[k + l], acc[l]);
    for (int l = 0; k + l < n; ++l) acc[l] = std::fma(x[k + l], y[k + l], acc[l]);
    return reduce_lanes16(acc);
}

// exp constants: range reduction x = n*ln2 + r with ln2 split in a short high part (exact n*C1) and a
// correction, then a degree-7 Taylor polynomial on |r| <= ln2/2 (truncation error < 6e-9 relative).
constexpr float kExpLo = -87.33654475f;  // ln(2^-126): below this the result flushes to 0
constexpr float kExpHi = 88.72283935f;   // above this the result is +inf
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kRoundMagic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer (ties to even)
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
constexpr float kExpC[8] = {1.0f,         1.0f,          0.5f,           1.66666667e-1f,
                            4.16666667e-2f, 8.33333333e-3f, 1.38888889e-3f, 1.98412698e-4f};

static inline float exp_scalar(float x) {
    if (!(x == x)) return x;  // NaN passes through unchanged
    float xc = x < kExpLo ? kExpLo : x;
    xc = xc > kExpHi ? kExpHi : xc;
    const float t = std::fma(xc, kLog2e, kRoundMagic);
    const float n = t - kRoundMagic;
    float r = std::fma(n, -kLn2Hi, xc);
    r = std::fma(n, -kLn2Lo, r);
    float p = kExpC[7];
    for (int i = 6; i >= 0; --i) p = std::fma(p, r, kExpC[i]);
    // 2^n in two halves so n = 128 (x near kExpHi) still builds from normal powers of two.
    const int32_t ni = static_cast<int32_t>(n);
    const int32_t e1 = ni >> 1;
    const int32_t e2 = ni - e1;
    const float s1 = bits_to_float(static_cast<uint32_t>(e1 + 127) << 23);
    const float s2 = bits_to_float(static_cast<uint32_t>(e2 + 127) << 23);
    float y = (p * s1) * s2;
    y = x < kExpLo ? 0.0f : y;
    y = x > kExpHi ? INFINITY : y;
    return y;
}

static inline float silu_mul_scalar(float g, float u) {
    const float e = exp_scalar(-g);
    const float den = 1.0f + e;
    return (g / den) * u;
}

// One entry of the proof statistics' lane sums (tc_logit_statistics): d = x - max in fp32, e = exp(d); the fp64
// product e * d is exact (24 + 24 significand bits), so an FMA and a multiply-then-add give the same sum.
static inline void logit_lane_step(float x, float max, bool negate, double& sum_exp, double& weighted, double& sketch) {
    const float d = x - max;
    const double dd = d;
    const double ed = exp_scalar(d);
    sum_exp += ed;
    weighted += ed * dd;
    sketch += negate ? -dd : dd;
}

static inline bool negate_bit(const uint8_t* negate, int v) { return (negate[v >> 3] >> (v & 7)) & 1; }

}  // namespace tc
