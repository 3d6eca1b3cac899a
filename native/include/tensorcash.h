/*
 * tensorcash.h - the flat C ABI of the TensorCash native CPU backend.
 *
 * Design rules (see docs/architecture.md):
 *  - Every function returns an int status (TC_OK = 0) or a handle (NULL on failure). On failure the
 *    thread-local message from tc_last_error() says what went wrong. No C++ exception crosses this line.
 *  - Structs are plain, fixed-layout, 8-byte aligned; the managed side mirrors them and checks
 *    sizeof/offsetof against tc_abi_layout() in tests. Bump TC_ABI_VERSION on any change.
 *  - Weights are never copied: a tc_tensor points into memory the caller keeps alive (usually a
 *    memory-mapped checkpoint) for as long as the model handle exists.
 *
 * Numerical contract (the reason this backend exists):
 *  - Every dot product is the canonical DOT16: 16 fp32 lanes, lane l accumulates x[k]*w[k] with a
 *    fused multiply-add for k = 16*i + l in increasing i, the tail is zero-padded (when n % 16 != 0 the last
 *    block's padded lanes take fma(+0, +0, lane) like the real ones, which turns a lane holding -0 into +0:
 *    with n = 17, x = -1e-30, y = 1e-30 the result is +0, not -0), and the lanes are summed in the fixed tree (l, l+8) -> (l, l+4) -> (l, l+2) -> (l, l+1). Scalar, AVX2 and AVX-512
 *    code paths all compute exactly this, so results are bitwise identical across ISAs, thread
 *    counts, batch compositions and prefill/decode/chunking.
 *  - Non-fp32 weights (BF16, F16, Q8_0) are widened to fp32 exactly before the FMA.
 *  - exp() is the backend's own polynomial (identical ops in every ISA), not libm; so is the one fp64 log
 *    (tc_logit_statistics, tc_op_log), so the proof statistics do not depend on the C library, and so are the
 *    fp64 sin/cos of the RoPE tables (tc_op_sincos). The RoPE inverse frequencies come from the caller
 *    (tc_model_config.rope_inv_freq); TensorCash computes them with its deterministic fp64 pow
 *    (managed DeterministicMath, not the C library's pow or .NET's Math.Pow). Both are defined in
 *    docs/protocol/proof-of-inference.md §4.2. Choice: no result bit depends on the platform's libm; the remaining
 *    library functions used are sqrt and the fp32 <-> fp64 conversions, which IEEE 754 requires to be correctly
 *    rounded. The tests pin the dependency: fixed bit patterns for exp/log/sin/cos/pow and the RoPE frequencies
 *    (BackendTrigTests, BackendLogTests, DeterministicMathTests, RopeFrequenciesTests) fail on a divergence.
 *  - Floating-point environment: every computing entry point checks at entry that the calling thread has the
 *    default one (MXCSR control bits 0x1f80 on x86-64: round to nearest, no FTZ, no DAZ, exceptions masked, and
 *    fegetround() == FE_TONEAREST) and fails with TC_ERR_UNSUPPORTED otherwise; pool workers set it themselves.
 *  - Everything else is written as the same sequence of single IEEE operations in every ISA:
 *      bias:     y = DOT16(x, w_row) + b                       (one fp32 add)
 *      RMSNorm:  ms = DOT16(x, x) / d; r = 1 / sqrt(ms + eps); y_i = (x_i * r) * w_i
 *      SiLU:     silu(g) = g / (1 + exp(-g)); SwiGLU y = silu(g) * u
 *      RoPE:     pairs (i, i + head_dim/2), c/s = (float)cos_b/sin_b((double)pos * inv_freq[i]) with the
 *                backend's sincos (tc_op_sincos, not libm);
 *                x0' = x0*c - x1*s, x1' = x1*c + x0*s          (no fusion)
 *      Attention (causal, per query position p and head h, kv head = h / (n_heads/n_kv_heads)):
 *                j runs over f..p with f = 0, or f = max(0, p - W + 1) under a sliding window of W
 *                (tc_model_config.sliding_window > 0: the W positions ending at p, p itself included);
 *                s_j = DOT16(q, k_j) * (1/sqrt(head_dim)) for j = f..p; m = max_j s_j;
 *                e_j = exp(s_j - m); sum = e_f + e_(f+1) + ... (increasing j);
 *                o_d = fma(e_j, v_j[d], o_d) over increasing j; out_d = o_d / sum
 *      Residual: x = x + y (one fp32 add).
 *    Each output element is a pure function of its own input row(s) and the weights, which is what
 *    makes batch, thread-count and prefill/decode/chunking invariance automatic.
 */
#ifndef TENSORCASH_H
#define TENSORCASH_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define TC_API __declspec(dllexport)
#else
#define TC_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define TC_ABI_VERSION 4

/* Status codes. */
enum {
    TC_OK = 0,
    TC_ERR_INVALID_ARGUMENT = 1,
    TC_ERR_OUT_OF_MEMORY = 2,
    TC_ERR_UNSUPPORTED = 3,
    TC_ERR_CAPACITY = 4, /* KV cache or context length exceeded */
    TC_ERR_INTERNAL = 5
};

/* Weight element types. Values are part of the ABI. */
enum {
    TC_DTYPE_F32 = 0,
    TC_DTYPE_F16 = 1,
    TC_DTYPE_BF16 = 2,
    TC_DTYPE_Q8_0 = 3 /* GGUF Q8_0: blocks of 32 int8 with one f16 scale, 34 bytes per block */
};

/* Instruction sets the dispatcher can pick. */
enum {
    TC_ISA_AUTO = 0,
    TC_ISA_SCALAR = 1,
    TC_ISA_AVX2 = 2,   /* AVX2 + FMA + F16C */
    TC_ISA_AVX512 = 3  /* AVX-512F/BW/VL/DQ (+ the AVX2 set); opt-in: AUTO picks it only with TENSORCASH_ISA=avx512 */
};

/* A 2-D row-major weight matrix [rows, cols]; for linear layers rows = out features and
 * cols = in features (HF Linear and GGUF share this layout). A vector is rows = 1.
 * data == NULL means "absent" (e.g. no bias). */
typedef struct tc_tensor {
    const void* data;
    int32_t dtype;
    int32_t rows;
    int32_t cols;
    int32_t reserved; /* must be 0 (TC_ERR_INVALID_ARGUMENT otherwise) */
} tc_tensor;

typedef struct tc_layer_weights {
    tc_tensor attn_norm; /* [1, d_model] */
    tc_tensor wq;        /* [n_heads*head_dim, d_model] */
    tc_tensor wk;        /* [n_kv_heads*head_dim, d_model] */
    tc_tensor wv;        /* [n_kv_heads*head_dim, d_model] */
    tc_tensor wo;        /* [d_model, n_heads*head_dim] */
    tc_tensor bq;        /* optional biases (Qwen2) [1, out] */
    tc_tensor bk;
    tc_tensor bv;
    tc_tensor ffn_norm;  /* [1, d_model] */
    tc_tensor w_gate;    /* [d_ff, d_model] */
    tc_tensor w_up;      /* [d_ff, d_model] */
    tc_tensor w_down;    /* [d_model, d_ff] */
} tc_layer_weights;

typedef struct tc_model_config {
    int32_t n_layers;
    int32_t d_model;
    int32_t n_heads;
    int32_t n_kv_heads;
    int32_t head_dim;
    int32_t d_ff;
    int32_t vocab_size;
    int32_t max_seq_len;
    float rms_eps;
    int32_t reserved; /* must be 0 */
    /* head_dim/2 inverse RoPE frequencies, already including any rope scaling (llama3 etc.).
     * RoPE is the "rotate half" (NeoX/HF) convention: pairs (i, i + head_dim/2). Loaders undo
     * llama.cpp's Q/K row permutation so one convention serves every format. Copied at create. */
    const double* rope_inv_freq;
    /* Added in ABI 4. Sliding-window attention (Mistral's sliding_window): 0 = none (full causal attention); W > 0 =
     * a query at position p attends to positions p - W + 1 .. p only (W positions, itself included; Hugging Face's
     * mask kv_idx > q_idx - W). Negative values are TC_ERR_INVALID_ARGUMENT. The KV cache still keeps every position;
     * the window is a mask on which cached keys a query reads. */
    int32_t sliding_window;
    int32_t reserved_2; /* must be 0 */
} tc_model_config;

typedef struct tc_model_weights {
    tc_tensor token_embd;  /* [vocab, d_model] */
    tc_tensor output_norm; /* [1, d_model] */
    tc_tensor output;      /* [vocab, d_model]; may alias token_embd (tied embeddings) */
    const tc_layer_weights* layers; /* n_layers entries; copied at create */
} tc_model_weights;

/* One sequence's slice of a batched forward call. */
typedef struct tc_batch_item {
    void* kv;              /* tc_kv_cache*: the sequence's cache; tokens are appended at its length */
    const int32_t* tokens; /* n_tokens new tokens */
    int32_t n_tokens;
    int32_t logits_mode;   /* TC_LOGITS_* */
    float* logits;         /* LAST: [vocab]; ALL: [n_tokens, vocab]; ROWS: [n_rows, vocab]; NONE: ignored */
    float* hidden;         /* optional: final normed hidden state, same row rule as logits, [*, d_model] */
    /* Added in ABI 2. ROWS only (ignored otherwise): indices into this item's new tokens, strictly ascending,
     * whose logits are wanted: a verifier replaying a long context checks a few chosen rows, and only those
     * pay the LM head. */
    const int32_t* rows;
    int32_t n_rows;
    int32_t reserved;      /* must be 0 */
} tc_batch_item;

enum { TC_LOGITS_NONE = 0, TC_LOGITS_LAST = 1, TC_LOGITS_ALL = 2, TC_LOGITS_ROWS = 3 };

typedef struct tc_model tc_model;
typedef struct tc_kv_cache tc_kv_cache;
typedef struct tc_threadpool tc_threadpool;

/* ---- Library ---- */
TC_API int32_t tc_abi_version(void);
TC_API const char* tc_last_error(void);
/* Added in ABI 1 (no layout change): the status of the calling thread's last failed call (TC_OK after a
 * success), so functions that return NULL on failure can still say why. */
TC_API int32_t tc_last_status(void);
/* Bitmask of 1 << TC_ISA_* the CPU supports (and the library was built with). */
TC_API int32_t tc_isa_supported(void);
/* Forces an ISA (TC_ISA_AUTO = best available). Process-wide; for tests and benchmarks. */
TC_API int tc_isa_set(int32_t isa);
TC_API int32_t tc_isa_active(void);
/* Writes sizeof/offsetof values of every ABI struct and returns how many it wrote (48; 46 before ABI 4); fails with
 * TC_ERR_INVALID_ARGUMENT if capacity is smaller (returns -1). Order, per struct: sizeof, then the
 * offsetof of every field in declaration order; structs in the order tc_tensor, tc_layer_weights,
 * tc_model_config, tc_model_weights, tc_batch_item. */
TC_API int32_t tc_abi_layout(int64_t* out, int32_t capacity);

/* ---- Thread pool ---- */
/* A pool serves one call at a time: a call that finds it busy (another thread's tc_forward, tc_op_matmul or
 * tc_op_attention on the same pool) fails with TC_ERR_INVALID_ARGUMENT and leaves the running call alone; so does a
 * second concurrent tc_forward on one model. Idle workers spin 20,000 PAUSEs before they sleep: 336 us on a Xeon,
 * 490 us on an AMD EPYC Zen 4 (measured), i.e. up to half a millisecond of a core per worker after each call. */
TC_API tc_threadpool* tc_threadpool_create(int32_t n_threads);
TC_API void tc_threadpool_destroy(tc_threadpool* pool);
TC_API int32_t tc_threadpool_size(const tc_threadpool* pool);

/* ---- Model ---- */
TC_API tc_model* tc_model_create(const tc_model_config* config, const tc_model_weights* weights);
TC_API void tc_model_destroy(tc_model* model);

/* ---- KV cache (one per sequence) ---- */
/* Fails (NULL, TC_ERR_INVALID_ARGUMENT) when n_layers * n_kv_heads * capacity * head_dim * 4 bytes do not fit in size_t. */
TC_API tc_kv_cache* tc_kv_create(const tc_model* model, int32_t capacity_tokens);
TC_API void tc_kv_destroy(tc_kv_cache* kv);
TC_API int32_t tc_kv_length(const tc_kv_cache* kv);
/* Drops positions >= n_tokens (rewind). */
TC_API int tc_kv_truncate(tc_kv_cache* kv, int32_t n_tokens);
/* Added in ABI 1 (no layout change): the capacity the cache was created with, -1 on NULL. */
TC_API int32_t tc_kv_capacity(const tc_kv_cache* kv);

/* ---- Forward ----
 * Runs every item's new tokens through the model in one batched pass. Each item's outputs are
 * bitwise identical to running it alone, token by token, with any thread count. One call per model at a
 * time (the model owns the activation scratch); a thread pool likewise serves one call at a time.
 * A row whose logits nobody asked for stops after the last layer's K/V projections (its keys and values
 * are all later positions need), so a prompt chunk fed with NONE costs 1/n_layers less. */
TC_API int tc_forward(tc_model* model, tc_threadpool* pool, const tc_batch_item* items, int32_t n_items);

/* ---- Single ops (microbenchmarks and tests) ---- */
/* y[m, w.rows] = x[m, w.cols] . w^T (+ bias[w.rows]) */
TC_API int tc_op_matmul(tc_threadpool* pool, const float* x, int32_t m, const tc_tensor* w, const tc_tensor* bias, float* y);
/* y[m, d] = x / sqrt(mean(x^2) + eps) * w */
TC_API int tc_op_rmsnorm(const float* x, int32_t m, int32_t d, const tc_tensor* w, float eps, float* y);
/* Canonical DOT16 of two fp32 vectors into *out (n = 0 gives +0). Changed in ABI 3: it returned the float and
 * answered 0 to bad arguments, indistinguishable from a real zero; now a bad argument is an error status. */
TC_API int tc_op_dot(const float* x, const float* y, int32_t n, float* out);
/* y = silu(gate) * up, elementwise over n */
TC_API int tc_op_swiglu(const float* gate, const float* up, int32_t n, float* y);
/* The backend's exp, elementwise. */
TC_API int tc_op_exp(const float* x, int32_t n, float* y);
/* Added in ABI 2 (no layout change): the backend's fp64 natural log, elementwise - the log of tc_logit_statistics
 * (docs/protocol/proof-of-inference.md §4.1): x = 2^e * m with m in [sqrt(1/2), sqrt(2)), s = (m - 1) / (m + 1),
 * ln m = 2 atanh(s) by a 10-term series, plus e * ln 2 in two parts; plain IEEE + - * / only, so the same bits on
 * every platform (not libm). Within 2 ulp of ln x. NaN -> NaN, x < 0 -> NaN, +-0 -> -inf, +inf -> +inf. */
TC_API int tc_op_log(const double* x, int32_t n, double* y);
/* Added in ABI 2 (no layout change): the backend's fp64 sine and cosine, elementwise - the functions the RoPE tables
 * are built with (docs/protocol/proof-of-inference.md §4.2): k = round(x * 2/pi), r = x - k * pi/2 with pi/2 in three
 * Cody-Waite parts, Taylor polynomials of degree 17 (sin) and 16 (cos) on |r| <= pi/4, quadrant by k mod 4; plain
 * IEEE + - * / only, so the same bits on every platform (not libm). Within 2^-51 absolute of sin x / cos x for
 * |x| <= 2^20; outside that range, and for NaN or +-inf, both outputs are NaN. */
TC_API int tc_op_sincos(const double* x, int32_t n, double* sin_out, double* cos_out);
/* Added in ABI 1 (no layout change): causal multi-head attention exactly as tc_forward computes it.
 * q: [n_q, n_heads*head_dim]; k, v: [n_kv, n_kv_heads*head_dim] (token-major); query t sits at
 * position p = n_kv - n_q + t and attends to keys 0..p, or to max(0, p - sliding_window + 1)..p when
 * sliding_window > 0 (changed in ABI 4: the sliding_window argument is new; 0 = none, negative is an error).
 * out: [n_q, n_heads*head_dim]. Requires n_kv >= n_q >= 1 and n_heads a multiple of n_kv_heads. */
TC_API int tc_op_attention(tc_threadpool* pool, const float* q, int32_t n_q, const float* k, const float* v, int32_t n_kv,
                           int32_t n_heads, int32_t n_kv_heads, int32_t head_dim, int32_t sliding_window, float* out);

/* ---- Proof statistics ----
 * Added in ABI 1 (no layout change). The per-step statistics a proof of inference commits to, over one logit row of
 * n entries (docs/protocol/proof-of-inference.md §4.1, the normative definition). With m = the row maximum (+0 for a
 * zero), per entry v: d = fp32(l_v - m), e = the backend exp(d); in fp64, lane v % 16 accumulates, in increasing v,
 * S_l += e, W_l += e * d (exact product) and K_l += (negated ? -d : d). S and W are reduced with DOT16's tree.
 * out[0] = fp32(m + log S) (logsumexp), out[1] = fp32(log S - W / S) (entropy), out[2] = fp32(exp(d_sampled) / S)
 * (probability of entry `sampled`), out[3 + j] = fp32(K_j) (sketch bucket j) - TC_LOGIT_STATISTICS_COUNT floats.
 * negate: ceil(n / 8) bytes, bit v % 8 of byte v / 8 set = entry v enters its bucket negated. log is the backend's
 * fp64 log (tc_op_log), not the C library's. A row with a NaN or infinite entry gives NaN in every output; every NaN
 * is written as 0x7fc00000. The kernel tables differ only in speed: the bits are the same on every ISA and thread
 * count. */
#define TC_LOGIT_STATISTICS_COUNT 19
TC_API int tc_logit_statistics(const float* logits, int32_t n, int32_t sampled, const uint8_t* negate, float* out);

#ifdef __cplusplus
}
#endif

#endif /* TENSORCASH_H */
