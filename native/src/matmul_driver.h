// Splits matmuls into row panels and runs them on the pool. Several independent matmuls that read the
// same activations (Q/K/V, gate/up) go out as one dispatch, which halves the per-op wake-up cost.
#pragma once
#include <cstddef>

#include "dtype.h"
#include "threadpool.h"

namespace tc {

struct MatmulJob {
    const WeightMatrix* w;
    const float* bias;  // [w->rows] fp32 or nullptr
    float* y;           // [m, ldy], columns [0, w->rows) written
    size_t ldy;
};

// y = x[m, w.cols] . w^T (+ bias), for every job; all jobs share x and m.
void matmul_jobs(ThreadPool* pool, const float* x, int m, const MatmulJob* jobs, int n_jobs);

}  // namespace tc
