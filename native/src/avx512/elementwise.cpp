// AVX-512 exp, SwiGLU and RMSNorm, 16 elements per step; tails fall back to the scalar definitions (the same ops).
#include "avx512/avx512_kernels.h"
#include "avx512/avx512_math.h"

namespace tc::avx512 {

void exp(const float* x, int n, float* y) {
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, exp16(_mm512_loadu_ps(x + i)));
    for (; i < n; ++i) y[i] = exp_scalar(x[i]);
}

void swiglu(const float* g, const float* u, int n, float* y) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512i sign = _mm512_set1_epi32(static_cast<int>(0x80000000u));
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 gv = _mm512_loadu_ps(g + i);
        const __m512 e = exp16(_mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(gv), sign)));  // exp(-g)
        const __m512 s = _mm512_div_ps(gv, _mm512_add_ps(one, e));
        _mm512_storeu_ps(y + i, _mm512_mul_ps(s, _mm512_loadu_ps(u + i)));
    }
    for (; i < n; ++i) y[i] = silu_mul_scalar(g[i], u[i]);
}

void rmsnorm(const float* x, int d, const float* w, float eps, float* y) {
    const float ms = dot(x, x, d) / static_cast<float>(d);
    const float r = 1.0f / std::sqrt(ms + eps);
    const __m512 rv = _mm512_set1_ps(r);
    int i = 0;
    for (; i + 16 <= d; i += 16)
        _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), rv), _mm512_loadu_ps(w + i)));
    for (; i < d; ++i) y[i] = (x[i] * r) * w[i];
}

}  // namespace tc::avx512
