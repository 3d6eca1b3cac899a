// A persistent worker pool with one primitive, run(n_tasks, fn): tasks are claimed through an atomic
// counter, the calling thread works too, and run returns when every task is done. Work distribution may
// vary from call to call; results cannot, because no task ever reduces across another task's data.
// Idle workers spin (decode dispatches ~10 times per layer per token, so waking must be cheap) and then sleep on a
// condition variable so an idle pool costs no CPU. The spin is kSpinIterations PAUSEs, whose cost depends on the
// CPU: 20,000 took 336 us on a Xeon and 490 us on an AMD EPYC (Zen 4, family 25; measured 2026-12-03), so an idle
// worker burns up to about half a millisecond of a core after each call before it sleeps.
// One call at a time: the entry points hold the pool's in_use flag (ExclusiveUse) for the whole C call, so a
// second concurrent caller gets an error instead of overwriting the job slot under the first.
// run() waits for tasks, not for workers: on a busy machine a worker that is not scheduled in time simply
// claims nothing, instead of stalling the caller. The claim counter carries the call's generation in its
// high half so a worker that wakes up late can never claim a task of a later call with a stale job.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace tc {

class ThreadPool {
public:
    using TaskFn = void (*)(void* ctx, int task, int thread);

    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    /// Most tasks one run() takes (the task count shares the claim word); parallel_for splits larger loops.
    static constexpr int kMaxTasks = (1 << 20) - 1;

    int size() const { return n_threads_; }
    // Throws tc::Error for a task count outside [0, kMaxTasks] (it would spill into the claim word's generation
    // bits and the caller would wait forever).
    void run(int n_tasks, TaskFn fn, void* ctx);

    // Held by the C entry point that is using the pool (exclusive_use.h).
    std::atomic<bool> in_use{false};

    template <class F>
    void run(int n_tasks, F& f) {
        run(n_tasks, [](void* c, int task, int thread) { (*static_cast<F*>(c))(task, thread); }, static_cast<void*>(&f));
    }

private:
    void worker_main(int thread);
    void work(uint32_t generation, int thread);

    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<uint32_t> generation_{0};
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> claim_{0};  // generation, task count and next task index; see threadpool.cpp
    std::atomic<int> done_tasks_{0};
    std::atomic<TaskFn> fn_{nullptr};
    std::atomic<void*> ctx_{nullptr};
};

// Runs on the pool, or inline on the caller when there is no pool (tc_threadpool* may be NULL).
template <class F>
void parallel_for(ThreadPool* pool, int n_tasks, F&& f) {
    if (n_tasks <= 0) return;
    if (!pool || pool->size() == 1 || n_tasks == 1) {
        for (int t = 0; t < n_tasks; ++t) f(t, 0);
        return;
    }
    for (int base = 0; base < n_tasks; base += ThreadPool::kMaxTasks) {
        const int count = n_tasks - base < ThreadPool::kMaxTasks ? n_tasks - base : ThreadPool::kMaxTasks;
        auto shifted = [&](int task, int thread) { f(base + task, thread); };
        pool->run(count, shifted);
    }
}

inline int pool_size(const ThreadPool* pool) { return pool ? pool->size() : 1; }

}  // namespace tc

struct tc_threadpool : tc::ThreadPool {
    using tc::ThreadPool::ThreadPool;
};
