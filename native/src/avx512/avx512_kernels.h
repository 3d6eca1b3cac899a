// Entry points of the AVX-512 kernel table (src/avx512/*.cpp).
#pragma once
#include "kernels.h"

namespace tc::avx512 {
float dot(const float* x, const float* y, int n);
void matmul(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy);
void exp(const float* x, int n, float* y);
void swiglu(const float* g, const float* u, int n, float* y);
void rmsnorm(const float* x, int d, const float* w, float eps, float* y);
void attention(const float* q, const float* k, const float* v, size_t kv_stride, int n_keys, int head_dim, float scale,
               float* scores, float* out);
}  // namespace tc::avx512
