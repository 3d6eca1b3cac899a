// AVX2 attention for one query head. Scores and exp are vectorised over keys; the softmax sum stays a
// sequential scalar loop (its order is part of the contract); the value sum is vectorised across
// head_dim, each lane accumulating over keys in increasing j, exactly like the scalar loop.
#include "avx2/avx2_kernels.h"
#include "avx2/avx2_math.h"

namespace tc::avx2 {

void attention(const float* q, const float* k, const float* v, size_t kv_stride, int n_keys, int head_dim, float scale,
               float* scores, float* out) {
    for (int j = 0; j < n_keys; ++j) scores[j] = dot(q, k + j * kv_stride, head_dim) * scale;
    float m = scores[0];
    for (int j = 1; j < n_keys; ++j) m = scores[j] > m ? scores[j] : m;
    const __m256 mv = _mm256_set1_ps(m);
    int j = 0;
    for (; j + 8 <= n_keys; j += 8)
        _mm256_storeu_ps(scores + j, exp8(_mm256_sub_ps(_mm256_loadu_ps(scores + j), mv)));
    for (; j < n_keys; ++j) scores[j] = exp_scalar(scores[j] - m);
    float sum = 0.0f;
    for (j = 0; j < n_keys; ++j) sum = sum + scores[j];

    constexpr int kChunk = 32;  // 4 accumulators: enough ILP, no spills
    int d0 = 0;
    for (; d0 + kChunk <= head_dim; d0 += kChunk) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (j = 0; j < n_keys; ++j) {
            const float* vj = v + j * kv_stride + d0;
            const __m256 p = _mm256_set1_ps(scores[j]);
            a0 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj), a0);
            a1 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 8), a1);
            a2 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 16), a2);
            a3 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 24), a3);
        }
        const __m256 sv = _mm256_set1_ps(sum);
        _mm256_storeu_ps(out + d0, _mm256_div_ps(a0, sv));
        _mm256_storeu_ps(out + d0 + 8, _mm256_div_ps(a1, sv));
        _mm256_storeu_ps(out + d0 + 16, _mm256_div_ps(a2, sv));
        _mm256_storeu_ps(out + d0 + 24, _mm256_div_ps(a3, sv));
    }
    for (; d0 + 8 <= head_dim; d0 += 8) {
        __m256 a = _mm256_setzero_ps();
        for (j = 0; j < n_keys; ++j) a = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), _mm256_loadu_ps(v + j * kv_stride + d0), a);
        _mm256_storeu_ps(out + d0, _mm256_div_ps(a, _mm256_set1_ps(sum)));
    }
    for (; d0 < head_dim; ++d0) {
        float a = 0.0f;
        for (j = 0; j < n_keys; ++j) a = std::fma(scores[j], v[j * kv_stride + d0], a);
        out[d0] = a / sum;
    }
}

}  // namespace tc::avx2
