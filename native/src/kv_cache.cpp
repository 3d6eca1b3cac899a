// tc_kv_* exports.
#include "kv_cache.h"

#include <cstdlib>
#include <new>

#include "checked_size.h"
#include "errors.h"
#include "model.h"

tc_kv_cache::~tc_kv_cache() {
    std::free(k);
    std::free(v);
}

namespace {

float* reserve_floats(size_t n) {
    void* p = nullptr;
    if (posix_memalign(&p, 64, tc::checked_mul(n, sizeof(float), "the kv cache's byte count")) != 0) throw std::bad_alloc();
    return static_cast<float*>(p);
}

}  // namespace

extern "C" TC_API tc_kv_cache* tc_kv_create(const tc_model* model, int32_t capacity_tokens) {
    tc_kv_cache* kv = nullptr;
    tc::guard("tc_kv_create", [&] {
        TC_REQUIRE_ARG(model, "model is NULL");
        const auto& c = model->cfg;
        TC_REQUIRE_ARG(capacity_tokens >= 1 && capacity_tokens <= c.max_seq_len,
                       "capacity_tokens must be in 1..%d (max_seq_len), got %d", c.max_seq_len, capacity_tokens);
        auto owned = new tc_kv_cache{model->id, c.n_layers, c.n_kv_heads, c.head_dim, capacity_tokens, 0, nullptr, nullptr};
        try {
            // Every product checked: a wrapped count would allocate a few bytes and report the full capacity.
            size_t n = tc::checked_mul(static_cast<size_t>(c.n_layers), static_cast<size_t>(c.n_kv_heads), "the kv cache's size");
            n = tc::checked_mul(n, static_cast<size_t>(capacity_tokens), "the kv cache's size");
            n = tc::checked_mul(n, static_cast<size_t>(c.head_dim), "the kv cache's size");
            owned->k = reserve_floats(n);
            owned->v = reserve_floats(n);
        } catch (...) {
            delete owned;
            throw;
        }
        kv = owned;
    });
    return kv;
}

extern "C" TC_API void tc_kv_destroy(tc_kv_cache* kv) { delete kv; }

extern "C" TC_API int32_t tc_kv_length(const tc_kv_cache* kv) { return kv ? kv->length : -1; }

extern "C" TC_API int32_t tc_kv_capacity(const tc_kv_cache* kv) { return kv ? kv->capacity : -1; }

extern "C" TC_API int tc_kv_truncate(tc_kv_cache* kv, int32_t n_tokens) {
    return tc::guard("tc_kv_truncate", [&] {
        TC_REQUIRE_ARG(kv, "kv is NULL");
        TC_REQUIRE_ARG(n_tokens >= 0 && n_tokens <= kv->length, "n_tokens must be in 0..%d (current length), got %d",
                       kv->length, n_tokens);
        kv->length = n_tokens;
    });
}
