// AVX2 exp, SwiGLU and RMSNorm; tails fall back to the scalar definitions, which are the same ops.
#include "avx2/avx2_kernels.h"
#include "avx2/avx2_math.h"

namespace tc::avx2 {

void exp(const float* x, int n, float* y) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
    for (; i < n; ++i) y[i] = exp_scalar(x[i]);
}

void swiglu(const float* g, const float* u, int n, float* y) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 gv = _mm256_loadu_ps(g + i);
        const __m256 e = exp8(_mm256_xor_ps(gv, sign));
        const __m256 s = _mm256_div_ps(gv, _mm256_add_ps(one, e));
        _mm256_storeu_ps(y + i, _mm256_mul_ps(s, _mm256_loadu_ps(u + i)));
    }
    for (; i < n; ++i) y[i] = silu_mul_scalar(g[i], u[i]);
}

void rmsnorm(const float* x, int d, const float* w, float eps, float* y) {
    const float ms = dot(x, x, d) / static_cast<float>(d);
    const float r = 1.0f / std::sqrt(ms + eps);
    const __m256 rv = _mm256_set1_ps(r);
    int i = 0;
    for (; i + 8 <= d; i += 8)
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), rv), _mm256_loadu_ps(w + i)));
    for (; i < d; ++i) y[i] = (x[i] * r) * w[i];
}

}  // namespace tc::avx2
