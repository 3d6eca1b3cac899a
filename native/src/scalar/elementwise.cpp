// Scalar exp, SwiGLU and RMSNorm.
#include "scalar/scalar_kernels.h"
#include "scalar/scalar_math.h"

namespace tc::scalar {

void exp(const float* x, int n, float* y) {
    for (int i = 0; i < n; ++i) y[i] = exp_scalar(x[i]);
}

void swiglu(const float* g, const float* u, int n, float* y) {
    for (int i = 0; i < n; ++i) y[i] = silu_mul_scalar(g[i], u[i]);
}

void rmsnorm(const float* x, int d, const float* w, float eps, float* y) {
    const float ms = dot16_scalar(x, x, d) / static_cast<float>(d);
    const float r = 1.0f / std::sqrt(ms + eps);
    for (int i = 0; i < d; ++i) y[i] = (x[i] * r) * w[i];
}

}  // namespace tc::scalar
