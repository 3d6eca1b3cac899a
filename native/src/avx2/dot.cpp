// AVX2 DOT16: two 8-lane accumulators per 16 lanes, scalar-padded tail.
#include "avx2/avx2_kernels.h"
#include "avx2/avx2_math.h"

namespace tc::avx2 {

float dot(const float* x, const float* y, int n) {
    __m256 lo = _mm256_setzero_ps();
    __m256 hi = _mm256_setzero_ps();
    int k = 0;
    for (; k + 16 <= n; k += 16) {
        lo = _mm256_fmadd_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(y + k), lo);
        hi = _mm256_fmadd_ps(_mm256_loadu_ps(x + k + 8), _mm256_loadu_ps(y + k + 8), hi);
    }
    if (k < n) {
        alignas(32) float xt[16] = {0};
        alignas(32) float yt[16] = {0};
        for (int l = 0; k + l < n; ++l) {
            xt[l] = x[k + l];
            yt[l] = y[k + l];
        }
        lo = _mm256_fmadd_ps(_mm256_load_ps(xt), _mm256_load_ps(yt), lo);
        hi = _mm256_fmadd_ps(_mm256_load_ps(xt + 8), _mm256_load_ps(yt + 8), hi);
    }
    return reduce16(lo, hi);
}

}  // namespace tc::avx2
