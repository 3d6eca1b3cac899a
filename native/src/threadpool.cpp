// ThreadPool implementation and the tc_threadpool_* exports.
#include "threadpool.h"

#if defined(TC_X86)
#include <immintrin.h>
#endif

#include "errors.h"

namespace tc {
namespace {

// ~20-50 microseconds of spinning before sleeping: covers the gap between consecutive ops of a forward.
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

void ThreadPool::work(int thread) {
    for (;;) {
        const int task = next_task_.fetch_add(1, std::memory_order_relaxed);
        if (task >= n_tasks_) return;
        fn_(ctx_, task, thread);
    }
}

void ThreadPool::run(int n_tasks, TaskFn fn, void* ctx) {
    n_tasks_ = n_tasks;
    fn_ = fn;
    ctx_ = ctx;
    next_task_.store(0, std::memory_order_relaxed);
    busy_workers_.store(n_threads_ - 1, std::memory_order_relaxed);
    {
        // The lock orders the generation bump against a worker that is about to sleep, so no wake-up is lost.
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    work(0);
    for (int spins = 0; busy_workers_.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < kSpinIterations)
            cpu_relax();
        else
            std::this_thread::yield();
    }
}

void ThreadPool::worker_main(int thread) {
    uint64_t seen = 0;
    for (;;) {
        uint64_t gen = generation_.load(std::memory_order_acquire);
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
        work(thread);
        busy_workers_.fetch_sub(1, std::memory_order_acq_rel);
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
