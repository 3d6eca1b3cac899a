// tc_abi_layout: the struct layout as this compiler laid it out, for the managed mirror-struct test.
// The order is documented in tensorcash.h; append only.
#include <cstddef>

#include "errors.h"

#define TC_LAYOUT_STRUCT(T) static_cast<int64_t>(sizeof(T))
#define TC_FIELD(T, f) static_cast<int64_t>(offsetof(T, f))

extern "C" TC_API int32_t tc_abi_layout(int64_t* out, int32_t capacity) {
    const int64_t layout[] = {
        TC_LAYOUT_STRUCT(tc_tensor), TC_FIELD(tc_tensor, data), TC_FIELD(tc_tensor, dtype), TC_FIELD(tc_tensor, rows),
        TC_FIELD(tc_tensor, cols), TC_FIELD(tc_tensor, reserved),

        TC_LAYOUT_STRUCT(tc_layer_weights), TC_FIELD(tc_layer_weights, attn_norm), TC_FIELD(tc_layer_weights, wq),
        TC_FIELD(tc_layer_weights, wk), TC_FIELD(tc_layer_weights, wv), TC_FIELD(tc_layer_weights, wo),
        TC_FIELD(tc_layer_weights, bq), TC_FIELD(tc_layer_weights, bk), TC_FIELD(tc_layer_weights, bv),
        TC_FIELD(tc_layer_weights, ffn_norm), TC_FIELD(tc_layer_weights, w_gate), TC_FIELD(tc_layer_weights, w_up),
        TC_FIELD(tc_layer_weights, w_down),

        TC_LAYOUT_STRUCT(tc_model_config), TC_FIELD(tc_model_config, n_layers), TC_FIELD(tc_model_config, d_model),
        TC_FIELD(tc_model_config, n_heads), TC_FIELD(tc_model_config, n_kv_heads), TC_FIELD(tc_model_config, head_dim),
        TC_FIELD(tc_model_config, d_ff), TC_FIELD(tc_model_config, vocab_size), TC_FIELD(tc_model_config, max_seq_len),
        TC_FIELD(tc_model_config, rms_eps), TC_FIELD(tc_model_config, reserved),
        TC_FIELD(tc_model_config, rope_inv_freq), TC_FIELD(tc_model_config, sliding_window),
        TC_FIELD(tc_model_config, reserved_2),

        TC_LAYOUT_STRUCT(tc_model_weights), TC_FIELD(tc_model_weights, token_embd),
        TC_FIELD(tc_model_weights, output_norm), TC_FIELD(tc_model_weights, output), TC_FIELD(tc_model_weights, layers),

        TC_LAYOUT_STRUCT(tc_batch_item), TC_FIELD(tc_batch_item, kv), TC_FIELD(tc_batch_item, tokens),
        TC_FIELD(tc_batch_item, n_tokens), TC_FIELD(tc_batch_item, logits_mode), TC_FIELD(tc_batch_item, logits),
        TC_FIELD(tc_batch_item, hidden), TC_FIELD(tc_batch_item, rows), TC_FIELD(tc_batch_item, n_rows),
        TC_FIELD(tc_batch_item, reserved),
    };
    constexpr int32_t count = static_cast<int32_t>(sizeof layout / sizeof layout[0]);
    static_assert(count == 48, "tensorcash.h documents 48 layout entries");
    int status = tc::guard("tc_abi_layout", [&] {
        TC_REQUIRE_ARG(out, "out is NULL");
        TC_REQUIRE_ARG(capacity >= count, "capacity %d is smaller than the %d layout entries", capacity, count);
        for (int32_t i = 0; i < count; ++i) out[i] = layout[i];
    });
    return status == TC_OK ? count : -1;
}
