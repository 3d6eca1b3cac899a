// ThreadPool implementation and the tc_threadpool_* exports.
#include "threadpool.h"

#if defined(TC_X86)
#include <immintrin.h>
#endif

#include "errors.h"
#include "fp_env.h"

namespace tc {
namespace {

// Spinning before sleeping covers the gap between consecutive ops of a forward. Measured cost (threadpool.h): 336 us
// on a Xeon, 490 us on an AMD EPYC Zen 4 for the 20,000 PAUSEs.
constexpr int kSpinIterations = 20000;

inline void cpu_relax() {
#if defined(TC_X86)
    _mm_pause();
#endif
}

}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(n_threads) {
    workers_.reserve(static_cast<size_t>(n_threads - 1));
    try {
        for (int i = 1; i < n_threads; ++i) workers_.emplace_back([this, i] { worker_main(i); });
    } catch (...) {
        stop_.store(true);
        {
            std::lock_guard<std::mutex> lock(mutex_);
        }
        wake_.notify_all();
        for (auto& w : workers_) w.join();
        throw;
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_.store(true);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
}

// Claim word layout: generation (low 24 bits) << 40 | task count << 20 | next task. The task count lives in the
// same word the CAS updates, so a worker can never bound a claim of one call by another call's count: a stale
// worker that saw call G exhausted (next == count) cannot claim "task count(G)" of call G+1 before G+1 publishes
// its own claim word. Job fields are read after the claim word that published them and only used if the CAS on
// that same word succeeds, which proves the call was still running (so its fields were still the current ones).
namespace {
constexpr int kClaimShift = 20;
constexpr uint64_t kClaimMask = (uint64_t{1} << kClaimShift) - 1;

inline uint64_t claim_word(uint32_t generation, int n_tasks) {
    return (static_cast<uint64_t>(generation & 0xffffffu) << (2 * kClaimShift)) | (static_cast<uint64_t>(n_tasks) << kClaimShift);
}
}  // namespace

void ThreadPool::work(uint32_t generation, int thread) {
    uint64_t claim = claim_.load(std::memory_order_acquire);
    for (;;) {
        if (static_cast<uint32_t>(claim >> (2 * kClaimShift)) != (generation & 0xffffffu)) return;  // another call
        const int task = static_cast<int>(claim & kClaimMask);
        const int n_tasks = static_cast<int>((claim >> kClaimShift) & kClaimMask);
        if (task >= n_tasks) return;
        const TaskFn fn = fn_.load(std::memory_order_relaxed);
        void* const ctx = ctx_.load(std::memory_order_relaxed);
        if (!claim_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
        fn(ctx, task, thread);
        done_tasks_.fetch_add(1, std::memory_order_release);
        claim = claim_.load(std::memory_order_acquire);
    }
}

void ThreadPool::run(int n_tasks, TaskFn fn, void* ctx) {
    TC_REQUIRE(n_tasks >= 0 && n_tasks <= kMaxTasks, TC_ERR_INTERNAL, "thread pool: %d tasks, one call takes 0..%d",
               n_tasks, kMaxTasks);
    if (n_tasks == 0) return;
    const uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
    fn_.store(fn, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    done_tasks_.store(0, std::memory_order_relaxed);
    claim_.store(claim_word(generation, n_tasks), std::memory_order_release);
    {
        // The lock orders the generation bump against a worker that is about to sleep, so no wake-up is lost.
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.store(generation, std::memory_order_release);
    }
    wake_.notify_all();
    work(generation, 0);
    for (int spins = 0; done_tasks_.load(std::memory_order_acquire) != n_tasks; ++spins) {
        if (spins < kSpinIterations)
            cpu_relax();
        else
            std::this_thread::yield();
    }
}

void ThreadPool::worker_main(int thread) {
    // A new thread inherits its creator's MXCSR; the callers' environment is checked at entry (fp_env.h), the
    // workers computing on their behalf start from the default one.
    set_default_fp_env();
    uint32_t seen = 0;
    for (;;) {
        uint32_t gen = generation_.load(std::memory_order_acquire);
        for (int spins = 0; gen == seen && spins < kSpinIterations && !stop_.load(std::memory_order_relaxed); ++spins) {
            cpu_relax();
            gen = generation_.load(std::memory_order_acquire);
        }
        if (gen == seen) {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] {
                return stop_.load(std::memory_order_relaxed) || generation_.load(std::memory_order_acquire) != seen;
            });
            gen = generation_.load(std::memory_order_acquire);
        }
        if (stop_.load(std::memory_order_relaxed)) return;
        seen = gen;
        work(gen, thread);
    }
}

}  // namespace tc

extern "C" TC_API tc_threadpool* tc_threadpool_create(int32_t n_threads) {
    tc_threadpool* pool = nullptr;
    tc::guard("tc_threadpool_create", [&] {
        TC_REQUIRE_ARG(n_threads >= 1 && n_threads <= 1024, "n_threads must be in 1..1024, got %d", n_threads);
        pool = new tc_threadpool(n_threads);
    });
    return pool;
}

extern "C" TC_API void tc_threadpool_destroy(tc_threadpool* pool) { delete pool; }

extern "C" TC_API int32_t tc_threadpool_size(const tc_threadpool* pool) { return pool ? pool->size() : 0; }
