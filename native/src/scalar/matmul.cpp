// Scalar matmul: widen one weight row to fp32, then one DOT16 per token.
#include <vector>

#include "scalar/scalar_kernels.h"
#include "scalar/scalar_math.h"

namespace tc::scalar {

void matmul(const float* x, int m, const WeightMatrix& w, int r0, int r1, const float* bias, float* y, size_t ldy) {
    thread_local std::vector<float> row;
    row.resize(static_cast<size_t>(w.cols));
    for (int r = r0; r < r1; ++r) {
        widen_row(w.row(r), w.dtype, 0, w.cols, row.data());
        for (int t = 0; t < m; ++t) {
            float s = dot16_scalar(x + static_cast<size_t>(t) * w.cols, row.data(), w.cols);
            if (bias) s = s + bias[r - r0];
            y[static_cast<size_t>(t) * ldy + (r - r0)] = s;
        }
    }
}

}  // namespace tc::scalar
