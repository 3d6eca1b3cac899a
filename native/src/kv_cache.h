// One sequence's KV cache: K (after RoPE) and V for every layer, laid out [layer][kv_head][pos][head_dim]
// so attention streams one head's keys contiguously. Memory is reserved for the full capacity up front
// but left untouched, so the OS only backs the positions actually written.
#pragma once
#include <cstddef>
#include <cstdint>

struct tc_kv_cache {
    uint64_t model_id;
    int32_t n_layers, n_kv_heads, head_dim, capacity, length;
    float* k;
    float* v;

    size_t head_offset(int layer, int kv_head) const {
        return (static_cast<size_t>(layer) * n_kv_heads + kv_head) * capacity * head_dim;
    }
    ~tc_kv_cache();
};
