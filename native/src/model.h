// The model object behind tc_model*: validated config, weight views (never copied except the small
// norm/bias vectors, which are widened to fp32 once), the RoPE table and the forward scratch buffers.
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "dtype.h"
#include "rope.h"

namespace tc {

struct LayerParams {
    std::vector<float> attn_norm, ffn_norm, bq, bk, bv;  // fp32 copies; biases empty when absent
    WeightMatrix wq, wk, wv, wo, w_gate, w_up, w_down;
};

struct ModelConfig {
    int32_t n_layers, d_model, n_heads, n_kv_heads, head_dim, d_ff, vocab_size, max_seq_len;
    float rms_eps;
    int32_t sliding_window;  // 0 = none; see attention_window.h
    int q_dim() const { return n_heads * head_dim; }
    int kv_dim() const { return n_kv_heads * head_dim; }
};

// Activation buffers for one forward call, grown to the largest batch seen so far.
struct Scratch {
    std::vector<float> x, xn, q, k, v, attn, proj, gate, up, out_rows, logits;
    std::vector<std::vector<float>> scores;  // per thread, one attention row
};

}  // namespace tc

struct tc_model {
    std::atomic<bool> in_use{false};  // one tc_forward at a time: the scratch below is per call (exclusive_use.h)
    uint64_t id;  // lets a kv cache check it belongs to this model without dereferencing a dead pointer
    tc::ModelConfig cfg;
    std::vector<double> rope_inv_freq;
    tc::WeightMatrix token_embd, output;
    std::vector<float> output_norm;
    std::vector<tc::LayerParams> layers;
    tc::RopeTable rope;
    tc::Scratch scratch;
};
