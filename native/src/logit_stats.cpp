// tc_logit_statistics: the per-step statistics a proof of inference commits to (docs/protocol/proof-of-inference.md
// §4.1). The active kernel table computes the 16 lane sums; the fixed reduction and the final formulas below are
// one scalar code path for every ISA, so the output bits do not depend on the ISA; the log is the backend's own
// (log_f64), so they do not depend on the C library either.
#include <cmath>
#include <limits>

#include "errors.h"
#include "fp_env.h"
#include "kernels.h"
#include "scalar/scalar_math.h"

namespace tc {
namespace {

constexpr int kSketchOffset = 3;
constexpr uint32_t kCanonicalNaN = 0x7fc00000u;

// Same tree as DOT16: (l, l+8) -> (l, l+4) -> (l, l+2) -> (l, l+1).
double reduce_lanes16_f64(const double* lanes) {
    double a[kLogitLanes];
    for (int l = 0; l < kLogitLanes; ++l) a[l] = lanes[l];
    for (int l = 0; l < 8; ++l) a[l] = a[l] + a[l + 8];
    for (int l = 0; l < 4; ++l) a[l] = a[l] + a[l + 4];
    for (int l = 0; l < 2; ++l) a[l] = a[l] + a[l + 2];
    return a[0] + a[1];
}

// NaN payloads differ between ISAs and libms; which outputs are NaN does not, so every NaN is written as one pattern.
float canonical(double value) {
    return std::isnan(value) ? bits_to_float(kCanonicalNaN) : static_cast<float>(value);
}

}  // namespace
}  // namespace tc

extern "C" TC_API int tc_logit_statistics(const float* logits, int32_t n, int32_t sampled, const uint8_t* negate,
                                          float* out) {
    return tc::guard("tc_logit_statistics", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(logits && negate && out, "logits, negate and out must not be NULL");
        TC_REQUIRE_ARG(n >= 1, "n must be >= 1, got %d", n);
        TC_REQUIRE_ARG(sampled >= 0 && sampled < n, "sampled entry %d is outside [0, %d)", sampled, n);
        tc::LogitLanes lanes;
        if (!tc::active_kernels().logit_lanes(logits, n, negate, &lanes)) {
            for (int i = 0; i < TC_LOGIT_STATISTICS_COUNT; ++i) out[i] = tc::bits_to_float(tc::kCanonicalNaN);
            return;
        }
        const double sum = tc::reduce_lanes16_f64(lanes.sum_exp);  // >= 1: the maximum contributes exp(0) = 1
        const double weighted = tc::reduce_lanes16_f64(lanes.weighted);
        const double log_sum = tc::log_f64(sum);  // the backend's log, not libm: consensus bits (scalar_math.h)
        out[0] = tc::canonical(static_cast<double>(lanes.max) + log_sum);
        out[1] = tc::canonical(log_sum - weighted / sum);
        out[2] = tc::canonical(static_cast<double>(tc::exp_scalar(logits[sampled] - lanes.max)) / sum);
        for (int j = 0; j < tc::kLogitLanes; ++j) out[tc::kSketchOffset + j] = tc::canonical(lanes.sketch[j]);
    });
}
