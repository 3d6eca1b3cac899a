// Scalar lane sums of the proof statistics: the definition the AVX2 kernel reproduces bit for bit.
#include "scalar/scalar_kernels.h"
#include "scalar/scalar_math.h"

namespace tc::scalar {

bool logit_lanes(const float* x, int n, const uint8_t* negate, LogitLanes* lanes) {
    float max = x[0];
    for (int v = 0; v < n; ++v) {
        if (!(x[v] - x[v] == 0.0f)) return false;  // NaN or infinite
        if (x[v] > max) max = x[v];
    }
    max = max + 0.0f;  // -0 -> +0: the maximum is a value, whichever zero came first
    lanes->max = max;
    for (int l = 0; l < kLogitLanes; ++l) lanes->sum_exp[l] = lanes->weighted[l] = lanes->sketch[l] = 0.0;
    for (int v = 0; v < n; ++v) {
        const int l = v % kLogitLanes;
        logit_lane_step(x[v], max, negate_bit(negate, v), lanes->sum_exp[l], lanes->weighted[l], lanes->sketch[l]);
    }
    return true;
}

}  // namespace tc::scalar
