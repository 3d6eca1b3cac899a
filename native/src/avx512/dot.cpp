// AVX-512 DOT16: one zmm accumulator is the 16 lanes; the tail is a masked zeroing load whose padded lanes take
// fma(+0, +0, lane) like every other lane (tensorcash.h).
#include "avx512/avx512_kernels.h"
#include "avx512/avx512_math.h"

namespace tc::avx512 {

float dot(const float* x, const float* y, int n) {
    __m512 acc = _mm512_setzero_ps();
    int k = 0;
    for (; k + 16 <= n; k += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(x + k), _mm512_loadu_ps(y + k), acc);
    if (k < n) {
        const __mmask16 m = first_lanes(n - k);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + k), _mm512_maskz_loadu_ps(m, y + k), acc);
    }
    return reduce16(acc);
}

}  // namespace tc::avx512
