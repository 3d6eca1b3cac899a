// Scalar definitions of DOT16, the backend exp, the backend fp64 log and sin/cos, written one IEEE operation at a time. They
// are the specification the SIMD kernels reproduce, and the SIMD kernels also use them for their tails.
// static inline: see dtype.h for why these must keep internal linkage.
#pragma once
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "dtype.h"

namespace tc {

// Fixed lane tree (l, l+8) -> (l, l+4) -> (l, l+2) -> (l, l+1).
static inline float reduce_lanes16(float* a) {
    for (int l = 0; l < 8; ++l) a[l] = a[l] + a[l + 8];
    for (int l = 0; l < 4; ++l) a[l] = a[l] + a[l + 4];
    for (int l = 0; l < 2; ++l) a[l] = a[l] + a[l + 2];
    return a[0] + a[1];
}

// The tail block is zero-padded and every one of its 16 lanes takes its FMA, padding included: fma(+0, +0, acc) is
// not a no-op, it turns a lane holding -0 (a sum of underflowed negative products) into +0 (round to nearest:
// -0 + +0 = +0). Skipping the padded lanes would keep that -0 and give other bits than the SIMD kernels, whose
// padded lanes take the FMA like the others (masked zeroing loads in AVX-512, a zeroed buffer in AVX2).
static inline float dot16_scalar(const float* x, const float* y, int n) {
    float acc[16] = {0};
    int k = 0;
    for (; k + 16 <= n; k += 16)
        for (int l = 0; l < 16; ++l) acc[l] = std::fma(x[k + l], y[k + l], acc[l]);
    if (k < n)
        for (int l = 0; l < 16; ++l) {
            const bool real = k + l < n;
            acc[l] = std::fma(real ? x[k + l] : 0.0f, real ? y[k + l] : 0.0f, acc[l]);
        }
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

// log_f64: the backend's fp64 natural log, used once per step by tc_logit_statistics (proof-of-inference.md §4.1).
// Why not std::log: the statistics are consensus data compared bit for bit, and libms (glibc, musl, MSVC, a GPU's
// libdevice) differ by an ulp here and there; an ulp next to an fp32 rounding boundary would make an honest block fail
// on another platform. This is a fixed sequence of IEEE fp64 + - * / (round to nearest, no FMA: the library is built
// with -ffp-contract=off, and FLT_EVAL_METHOD 0 is asserted below, so no x87 extended precision), which every
// conforming platform evaluates to the same bits.
//   x = 2^e * m, m in [sqrt(1/2), sqrt(2)), by bit manipulation (exact; subnormals are first scaled by 2^54, exact).
//   s = (m - 1) / (m + 1) (m - 1 is exact by Sterbenz), |s| <= 0.17158, z = s*s <= 0.029440;
//   ln m = 2 atanh(s) = f + f*(z*q) with f = s + s and q = 1/3 + z/5 + ... + z^8/19 (Horner, from 1/19 down to 1/3);
//   ln x = e*ln2_hi + (e*ln2_lo + ln m), e*ln2_hi exact (ln2_hi has 32 significant bits, |e| <= 1074).
// Error: series truncation <= (z^10/21) / (1 - z) < 2.4e-17 < 2^-55 relative to ln m; with the roundings (mostly
// the two in s) the result is within 2 ulp of ln x (max 1.94 ulp measured against 200-bit arithmetic over 3*10^5
// points, subnormals included), i.e. within 2^-51 relative. Special values follow the C library: NaN -> NaN,
// x < 0 -> NaN, +-0 -> -inf, +inf -> +inf.
constexpr uint64_t kLogMantissaMask = 0x000fffffffffffffull;
constexpr uint64_t kLogSqrt2Mantissa = 0x6a09e667f3bcdull;  // mantissa field of fp64(sqrt(2)) = 0x3ff6a09e667f3bcd
constexpr double kLogLn2Hi = 0x1.62e42feep-1;              // 0x3fe62e42fee00000
constexpr double kLogLn2Lo = 0x1.a39ef35793c76p-33;        // 0x3dea39ef35793c76, ln2 - ln2_hi rounded
constexpr double kLogTwo54 = 0x1p54;
// kLogC[i] = fp64(1 / (2i + 3)), i = 0..8: 1/3, 1/5, ..., 1/19.
constexpr double kLogC[9] = {0x1.5555555555555p-2, 0x1.999999999999ap-3, 0x1.2492492492492p-3,
                             0x1.c71c71c71c71cp-4, 0x1.745d1745d1746p-4, 0x1.3b13b13b13b14p-4,
                             0x1.1111111111111p-4, 0x1.e1e1e1e1e1e1ep-5, 0x1.af286bca1af28p-5};
static_assert(FLT_EVAL_METHOD == 0, "log_f64 needs fp64 operations rounded to fp64 (no x87 excess precision)");

static inline double bits_to_double(uint64_t u) {
    double d;
    std::memcpy(&d, &u, sizeof d);
    return d;
}

static inline uint64_t double_to_bits(double d) {
    uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    return u;
}

static inline double log_f64(double x) {
    if (!(x == x)) return x;                  // NaN
    if (x < 0.0) return (x - x) / (x - x);    // NaN (also for -inf)
    if (x == 0.0) return -INFINITY;
    if (x == INFINITY) return x;
    int32_t e = 0;
    if (x < 0x1p-1022) {                      // subnormal: scale into the normal range (exact)
        x = x * kLogTwo54;
        e = -54;
    }
    const uint64_t bits = double_to_bits(x);
    const uint64_t mantissa = bits & kLogMantissaMask;
    e += static_cast<int32_t>(bits >> 52) - 1023;  // sign bit is 0 here
    uint64_t biased = 1023;                   // m in [1, sqrt(2))
    if (mantissa >= kLogSqrt2Mantissa) {      // m in [sqrt(2)/2, 1)
        biased = 1022;
        e += 1;
    }
    const double m = bits_to_double((biased << 52) | mantissa);
    const double s = (m - 1.0) / (m + 1.0);
    const double f = s + s;
    const double z = s * s;
    double q = kLogC[8];
    for (int i = 7; i >= 0; --i) q = q * z + kLogC[i];
    const double ln_m = f + f * (z * q);
    const double ed = static_cast<double>(e);
    return ed * kLogLn2Hi + (ed * kLogLn2Lo + ln_m);
}

// sincos_f64: the backend's fp64 sine and cosine, used only to build the RoPE tables (rope.cpp; definition:
// proof-of-inference.md §4.2). Why not std::sin/std::cos: the tables feed every logit, which consensus replays bit for
// bit, and libms differ by an ulp here and there; an ulp next to the fp32 rounding of a table entry would change a
// logit bit on another platform. Like log_f64 this is a fixed sequence of IEEE fp64 + - * / (no FMA, no libm), so
// every conforming platform gets the same bits.
//   k = round(x * 2/pi) by the 1.5 * 2^52 trick (ties to even); r = ((x - k*C1) - k*C2) - k*C3 with pi/2 split
//   Cody-Waite style into C1 (31 significant bits), C2 (32 bits) and C3 (the rest, rounded), so k*C1 and k*C2 are
//   exact for |k| < 2^21 and x - k*C1 is exact (Sterbenz); |r| <= pi/4 (plus a rounding hair).
//   sin r = r + r*(z*S(z)), S = -1/3! + z/5! - ... + z^7/17! (Horner from 1/17! down to -1/3!), z = r*r;
//   cos r = 1 + z*C(z),     C = -1/2! + z/4! - ... + z^7/16!; coefficients are the correctly rounded fp64 Taylor ones.
//   quadrant q = k mod 4: (sin x, cos x) = (s, c), (c, -s), (-s, -c), (-c, s) for q = 0, 1, 2, 3.
// Valid range |x| <= 2^20 (k <= 667544; RoPE needs pos * inv_freq, inv_freq <= 1 for theta >= 1; tc_model_create
// rejects a config whose angles would leave it); outside it, and for NaN/inf, both results are NaN.
// Error: truncation < 2^-60 (|r|^19/19!, |r|^18/18!); the reduction adds <= 2^-53 absolute (two roundings of r,
// pi/2 - C1 - C2 - C3 < 2^-122 times k), the polynomials about an ulp: within 2^-51 absolute of the exact sin/cos of
// the fp64 argument (2^-52.2 the worst measured against 113-bit arithmetic over 6*10^6 points) - far below the fp32
// rounding of the table.
constexpr double kTrigMaxArg = 0x1p20;
constexpr double kTrigTwoOverPi = 0x1.45f306dc9c883p-1;  // 0x3fe45f306dc9c883
constexpr double kTrigPio2C1 = 0x1.921fb544p0;            // 0x3ff921fb54400000
constexpr double kTrigPio2C2 = 0x1.0b4611a6p-34;          // 0x3dd0b4611a600000
constexpr double kTrigPio2C3 = 0x1.3198a2e037073p-69;     // 0x3ba3198a2e037073
constexpr double kTrigRoundMagic = 0x1.8p52;              // 1.5 * 2^52
// kSinS[j] = fp64((-1)^j / (2j+1)!), j = 1..8 (index 0 unused); kCosC[j] = fp64((-1)^j / (2j)!), j = 1..8.
constexpr double kSinS[9] = {0.0,
                             -0x1.5555555555555p-3, 0x1.1111111111111p-7, -0x1.a01a01a01a01ap-13, 0x1.71de3a556c734p-19,
                             -0x1.ae64567f544e4p-26, 0x1.6124613a86d09p-33, -0x1.ae7f3e733b81fp-41, 0x1.952c77030ad4ap-49};
constexpr double kCosC[9] = {0.0,
                             -0x1p-1, 0x1.5555555555555p-5, -0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-16,
                             -0x1.27e4fb7789f5cp-22, 0x1.1eed8eff8d898p-29, -0x1.93974a8c07c9dp-37, 0x1.ae7f3e733b81fp-45};

static inline void sincos_f64(double x, double& sin_out, double& cos_out) {
    if (!(x >= -kTrigMaxArg && x <= kTrigMaxArg)) {  // NaN, +-inf, or outside the valid range
        sin_out = cos_out = NAN;
        return;
    }
    const double kd = (x * kTrigTwoOverPi + kTrigRoundMagic) - kTrigRoundMagic;
    const double r = ((x - kd * kTrigPio2C1) - kd * kTrigPio2C2) - kd * kTrigPio2C3;
    const double z = r * r;
    double qs = kSinS[8];
    for (int j = 7; j >= 1; --j) qs = qs * z + kSinS[j];
    double qc = kCosC[8];
    for (int j = 7; j >= 1; --j) qc = qc * z + kCosC[j];
    const double s = r + r * (z * qs);
    const double c = 1.0 + z * qc;
    switch (static_cast<int64_t>(kd) & 3) {
        case 0: sin_out = s; cos_out = c; break;
        case 1: sin_out = c; cos_out = -s; break;
        case 2: sin_out = -s; cos_out = -c; break;
        default: sin_out = -c; cos_out = s; break;
    }
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
