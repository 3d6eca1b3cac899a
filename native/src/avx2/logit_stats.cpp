// AVX2 lane sums of the proof statistics: 16 entries per iteration, entry 16k + l in fp64 lane l of four
// 4-lane accumulators per sum, so every lane adds the same values in the same order as the scalar kernel.
#include "avx2/avx2_kernels.h"
#include "avx2/avx2_math.h"

namespace tc::avx2 {
namespace {

// For each 4-bit group of negate flags, the fp64 sign-bit masks of four lanes.
struct NibbleMasks {
    alignas(32) uint64_t mask[16][4];
    constexpr NibbleMasks() : mask{} {
        for (int nibble = 0; nibble < 16; ++nibble)
            for (int lane = 0; lane < 4; ++lane) mask[nibble][lane] = ((nibble >> lane) & 1) ? 0x8000000000000000ull : 0;
    }
};
constexpr NibbleMasks kNibbles{};

inline __m256d sign_mask(int nibble) {
    return _mm256_load_pd(reinterpret_cast<const double*>(kNibbles.mask[nibble]));
}

struct Accumulators {
    __m256d sum_exp[4], weighted[4], sketch[4];
};

// Lanes 4q .. 4q + 3 from four fp32 values of d and of exp(d).
inline void add_quarter(Accumulators& a, int q, __m128 d, __m128 e, int nibble) {
    const __m256d dd = _mm256_cvtps_pd(d);
    const __m256d ed = _mm256_cvtps_pd(e);
    a.sum_exp[q] = _mm256_add_pd(a.sum_exp[q], ed);
    a.weighted[q] = _mm256_fmadd_pd(ed, dd, a.weighted[q]);  // ed * dd is exact: same as multiply then add
    a.sketch[q] = _mm256_add_pd(a.sketch[q], _mm256_xor_pd(dd, sign_mask(nibble)));
}

// Maximum and finiteness; false if some entry is NaN or infinite.
bool row_max(const float* x, int n, float* max) {
    const __m256 zero = _mm256_setzero_ps();
    __m256 m = _mm256_set1_ps(-INFINITY);
    __m256 bad = zero;
    int v = 0;
    for (; v + 8 <= n; v += 8) {
        const __m256 xv = _mm256_loadu_ps(x + v);
        m = _mm256_max_ps(m, xv);
        bad = _mm256_or_ps(bad, _mm256_cmp_ps(_mm256_sub_ps(xv, xv), zero, _CMP_NEQ_UQ));
    }
    if (_mm256_movemask_ps(bad) != 0) return false;
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    float best = lanes[0];
    for (int l = 1; l < 8; ++l) best = lanes[l] > best ? lanes[l] : best;
    for (; v < n; ++v) {
        if (!(x[v] - x[v] == 0.0f)) return false;
        best = x[v] > best ? x[v] : best;
    }
    *max = best + 0.0f;  // -0 -> +0, as the scalar kernel
    return true;
}

}  // namespace

bool logit_lanes(const float* x, int n, const uint8_t* negate, LogitLanes* lanes) {
    float max;
    if (!row_max(x, n, &max)) return false;
    lanes->max = max;
    const __m256 mv = _mm256_set1_ps(max);
    Accumulators a;
    for (int q = 0; q < 4; ++q) a.sum_exp[q] = a.weighted[q] = a.sketch[q] = _mm256_setzero_pd();
    int v = 0;
    for (; v + 16 <= n; v += 16) {
        const __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + v), mv);
        const __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(x + v + 8), mv);
        const __m256 e0 = exp8(d0);
        const __m256 e1 = exp8(d1);
        const int bits0 = negate[v >> 3], bits1 = negate[(v >> 3) + 1];
        add_quarter(a, 0, _mm256_castps256_ps128(d0), _mm256_castps256_ps128(e0), bits0 & 15);
        add_quarter(a, 1, _mm256_extractf128_ps(d0, 1), _mm256_extractf128_ps(e0, 1), bits0 >> 4);
        add_quarter(a, 2, _mm256_castps256_ps128(d1), _mm256_castps256_ps128(e1), bits1 & 15);
        add_quarter(a, 3, _mm256_extractf128_ps(d1, 1), _mm256_extractf128_ps(e1, 1), bits1 >> 4);
    }
    for (int q = 0; q < 4; ++q) {
        _mm256_storeu_pd(lanes->sum_exp + 4 * q, a.sum_exp[q]);
        _mm256_storeu_pd(lanes->weighted + 4 * q, a.weighted[q]);
        _mm256_storeu_pd(lanes->sketch + 4 * q, a.sketch[q]);
    }
    for (; v < n; ++v) {
        const int l = v % kLogitLanes;
        logit_lane_step(x[v], max, negate_bit(negate, v), lanes->sum_exp[l], lanes->weighted[l], lanes->sketch[l]);
    }
    return true;
}

}  // namespace tc::avx2
