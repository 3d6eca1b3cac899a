// Single-op exports (tests and microbenchmarks). They run the same kernels and the same matmul driver
// as tc_forward, so a property checked here holds inside the forward pass too.
#include <cmath>
#include <vector>

#include "attention_window.h"
#include "checked_size.h"
#include "errors.h"
#include "exclusive_use.h"
#include "fp_env.h"
#include "kernels.h"
#include "matmul_driver.h"
#include "scalar/scalar_math.h"

namespace tc {
namespace {

void check_op_tensor(const tc_tensor* t, const char* name) {
    TC_REQUIRE_ARG(t, "%s is NULL", name);
    TC_REQUIRE_ARG(t->data, "%s->data is NULL", name);
    TC_REQUIRE_ARG(t->dtype >= TC_DTYPE_F32 && t->dtype <= TC_DTYPE_Q8_0, "%s: unknown dtype %d", name, t->dtype);
    TC_REQUIRE_ARG(t->reserved == 0, "%s: reserved must be 0, got %d", name, t->reserved);
    TC_REQUIRE_ARG(t->rows >= 1 && t->cols >= 1, "%s: shape [%d, %d] must be positive", name, t->rows, t->cols);
    TC_REQUIRE_ARG(t->dtype != TC_DTYPE_Q8_0 || t->cols % kQ8BlockElems == 0,
                   "%s: Q8_0 needs a column count divisible by 32, got %d", name, t->cols);
}

WeightMatrix as_matrix(const tc_tensor& t) {
    const size_t cols = static_cast<size_t>(t.cols);
    const size_t row_bytes = t.dtype == TC_DTYPE_F32 ? cols * 4
                             : t.dtype == TC_DTYPE_Q8_0 ? cols / kQ8BlockElems * kQ8BlockBytes
                                                        : cols * 2;
    return WeightMatrix{static_cast<const uint8_t*>(t.data), t.dtype, t.rows, t.cols, row_bytes};
}

std::vector<float> widen_vector(const tc_tensor& t) {
    std::vector<float> out(static_cast<size_t>(t.cols));
    widen_row(static_cast<const uint8_t*>(t.data), t.dtype, 0, t.cols, out.data());
    return out;
}

}  // namespace
}  // namespace tc

extern "C" TC_API int tc_op_matmul(tc_threadpool* pool, const float* x, int32_t m, const tc_tensor* w,
                                   const tc_tensor* bias, float* y) {
    return tc::guard("tc_op_matmul", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(x && y, "x and y must not be NULL");
        TC_REQUIRE_ARG(m >= 1, "m must be >= 1, got %d", m);
        tc::check_op_tensor(w, "w");
        std::vector<float> b;
        if (bias) {
            tc::check_op_tensor(bias, "bias");
            TC_REQUIRE_ARG(bias->rows == 1 && bias->cols == w->rows, "bias: expected shape [1, %d], got [%d, %d]",
                           w->rows, bias->rows, bias->cols);
            b = tc::widen_vector(*bias);
        }
        const tc::WeightMatrix wm = tc::as_matrix(*w);
        const tc::ExclusiveUse pool_use(pool ? &pool->in_use : nullptr, "thread pool");
        const tc::MatmulJob job{&wm, b.empty() ? nullptr : b.data(), y, static_cast<size_t>(w->rows)};
        tc::matmul_jobs(pool, x, m, &job, 1);
    });
}

extern "C" TC_API int tc_op_rmsnorm(const float* x, int32_t m, int32_t d, const tc_tensor* w, float eps, float* y) {
    return tc::guard("tc_op_rmsnorm", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(x && y, "x and y must not be NULL");
        TC_REQUIRE_ARG(m >= 1 && d >= 1, "m and d must be >= 1, got %d and %d", m, d);
        tc::check_op_tensor(w, "w");
        TC_REQUIRE_ARG(w->rows == 1 && w->cols == d, "w: expected shape [1, %d], got [%d, %d]", d, w->rows, w->cols);
        const std::vector<float> wf = tc::widen_vector(*w);
        const tc::Kernels& k = tc::active_kernels();
        for (int r = 0; r < m; ++r) k.rmsnorm(x + static_cast<size_t>(r) * d, d, wf.data(), eps, y + static_cast<size_t>(r) * d);
    });
}

extern "C" TC_API int tc_op_dot(const float* x, const float* y, int32_t n, float* out) {
    return tc::guard("tc_op_dot", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(out, "out must not be NULL");
        TC_REQUIRE_ARG(n >= 0, "n must be >= 0, got %d", n);
        TC_REQUIRE_ARG((x && y) || n == 0, "x and y must not be NULL");
        *out = tc::active_kernels().dot(x, y, n);
    });
}

extern "C" TC_API int tc_op_swiglu(const float* gate, const float* up, int32_t n, float* y) {
    return tc::guard("tc_op_swiglu", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(gate && up && y, "gate, up and y must not be NULL");
        TC_REQUIRE_ARG(n >= 0, "n must be >= 0, got %d", n);
        tc::active_kernels().swiglu(gate, up, n, y);
    });
}

extern "C" TC_API int tc_op_exp(const float* x, int32_t n, float* y) {
    return tc::guard("tc_op_exp", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(x && y, "x and y must not be NULL");
        TC_REQUIRE_ARG(n >= 0, "n must be >= 0, got %d", n);
        tc::active_kernels().exp(x, n, y);
    });
}

extern "C" TC_API int tc_op_log(const double* x, int32_t n, double* y) {
    return tc::guard("tc_op_log", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(x && y, "x and y must not be NULL");
        TC_REQUIRE_ARG(n >= 0, "n must be >= 0, got %d", n);
        for (int32_t i = 0; i < n; ++i) y[i] = tc::log_f64(x[i]);
    });
}

extern "C" TC_API int tc_op_sincos(const double* x, int32_t n, double* sin_out, double* cos_out) {
    return tc::guard("tc_op_sincos", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(x && sin_out && cos_out, "x, sin_out and cos_out must not be NULL");
        TC_REQUIRE_ARG(n >= 0, "n must be >= 0, got %d", n);
        for (int32_t i = 0; i < n; ++i) tc::sincos_f64(x[i], sin_out[i], cos_out[i]);
    });
}

extern "C" TC_API int tc_op_attention(tc_threadpool* pool, const float* q, int32_t n_q, const float* k, const float* v,
                                      int32_t n_kv, int32_t n_heads, int32_t n_kv_heads, int32_t head_dim,
                                      int32_t sliding_window, float* out) {
    return tc::guard("tc_op_attention", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(q && k && v && out, "q, k, v and out must not be NULL");
        TC_REQUIRE_ARG(n_q >= 1 && n_kv >= n_q, "need n_kv >= n_q >= 1, got n_q=%d n_kv=%d", n_q, n_kv);
        TC_REQUIRE_ARG(n_heads >= 1 && n_kv_heads >= 1 && n_heads % n_kv_heads == 0,
                       "n_heads (%d) must be a positive multiple of n_kv_heads (%d)", n_heads, n_kv_heads);
        TC_REQUIRE_ARG(head_dim >= 1, "head_dim must be >= 1, got %d", head_dim);
        TC_REQUIRE_ARG(sliding_window >= 0, "sliding_window must be >= 0 (0 = none), got %d", sliding_window);
        const int n_tasks = tc::checked_mul_int(n_q, n_heads, "n_q * n_heads");
        tc::checked_mul_int(n_heads, head_dim, "n_heads * head_dim");
        tc::checked_mul_int(n_kv_heads, head_dim, "n_kv_heads * head_dim");
        const tc::ExclusiveUse pool_use(pool ? &pool->in_use : nullptr, "thread pool");
        const tc::Kernels& kern = tc::active_kernels();
        const int threads = tc::pool_size(pool);
        std::vector<std::vector<float>> scores(static_cast<size_t>(threads), std::vector<float>(static_cast<size_t>(n_kv)));
        const size_t qd = static_cast<size_t>(n_heads) * head_dim, kvd = static_cast<size_t>(n_kv_heads) * head_dim;
        const float scale = 1.0f / std::sqrt(static_cast<float>(head_dim));
        const int group = n_heads / n_kv_heads;
        tc::parallel_for(pool, n_tasks, [&](int task, int thread) {
            const int t = task / n_heads, h = task % n_heads;
            const int pos = n_kv - n_q + t, first = tc::first_attended_key(pos, sliding_window);
            const size_t koff = static_cast<size_t>(h / group) * head_dim + static_cast<size_t>(first) * kvd;
            kern.attention(q + t * qd + h * head_dim, k + koff, v + koff, kvd, pos + 1 - first, head_dim, scale,
                           scores[static_cast<size_t>(thread)].data(), out + t * qd + h * head_dim);
        });
    });
}
