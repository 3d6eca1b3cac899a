// Stand-alone end-to-end probe (not part of the library or the test suite): a random Llama-shaped model,
// prefill then decode, reporting tokens/s and the weight bandwidth decode achieves.
//   cmake --build build/cmake-Release --target tc_forward_bench
//   build/cmake-Release/native/tc_forward_bench [threads] [f32|bf16] [layers] [d_model] [d_ff] [vocab]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tensorcash.h"

namespace {

struct Store {
    std::vector<std::vector<uint8_t>> blobs;
    std::mt19937 rng{7};
    size_t bytes = 0;

    tc_tensor make(int rows, int cols, int dtype, float scale, float offset = 0) {
        std::uniform_real_distribution<float> dist(-scale, scale);
        const size_t n = static_cast<size_t>(rows) * cols;
        std::vector<uint8_t> blob(n * (dtype == TC_DTYPE_F32 ? 4 : 2));
        for (size_t i = 0; i < n; ++i) {
            const float v = dist(rng) + offset;
            if (dtype == TC_DTYPE_F32) {
                std::memcpy(blob.data() + 4 * i, &v, 4);
            } else {
                uint32_t u;
                std::memcpy(&u, &v, 4);
                const uint16_t h = static_cast<uint16_t>(u >> 16);
                std::memcpy(blob.data() + 2 * i, &h, 2);
            }
        }
        bytes += blob.size();
        blobs.push_back(std::move(blob));
        return tc_tensor{blobs.back().data(), dtype, rows, cols, 0};
    }
};

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

int main(int argc, char** argv) {
    const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
    const int dtype = argc > 2 && std::string(argv[2]) == "bf16" ? TC_DTYPE_BF16 : TC_DTYPE_F32;
    const int layers = argc > 3 ? std::atoi(argv[3]) : 8;
    const int d = argc > 4 ? std::atoi(argv[4]) : 1024;
    const int ff = argc > 5 ? std::atoi(argv[5]) : 4096;
    const int vocab = argc > 6 ? std::atoi(argv[6]) : 32000;
    const int head_dim = 64, heads = d / head_dim, kv_heads = heads / 4 > 0 ? heads / 4 : 1;
    const int prompt = 128, decode = 32;

    Store store;
    std::vector<tc_layer_weights> lw(static_cast<size_t>(layers));
    const float s = 1.0f / std::sqrt(static_cast<float>(d));
    for (auto& l : lw) {
        l = tc_layer_weights{};
        l.attn_norm = store.make(1, d, dtype, 0.1f, 1.0f);
        l.ffn_norm = store.make(1, d, dtype, 0.1f, 1.0f);
        l.wq = store.make(heads * head_dim, d, dtype, s);
        l.wk = store.make(kv_heads * head_dim, d, dtype, s);
        l.wv = store.make(kv_heads * head_dim, d, dtype, s);
        l.wo = store.make(d, heads * head_dim, dtype, s);
        l.w_gate = store.make(ff, d, dtype, s);
        l.w_up = store.make(ff, d, dtype, s);
        l.w_down = store.make(d, ff, dtype, 1.0f / std::sqrt(static_cast<float>(ff)));
    }
    tc_model_weights w{};
    w.token_embd = store.make(vocab, d, dtype, 1.0f);
    w.output_norm = store.make(1, d, dtype, 0.1f, 1.0f);
    w.output = store.make(vocab, d, dtype, s);
    w.layers = lw.data();
    std::vector<double> inv(static_cast<size_t>(head_dim / 2));
    for (int i = 0; i < head_dim / 2; ++i) inv[static_cast<size_t>(i)] = std::pow(10000.0, -2.0 * i / head_dim);
    tc_model_config c{layers, d, heads, kv_heads, head_dim, ff, vocab, 4096, 1e-5f, 0, inv.data(), 0, 0};

    tc_model* model = tc_model_create(&c, &w);
    tc_threadpool* pool = tc_threadpool_create(threads);
    tc_kv_cache* kv = tc_kv_create(model, prompt + decode);
    if (!model || !pool || !kv) {
        std::fprintf(stderr, "setup failed: %s\n", tc_last_error());
        return 1;
    }
    // Bytes decode streams per token: every matrix except the embedding table (one row of it is read).
    const double streamed = static_cast<double>(store.bytes) - static_cast<double>(vocab) * d * (dtype == TC_DTYPE_F32 ? 4 : 2);
    std::printf("model: %d layers, d=%d, ff=%d, vocab=%d, %s, %.1f MB of weights, threads=%d\n", layers, d, ff, vocab,
                dtype == TC_DTYPE_F32 ? "F32" : "BF16", store.bytes / 1e6, threads);

    std::vector<int32_t> tokens(static_cast<size_t>(prompt));
    for (int i = 0; i < prompt; ++i) tokens[static_cast<size_t>(i)] = (i * 7919) % vocab;
    std::vector<float> logits(static_cast<size_t>(vocab));
    tc_batch_item item{kv, tokens.data(), prompt, TC_LOGITS_LAST, logits.data(), nullptr};
    double t0 = now();
    if (tc_forward(model, pool, &item, 1) != TC_OK) std::fprintf(stderr, "prefill failed: %s\n", tc_last_error());
    const double prefill = now() - t0;

    int32_t next = 1;
    t0 = now();
    for (int i = 0; i < decode; ++i) {
        tc_batch_item step{kv, &next, 1, TC_LOGITS_LAST, logits.data(), nullptr};
        if (tc_forward(model, pool, &step, 1) != TC_OK) std::fprintf(stderr, "decode failed: %s\n", tc_last_error());
        next = (next * 31 + 7) % vocab;
    }
    const double dec = now() - t0;
    std::printf("prefill %d tokens: %.2f tok/s    decode %d tokens: %.2f tok/s (%.1f GB/s of weights)\n", prompt,
                prompt / prefill, decode, decode / dec, streamed * decode / dec / 1e9);
    tc_kv_destroy(kv);
    tc_threadpool_destroy(pool);
    tc_model_destroy(model);
    return 0;
}
