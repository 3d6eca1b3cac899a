// tc_model_create / tc_model_destroy: validates every config field and tensor shape up front so the
// forward pass never has to, and says exactly which tensor is wrong when one is.
#include "model.h"

#include <atomic>
#include <cmath>
#include <memory>
#include <string>

#include "checked_size.h"
#include "errors.h"
#include "scalar/scalar_math.h"

namespace tc {
namespace {

std::atomic<uint64_t> g_next_model_id{1};

size_t row_bytes_of(int32_t dtype, int32_t cols) {
    switch (dtype) {
        case TC_DTYPE_F32: return static_cast<size_t>(cols) * 4;
        case TC_DTYPE_F16:
        case TC_DTYPE_BF16: return static_cast<size_t>(cols) * 2;
        default: return static_cast<size_t>(cols / kQ8BlockElems) * kQ8BlockBytes;
    }
}

void check_tensor(const tc_tensor& t, const std::string& name, int rows, int cols) {
    TC_REQUIRE_ARG(t.data, "%s: data is NULL", name.c_str());
    TC_REQUIRE_ARG(t.dtype >= TC_DTYPE_F32 && t.dtype <= TC_DTYPE_Q8_0, "%s: unknown dtype %d", name.c_str(), t.dtype);
    TC_REQUIRE_ARG(t.reserved == 0, "%s: reserved must be 0, got %d", name.c_str(), t.reserved);
    TC_REQUIRE_ARG(t.rows == rows && t.cols == cols, "%s: expected shape [%d, %d], got [%d, %d]", name.c_str(), rows,
                   cols, t.rows, t.cols);
    TC_REQUIRE_ARG(t.dtype != TC_DTYPE_Q8_0 || cols % kQ8BlockElems == 0,
                   "%s: Q8_0 needs a column count divisible by 32, got %d", name.c_str(), cols);
}

WeightMatrix matrix(const tc_tensor& t, const std::string& name, int rows, int cols) {
    check_tensor(t, name, rows, cols);
    return WeightMatrix{static_cast<const uint8_t*>(t.data), t.dtype, rows, cols, row_bytes_of(t.dtype, cols)};
}

std::vector<float> vector_f32(const tc_tensor& t, const std::string& name, int n) {
    check_tensor(t, name, 1, n);
    std::vector<float> out(static_cast<size_t>(n));
    widen_row(static_cast<const uint8_t*>(t.data), t.dtype, 0, n, out.data());
    return out;
}

std::vector<float> optional_bias(const tc_tensor& t, const std::string& name, int n) {
    return t.data ? vector_f32(t, name, n) : std::vector<float>();
}

void check_config(const tc_model_config& c) {
    TC_REQUIRE_ARG(c.n_layers >= 1, "n_layers must be >= 1, got %d", c.n_layers);
    TC_REQUIRE_ARG(c.d_model >= 1, "d_model must be >= 1, got %d", c.d_model);
    TC_REQUIRE_ARG(c.n_heads >= 1 && c.n_kv_heads >= 1 && c.n_heads % c.n_kv_heads == 0,
                   "n_heads (%d) must be a positive multiple of n_kv_heads (%d)", c.n_heads, c.n_kv_heads);
    TC_REQUIRE_ARG(c.head_dim >= 2 && c.head_dim % 2 == 0, "head_dim must be even and >= 2, got %d", c.head_dim);
    // The projection widths are int in the kernels and the forward's row strides.
    checked_mul_int(c.n_heads, c.head_dim, "n_heads * head_dim");
    checked_mul_int(c.n_kv_heads, c.head_dim, "n_kv_heads * head_dim");
    TC_REQUIRE_ARG(c.reserved == 0, "config reserved must be 0, got %d", c.reserved);
    TC_REQUIRE_ARG(c.reserved_2 == 0, "config reserved_2 must be 0, got %d", c.reserved_2);
    TC_REQUIRE_ARG(c.sliding_window >= 0, "sliding_window must be >= 0 (0 = none), got %d", c.sliding_window);
    TC_REQUIRE_ARG(c.d_ff >= 1, "d_ff must be >= 1, got %d", c.d_ff);
    TC_REQUIRE_ARG(c.vocab_size >= 1, "vocab_size must be >= 1, got %d", c.vocab_size);
    TC_REQUIRE_ARG(c.max_seq_len >= 1, "max_seq_len must be >= 1, got %d", c.max_seq_len);
    TC_REQUIRE_ARG(std::isfinite(c.rms_eps) && c.rms_eps > 0, "rms_eps must be positive and finite, got %g",
                   static_cast<double>(c.rms_eps));
    TC_REQUIRE_ARG(c.rope_inv_freq, "rope_inv_freq is NULL");
    // RoPE angles pos * inv_freq[i], pos < max_seq_len, must stay in the backend sin/cos's range (scalar_math.h).
    for (int i = 0; i < c.head_dim / 2; ++i) {
        const double f = c.rope_inv_freq[i];
        TC_REQUIRE_ARG(std::isfinite(f) && f >= 0 && static_cast<double>(c.max_seq_len - 1) * f <= kTrigMaxArg,
                       "rope_inv_freq[%d] = %g: (max_seq_len - 1) * inv_freq must be finite, >= 0 and <= 2^20", i, f);
    }
}

}  // namespace
}  // namespace tc

extern "C" TC_API tc_model* tc_model_create(const tc_model_config* config, const tc_model_weights* weights) {
    tc_model* result = nullptr;
    tc::guard("tc_model_create", [&] {
        TC_REQUIRE_ARG(config, "config is NULL");
        TC_REQUIRE_ARG(weights, "weights is NULL");
        const tc_model_config& c = *config;
        tc::check_config(c);
        TC_REQUIRE_ARG(weights->layers, "weights->layers is NULL");

        auto m = std::make_unique<tc_model>();
        m->id = tc::g_next_model_id.fetch_add(1);
        m->cfg = {c.n_layers, c.d_model, c.n_heads, c.n_kv_heads, c.head_dim, c.d_ff, c.vocab_size, c.max_seq_len, c.rms_eps,
                  c.sliding_window};
        m->rope_inv_freq.assign(c.rope_inv_freq, c.rope_inv_freq + c.head_dim / 2);
        m->rope.init(c.rope_inv_freq, c.head_dim / 2, c.max_seq_len);
        m->token_embd = tc::matrix(weights->token_embd, "token_embd", c.vocab_size, c.d_model);
        m->output = tc::matrix(weights->output, "output", c.vocab_size, c.d_model);
        m->output_norm = tc::vector_f32(weights->output_norm, "output_norm", c.d_model);
        const int q = c.n_heads * c.head_dim, kv = c.n_kv_heads * c.head_dim;
        m->layers.resize(static_cast<size_t>(c.n_layers));
        for (int i = 0; i < c.n_layers; ++i) {
            const tc_layer_weights& src = weights->layers[i];
            tc::LayerParams& l = m->layers[static_cast<size_t>(i)];
            const std::string p = "layer " + std::to_string(i) + " ";
            l.attn_norm = tc::vector_f32(src.attn_norm, p + "attn_norm", c.d_model);
            l.ffn_norm = tc::vector_f32(src.ffn_norm, p + "ffn_norm", c.d_model);
            l.wq = tc::matrix(src.wq, p + "wq", q, c.d_model);
            l.wk = tc::matrix(src.wk, p + "wk", kv, c.d_model);
            l.wv = tc::matrix(src.wv, p + "wv", kv, c.d_model);
            l.wo = tc::matrix(src.wo, p + "wo", c.d_model, q);
            l.bq = tc::optional_bias(src.bq, p + "bq", q);
            l.bk = tc::optional_bias(src.bk, p + "bk", kv);
            l.bv = tc::optional_bias(src.bv, p + "bv", kv);
            l.w_gate = tc::matrix(src.w_gate, p + "w_gate", c.d_ff, c.d_model);
            l.w_up = tc::matrix(src.w_up, p + "w_up", c.d_ff, c.d_model);
            l.w_down = tc::matrix(src.w_down, p + "w_down", c.d_model, c.d_ff);
        }
        result = m.release();
    });
    return result;
}

extern "C" TC_API void tc_model_destroy(tc_model* model) { delete model; }
