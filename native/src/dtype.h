// Weight matrices as the kernels see them, and the exact widening of every weight dtype to fp32.
// These helpers have internal linkage (static inline) on purpose: they are included by translation
// units compiled with different -m flags, and an ODR-merged copy built with AVX2 must never be
// called from the scalar path.
#pragma once
#include <cstdint>
#include <cstring>

#include "tensorcash.h"

namespace tc {

constexpr int kQ8BlockElems = 32;
constexpr int kQ8BlockBytes = 34;  // f16 scale + 32 int8

struct WeightMatrix {
    const uint8_t* data = nullptr;
    int32_t dtype = TC_DTYPE_F32;
    int32_t rows = 0;
    int32_t cols = 0;
    size_t row_bytes = 0;

    const uint8_t* row(int64_t r) const { return data + static_cast<size_t>(r) * row_bytes; }
};

static inline float bits_to_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint32_t float_to_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

static inline float bf16_to_float(uint16_t h) { return bits_to_float(static_cast<uint32_t>(h) << 16); }

// Exact IEEE half -> single, bit-for-bit what F16C's vcvtph2ps produces (NaNs are quieted like F16C does).
static inline float f16_to_float(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) return bits_to_float(sign | 0x7f800000u | (mant << 13) | (mant ? 0x400000u : 0u));
    if (exp != 0) return bits_to_float(sign | ((exp + 112u) << 23) | (mant << 13));
    if (mant == 0) return bits_to_float(sign);
    // Subnormal half: normalise; every half subnormal is a normal single.
    uint32_t e = 113;
    while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --e;
    }
    return bits_to_float(sign | (e << 23) | ((mant & 0x3ffu) << 13));
}

static inline uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Element c of a weight row, widened exactly (for Q8_0 d*q is exact in fp32: 11 x 8 significant bits).
static inline float weight_at(const uint8_t* row, int32_t dtype, int64_t c) {
    switch (dtype) {
        case TC_DTYPE_F32: {
            float f;
            std::memcpy(&f, row + 4 * c, sizeof f);
            return f;
        }
        case TC_DTYPE_F16: return f16_to_float(load_u16(row + 2 * c));
        case TC_DTYPE_BF16: return bf16_to_float(load_u16(row + 2 * c));
        default: {
            const uint8_t* block = row + (c / kQ8BlockElems) * kQ8BlockBytes;
            const float d = f16_to_float(load_u16(block));
            return d * static_cast<float>(static_cast<int8_t>(block[2 + c % kQ8BlockElems]));
        }
    }
}

static inline void widen_row(const uint8_t* row, int32_t dtype, int64_t begin, int64_t count, float* out) {
    for (int64_t i = 0; i < count; ++i) out[i] = weight_at(row, dtype, begin + i);
}

}  // namespace tc
