// The per-ISA kernel table. cpu_features.cpp picks one table at run time (tc_isa_set / AUTO); every
// entry computes exactly the formulas of the numerical contract in tensorcash.h, so switching tables
// never changes a single bit of any result - only the speed.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dtype.h"

namespace tc {

// Per-lane sums of the proof statistics over one logit row (tensorcash.h, tc_logit_statistics): lane l holds the
// entries v = l, l + 16, l + 32, ... in increasing v.
constexpr int kLogitLanes = 16;
struct LogitLanes {
    float max;  // the row maximum, +0 if it is a zero of either sign
    double sum_exp[kLogitLanes];
    double weighted[kLogitLanes];
    double sketch[kLogitLanes];
};

struct Kernels {
    int32_t isa;
    // Canonical DOT16 of two fp32 vectors.
    float (*dot)(const float* x, const float* y, int n);
    // y[t*ldy + (r - r0)] = DOT16(x[t], w.row(r)) (+ bias[r - r0]) for t < m, r in [r0, r1).
    void (*matmul)(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y,
                   size_t ldy);
    void (*exp)(const float* x, int n, float* y);
    // y = silu(g) * u
    void (*swiglu)(const float* g, const float* u, int n, float* y);
    // One row: y = x * (1 / sqrt(DOT16(x,x)/d + eps)) * w
    void (*rmsnorm)(const float* x, int d, const float* w, float eps, float* y);
    // One query head against n_keys keys/values spaced kv_stride floats apart; scores has n_keys floats.
    void (*attention)(const float* q, const float* k, const float* v, size_t kv_stride, int n_keys, int head_dim,
                      float scale, float* scores, float* out);
    // The lane sums of tc_logit_statistics for n >= 1 entries; false (lanes unspecified) when an entry is NaN or
    // infinite. negate: bit v % 8 of byte v / 8 set = entry v enters its sketch bucket negated.
    bool (*logit_lanes)(const float* logits, int n, const uint8_t* negate, LogitLanes* lanes);
};

const Kernels& scalar_kernels();
#if defined(TC_X86)
const Kernels& avx2_kernels();
const Kernels& avx512_kernels();
#endif

// The table currently selected (process-wide).
const Kernels& active_kernels();

}  // namespace tc
