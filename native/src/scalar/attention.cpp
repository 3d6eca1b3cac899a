// Scalar attention for one query head: scores, two-pass softmax, weighted sum of values in increasing j.
#include "scalar/scalar_kernels.h"
#include "scalar/scalar_math.h"

namespace tc::scalar {

void attention(const float* q, const float* k, const float* v, size_t kv_stride, int n_keys, int head_dim, float scale,
               float* scores, float* out) {
    for (int j = 0; j < n_keys; ++j) scores[j] = dot16_scalar(q, k + j * kv_stride, head_dim) * scale;
    float m = scores[0];
    for (int j = 1; j < n_keys; ++j) m = scores[j] > m ? scores[j] : m;
    for (int j = 0; j < n_keys; ++j) scores[j] = exp_scalar(scores[j] - m);
    float sum = 0.0f;
    for (int j = 0; j < n_keys; ++j) sum = sum + scores[j];
    for (int d = 0; d < head_dim; ++d) out[d] = 0.0f;
    for (int j = 0; j < n_keys; ++j) {
        const float* vj = v + j * kv_stride;
        for (int d = 0; d < head_dim; ++d) out[d] = std::fma(scores[j], vj[d], out[d]);
    }
    for (int d = 0; d < head_dim; ++d) out[d] = out[d] / sum;
}

}  // namespace tc::scalar
