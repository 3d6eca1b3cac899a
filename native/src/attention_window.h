// Sliding-window attention (Mistral's sliding_window). A query at position p attends to the W positions ending at p,
// p itself included: keys j with p - W < j <= p, the mask Hugging Face applies (kv_idx > q_idx - sliding_window on
// top of the causal kv_idx <= q_idx) and llama.cpp's standard SWA (visible iff pos_q - pos_k < n_swa).
//
// The window is applied by handing the attention kernel the key range [first, p] instead of [0, p]: every ISA's
// kernel already runs over "its" keys in increasing order, so no kernel changes and the DOT16 contract (bitwise equal
// at any batch, thread count, chunking and ISA) holds unchanged. The KV cache keeps every position (no ring buffer):
// masking is all the semantics need, and a cache sized for the context never wraps.
#pragma once
#include <cstdint>

namespace tc {

// First key position a query at `pos` may read; window 0 = no window (full causal attention).
inline int first_attended_key(int pos, int32_t window) { return window > 0 && pos >= window ? pos - window + 1 : 0; }

}  // namespace tc
