// tc_forward: one batched pass over every item's new tokens. All new tokens of all items form one
// [M, d_model] activation matrix, so each weight matrix is streamed once per layer for the whole batch;
// only attention looks at which item (KV cache) and position a row belongs to. Every step is a pure
// per-row (or per row-and-head) function, which is what makes an item's result independent of its
// batch-mates, the thread count and how its tokens were chunked across calls.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "attention_window.h"
#include "checked_size.h"
#include "errors.h"
#include "exclusive_use.h"
#include "fp_env.h"
#include "kernels.h"
#include "kv_cache.h"
#include "matmul_driver.h"
#include "model.h"

namespace tc {
namespace {

struct RowInfo {
    tc_kv_cache* kv;
    int pos;
};

template <class T>
void grow(std::vector<T>& v, size_t n) {
    if (v.size() < n) v.resize(n);
}

// Row-wise elementwise work: inline for a handful of rows (decode), split across the pool for prefill.
template <class F>
void for_rows(ThreadPool* pool, int m, F&& f) {
    const int threads = pool_size(pool);
    if (m < 8 || threads == 1) {
        for (int r = 0; r < m; ++r) f(r);
        return;
    }
    const int n_tasks = std::min(m, 4 * threads);
    parallel_for(pool, n_tasks, [&](int task, int) {
        const int r0 = static_cast<int>(static_cast<int64_t>(m) * task / n_tasks);
        const int r1 = static_cast<int>(static_cast<int64_t>(m) * (task + 1) / n_tasks);
        for (int r = r0; r < r1; ++r) f(r);
    });
}

void validate(const tc_model* model, const tc_batch_item* items, int32_t n_items) {
    TC_REQUIRE_ARG(model, "model is NULL");
    TC_REQUIRE_ARG(n_items >= 0, "n_items must be >= 0, got %d", n_items);
    TC_REQUIRE_ARG(items || n_items == 0, "items is NULL");
    const int vocab = model->cfg.vocab_size;
    std::vector<const void*> caches;
    for (int i = 0; i < n_items; ++i) {
        const tc_batch_item& it = items[i];
        TC_REQUIRE_ARG(it.kv, "item %d: kv is NULL", i);
        const auto* kv = static_cast<const tc_kv_cache*>(it.kv);
        TC_REQUIRE_ARG(kv->model_id == model->id, "item %d: kv cache was created for a different model", i);
        TC_REQUIRE_ARG(it.n_tokens >= 0, "item %d: n_tokens must be >= 0, got %d", i, it.n_tokens);
        TC_REQUIRE_ARG(it.tokens || it.n_tokens == 0, "item %d: tokens is NULL", i);
        TC_REQUIRE_ARG(it.logits_mode >= TC_LOGITS_NONE && it.logits_mode <= TC_LOGITS_ROWS,
                       "item %d: unknown logits_mode %d", i, it.logits_mode);
        TC_REQUIRE_ARG(it.reserved == 0, "item %d: reserved must be 0, got %d", i, it.reserved);
        if (it.logits_mode == TC_LOGITS_ROWS) {
            TC_REQUIRE_ARG(it.n_rows >= 0 && it.n_rows <= it.n_tokens, "item %d: n_rows %d is outside [0, n_tokens = %d]",
                           i, it.n_rows, it.n_tokens);
            TC_REQUIRE_ARG(it.rows || it.n_rows == 0, "item %d: rows is NULL", i);
            for (int j = 0; j < it.n_rows; ++j) {
                TC_REQUIRE_ARG(it.rows[j] >= 0 && it.rows[j] < it.n_tokens,
                               "item %d: rows[%d] = %d is outside the item's %d new tokens", i, j, it.rows[j], it.n_tokens);
                TC_REQUIRE_ARG(j == 0 || it.rows[j] > it.rows[j - 1],
                               "item %d: rows must be strictly ascending (rows[%d] = %d after %d)", i, j, it.rows[j],
                               it.rows[j - 1]);
            }
        }
        TC_REQUIRE_ARG(it.logits_mode == TC_LOGITS_NONE || (it.logits_mode == TC_LOGITS_ROWS && it.n_rows == 0) ||
                           it.logits,
                       "item %d: logits is NULL", i);
        TC_REQUIRE_ARG(it.logits_mode != TC_LOGITS_LAST || it.n_tokens > 0,
                       "item %d: logits_mode LAST needs at least one token", i);
        for (int t = 0; t < it.n_tokens; ++t)
            TC_REQUIRE_ARG(it.tokens[t] >= 0 && it.tokens[t] < vocab,
                           "item %d: token %d at index %d is outside the vocabulary [0, %d)", i, it.tokens[t], t, vocab);
        TC_REQUIRE(static_cast<int64_t>(kv->length) + it.n_tokens <= kv->capacity, TC_ERR_CAPACITY,
                   "item %d: %d cached + %d new tokens exceed the kv cache capacity of %d", i, kv->length,
                   it.n_tokens, kv->capacity);
        caches.push_back(it.kv);
    }
    int64_t total_tokens = 0;
    for (int i = 0; i < n_items; ++i) total_tokens += items[i].n_tokens;
    // Attention runs one task per (row, head); the count must fit the pool's int task index.
    checked_mul_int(total_tokens, model->cfg.n_heads, "the batch's attention task count (tokens * n_heads)");
    std::sort(caches.begin(), caches.end());
    TC_REQUIRE_ARG(std::adjacent_find(caches.begin(), caches.end()) == caches.end(),
                   "the same kv cache appears in more than one item");
}

void add_rows(float* x, const float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] = x[i] + y[i];
}

void run(tc_model* model, ThreadPool* pool, const tc_batch_item* items, int n_items) {
    const ModelConfig& c = model->cfg;
    const Kernels& k = active_kernels();
    const int threads = pool_size(pool);
    const size_t d = static_cast<size_t>(c.d_model), qd = static_cast<size_t>(c.q_dim()),
                 kvd = static_cast<size_t>(c.kv_dim()), ff = static_cast<size_t>(c.d_ff),
                 hd = static_cast<size_t>(c.head_dim);

    std::vector<RowInfo> rows;
    std::vector<int> out_rows;  // rows whose logits/hidden someone asked for, in item order (so ascending)
    int max_pos = 0;
    for (int i = 0; i < n_items; ++i) {
        auto* kv = static_cast<tc_kv_cache*>(items[i].kv);
        const int first = static_cast<int>(rows.size());
        for (int t = 0; t < items[i].n_tokens; ++t) rows.push_back({kv, kv->length + t});
        max_pos = std::max(max_pos, kv->length + items[i].n_tokens);
        if (items[i].logits_mode == TC_LOGITS_LAST) out_rows.push_back(first + items[i].n_tokens - 1);
        if (items[i].logits_mode == TC_LOGITS_ALL)
            for (int t = 0; t < items[i].n_tokens; ++t) out_rows.push_back(first + t);
        if (items[i].logits_mode == TC_LOGITS_ROWS)
            for (int j = 0; j < items[i].n_rows; ++j) out_rows.push_back(first + items[i].rows[j]);
    }
    int m = static_cast<int>(rows.size());
    if (m == 0) return;
    const int n_out = static_cast<int>(out_rows.size());

    // Everything that can fail (allocation) happens before the first KV cache write.
    Scratch& s = model->scratch;
    const size_t mm = static_cast<size_t>(m);
    grow(s.x, mm * d), grow(s.xn, mm * d), grow(s.q, mm * qd), grow(s.k, mm * kvd), grow(s.v, mm * kvd);
    grow(s.attn, mm * qd), grow(s.proj, mm * d), grow(s.gate, mm * ff), grow(s.up, mm * ff);
    grow(s.out_rows, out_rows.size() * d), grow(s.logits, out_rows.size() * static_cast<size_t>(c.vocab_size));
    if (s.scores.size() < static_cast<size_t>(threads)) s.scores.resize(static_cast<size_t>(threads));
    for (auto& sc : s.scores) grow(sc, static_cast<size_t>(max_pos));
    model->rope.ensure(max_pos);

    {
        int r = 0;
        for (int i = 0; i < n_items; ++i)
            for (int t = 0; t < items[i].n_tokens; ++t, ++r)
                widen_row(model->token_embd.row(items[i].tokens[t]), model->token_embd.dtype, 0, c.d_model,
                          s.x.data() + r * d);
    }

    const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
    const int group = c.n_heads / c.n_kv_heads;
    for (int li = 0; li < c.n_layers; ++li) {
        const LayerParams& L = model->layers[static_cast<size_t>(li)];
        for_rows(pool, m, [&](int r) { k.rmsnorm(s.x.data() + r * d, c.d_model, L.attn_norm.data(), c.rms_eps, s.xn.data() + r * d); });
        const MatmulJob qkv[3] = {{&L.wq, L.bq.empty() ? nullptr : L.bq.data(), s.q.data(), qd},
                                  {&L.wk, L.bk.empty() ? nullptr : L.bk.data(), s.k.data(), kvd},
                                  {&L.wv, L.bv.empty() ? nullptr : L.bv.data(), s.v.data(), kvd}};
        matmul_jobs(pool, s.xn.data(), m, qkv, 3);
        for_rows(pool, m, [&](int r) {
            const RowInfo& ri = rows[static_cast<size_t>(r)];
            model->rope.apply(s.q.data() + r * qd, c.n_heads, ri.pos);
            model->rope.apply(s.k.data() + r * kvd, c.n_kv_heads, ri.pos);
            for (int h = 0; h < c.n_kv_heads; ++h) {
                const size_t off = ri.kv->head_offset(li, h) + static_cast<size_t>(ri.pos) * hd;
                std::memcpy(ri.kv->k + off, s.k.data() + r * kvd + h * hd, hd * sizeof(float));
                std::memcpy(ri.kv->v + off, s.v.data() + r * kvd + h * hd, hd * sizeof(float));
            }
        });
        if (li == c.n_layers - 1 && n_out < m) {
            // Beyond this point a row only feeds its own logits, and every row's keys and values are cached by
            // now, so the rows nobody asked for stop here. The output rows move to the front (out_rows is
            // ascending, so each copy reads a row at or after the one it writes); every later step is per row,
            // so this changes no bit of theirs.
            for (int o = 0; o < n_out; ++o) {
                const size_t from = static_cast<size_t>(out_rows[static_cast<size_t>(o)]);
                if (from == static_cast<size_t>(o)) continue;
                std::memcpy(s.q.data() + o * qd, s.q.data() + from * qd, qd * sizeof(float));
                std::memcpy(s.x.data() + o * d, s.x.data() + from * d, d * sizeof(float));
                rows[static_cast<size_t>(o)] = rows[from];
            }
            m = n_out;
            if (m == 0) break;
        }
        parallel_for(pool, m * c.n_heads, [&](int task, int thread) {
            const int r = task / c.n_heads, h = task % c.n_heads;
            const RowInfo& ri = rows[static_cast<size_t>(r)];
            const int first = first_attended_key(ri.pos, c.sliding_window);
            const size_t off = ri.kv->head_offset(li, h / group) + static_cast<size_t>(first) * hd;
            k.attention(s.q.data() + r * qd + h * hd, ri.kv->k + off, ri.kv->v + off, hd, ri.pos + 1 - first, c.head_dim,
                        scale, s.scores[static_cast<size_t>(thread)].data(), s.attn.data() + r * qd + h * hd);
        });
        const MatmulJob wo{&L.wo, nullptr, s.proj.data(), d};
        matmul_jobs(pool, s.attn.data(), m, &wo, 1);
        for_rows(pool, m, [&](int r) {
            add_rows(s.x.data() + r * d, s.proj.data() + r * d, d);
            k.rmsnorm(s.x.data() + r * d, c.d_model, L.ffn_norm.data(), c.rms_eps, s.xn.data() + r * d);
        });
        const MatmulJob gate_up[2] = {{&L.w_gate, nullptr, s.gate.data(), ff}, {&L.w_up, nullptr, s.up.data(), ff}};
        matmul_jobs(pool, s.xn.data(), m, gate_up, 2);
        for_rows(pool, m, [&](int r) { k.swiglu(s.gate.data() + r * ff, s.up.data() + r * ff, c.d_ff, s.gate.data() + r * ff); });
        const MatmulJob down{&L.w_down, nullptr, s.proj.data(), d};
        matmul_jobs(pool, s.gate.data(), m, &down, 1);
        for_rows(pool, m, [&](int r) { add_rows(s.x.data() + r * d, s.proj.data() + r * d, d); });
    }
    for (int i = 0; i < n_items; ++i) static_cast<tc_kv_cache*>(items[i].kv)->length += items[i].n_tokens;

    if (n_out == 0) return;
    // Output row o is activation row o now: either every row was requested (out_rows is 0..m-1) or the last layer
    // moved the requested rows to the front.
    for (int o = 0; o < n_out; ++o)
        k.rmsnorm(s.x.data() + o * d, c.d_model, model->output_norm.data(), c.rms_eps, s.out_rows.data() + o * d);
    const size_t vocab = static_cast<size_t>(c.vocab_size);
    const MatmulJob head{&model->output, nullptr, s.logits.data(), vocab};
    matmul_jobs(pool, s.out_rows.data(), n_out, &head, 1);
    int o = 0;
    for (int i = 0; i < n_items; ++i) {
        const tc_batch_item& it = items[i];
        const int n = it.logits_mode == TC_LOGITS_ALL    ? it.n_tokens
                      : it.logits_mode == TC_LOGITS_LAST ? 1
                      : it.logits_mode == TC_LOGITS_ROWS ? it.n_rows
                                                         : 0;
        if (n == 0) continue;
        std::memcpy(it.logits, s.logits.data() + o * vocab, n * vocab * sizeof(float));
        if (it.hidden) std::memcpy(it.hidden, s.out_rows.data() + o * d, n * d * sizeof(float));
        o += n;
    }
}

}  // namespace
}  // namespace tc

extern "C" TC_API int tc_forward(tc_model* model, tc_threadpool* pool, const tc_batch_item* items, int32_t n_items) {
    return tc::guard("tc_forward", [&] {
        tc::require_default_fp_env();
        TC_REQUIRE_ARG(model, "model is NULL");
        const tc::ExclusiveUse model_use(&model->in_use, "model");
        const tc::ExclusiveUse pool_use(pool ? &pool->in_use : nullptr, "thread pool");
        tc::validate(model, items, n_items);
        tc::run(model, pool, items, n_items);
    });
}
