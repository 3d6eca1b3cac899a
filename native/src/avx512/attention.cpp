// AVX-512 attention for one query head: scores by DOT16 and exp over 16 keys at a time; the softmax sum stays a
// sequential scalar loop (its order is part of the contract); the value sum runs across head_dim in zmm lanes, each
// lane accumulating over keys in increasing j exactly like the scalar loop.
#include "avx512/avx512_kernels.h"
#include "avx512/avx512_math.h"

namespace tc::avx512 {

void attention(const float* q, const float* k, const float* v, size_t kv_stride, int n_keys, int head_dim, float scale,
               float* scores, float* out) {
    for (int j = 0; j < n_keys; ++j) scores[j] = dot(q, k + j * kv_stride, head_dim) * scale;
    float m = scores[0];
    for (int j = 1; j < n_keys; ++j) m = scores[j] > m ? scores[j] : m;
    const __m512 mv = _mm512_set1_ps(m);
    int j = 0;
    for (; j + 16 <= n_keys; j += 16) _mm512_storeu_ps(scores + j, exp16(_mm512_sub_ps(_mm512_loadu_ps(scores + j), mv)));
    for (; j < n_keys; ++j) scores[j] = exp_scalar(scores[j] - m);
    float sum = 0.0f;
    for (j = 0; j < n_keys; ++j) sum = sum + scores[j];

    constexpr int kChunk = 64;  // 4 zmm accumulators
    const __m512 sv = _mm512_set1_ps(sum);
    int d0 = 0;
    for (; d0 + kChunk <= head_dim; d0 += kChunk) {
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
        for (j = 0; j < n_keys; ++j) {
            const float* vj = v + j * kv_stride + d0;
            const __m512 p = _mm512_set1_ps(scores[j]);
            a0 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj), a0);
            a1 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj + 16), a1);
            a2 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj + 32), a2);
            a3 = _mm512_fmadd_ps(p, _mm512_loadu_ps(vj + 48), a3);
        }
        _mm512_storeu_ps(out + d0, _mm512_div_ps(a0, sv));
        _mm512_storeu_ps(out + d0 + 16, _mm512_div_ps(a1, sv));
        _mm512_storeu_ps(out + d0 + 32, _mm512_div_ps(a2, sv));
        _mm512_storeu_ps(out + d0 + 48, _mm512_div_ps(a3, sv));
    }
    for (; d0 < head_dim; d0 += 16) {  // 16 at a time, the last step masked (its lanes past head_dim are never stored)
        const __mmask16 mask = first_lanes(head_dim - d0 < 16 ? head_dim - d0 : 16);
        __m512 a = _mm512_setzero_ps();
        for (j = 0; j < n_keys; ++j)
            a = _mm512_fmadd_ps(_mm512_set1_ps(scores[j]), _mm512_maskz_loadu_ps(mask, v + j * kv_stride + d0), a);
        _mm512_mask_storeu_ps(out + d0, mask, _mm512_div_ps(a, sv));
    }
}

}  // namespace tc::avx512
