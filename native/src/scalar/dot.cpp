// Scalar DOT16: the reference the SIMD variants must match bit for bit.
#include "scalar/scalar_kernels.h"
#include "scalar/scalar_math.h"

namespace tc::scalar {

float dot(const float* x, const float* y, int n) { return dot16_scalar(x, y, n); }

}  // namespace tc::scalar
