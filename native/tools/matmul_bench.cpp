// Stand-alone matmul throughput probe (not part of the library or the test suite):
//   cmake --build build/cmake-Release --target tc_matmul_bench && build/cmake-Release/native/tc_matmul_bench
//   (TENSORCASH_ISA=avx2 or =avx512 picks the table AUTO stands for, so the two can be timed one after the other)
// Reports GEMV GB/s (weights streamed per second) and GEMM GFLOP/s for F32/BF16 weights at 1 and 2 threads,
// and first checks that the AVX2 result equals the scalar result bit for bit on the same data.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "tensorcash.h"

namespace {

uint16_t to_bf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return static_cast<uint16_t>(u >> 16);
}

double thread_cpu_seconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

// Wall seconds per call, and (for the single-threaded case) CPU seconds per call of the calling thread,
// which stays meaningful when other processes compete for the cores.
struct Timing {
    double wall, cpu;
};

Timing seconds_per_call(tc_threadpool* pool, const std::vector<float>& x, int m, const tc_tensor& w, std::vector<float>& y,
                        double min_seconds) {
    tc_op_matmul(pool, x.data(), m, &w, nullptr, y.data());
    int calls = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_seconds();
    double elapsed = 0;
    do {
        tc_op_matmul(pool, x.data(), m, &w, nullptr, y.data());
        ++calls;
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < min_seconds);
    return {elapsed / calls, (thread_cpu_seconds() - cpu_start) / calls};
}

}  // namespace

int main(int argc, char** argv) {
    const int rows = argc > 1 ? std::atoi(argv[1]) : 4096;
    const int cols = argc > 2 ? std::atoi(argv[2]) : 4096;
    const int m_gemm = argc > 3 ? std::atoi(argv[3]) : 128;
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> wf(static_cast<size_t>(rows) * cols);
    for (auto& v : wf) v = dist(rng);
    std::vector<uint16_t> wb(wf.size());
    for (size_t i = 0; i < wf.size(); ++i) wb[i] = to_bf16(wf[i]);
    std::vector<float> x(static_cast<size_t>(m_gemm) * cols);
    for (auto& v : x) v = dist(rng);
    std::vector<float> y(static_cast<size_t>(m_gemm) * rows), y_ref(y.size());

    const tc_tensor tensors[2] = {{wf.data(), TC_DTYPE_F32, rows, cols, 0}, {wb.data(), TC_DTYPE_BF16, rows, cols, 0}};
    const char* names[2] = {"F32", "BF16"};
    const double bytes[2] = {4.0 * rows * cols, 2.0 * rows * cols};

    // Bitwise check against the scalar kernel for every dtype, at token counts that hit every tile and
    // remainder path (1 = GEMV, 2 = the 2-token group, 3/4/5/6/7/17 = full groups plus each remainder),
    // with and without a bias, on 1 and 2 threads.
    std::vector<uint16_t> wh(wf.size());
    for (auto& v : wh) {
        v = static_cast<uint16_t>(rng() & 0xFFFF);
        if (((v >> 10) & 31) == 31) v &= 0xBFFF;  // no inf/NaN
    }
    const int q8_blocks = cols / 32;
    std::vector<uint8_t> wq(static_cast<size_t>(rows) * q8_blocks * 34);
    for (size_t b = 0; b < wq.size(); b += 34) {
        const uint16_t d = static_cast<uint16_t>(0x2000 + (rng() & 0x0FFF));  // modest positive f16 scales
        std::memcpy(&wq[b], &d, 2);
        for (int j = 0; j < 32; ++j) wq[b + 2 + j] = static_cast<uint8_t>(rng());
    }
    std::vector<float> bias_v(rows);
    for (auto& v : bias_v) v = dist(rng);
    const tc_tensor bias_t{bias_v.data(), TC_DTYPE_F32, 1, rows, 0};
    const tc_tensor checked[4] = {{wf.data(), TC_DTYPE_F32, rows, cols, 0},
                                  {wb.data(), TC_DTYPE_BF16, rows, cols, 0},
                                  {wh.data(), TC_DTYPE_F16, rows, cols, 0},
                                  {wq.data(), TC_DTYPE_Q8_0, rows, cols, 0}};
    const char* checked_names[4] = {"F32", "BF16", "F16", "Q8_0"};
    const int ms[] = {1, 2, 3, 4, 5, 6, 7, 17, m_gemm};
    tc_threadpool* check_pool = tc_threadpool_create(2);
    for (int i = 0; i < 4; ++i) {
        if (i == 3 && cols % 32 != 0) continue;
        bool all_same = true;
        int checks = 0;
        for (int m : ms) {
            if (m > m_gemm) continue;
            for (int with_bias = 0; with_bias < 2; ++with_bias)
                for (int threads = 1; threads <= 2; ++threads) {
                    tc_threadpool* pool = threads == 1 ? nullptr : check_pool;
                    const tc_tensor* b = with_bias ? &bias_t : nullptr;
                    tc_isa_set(TC_ISA_SCALAR);
                    tc_op_matmul(pool, x.data(), m, &checked[i], b, y_ref.data());
                    tc_isa_set(TC_ISA_AUTO);
                    std::fill(y.begin(), y.end(), 0.0f);
                    tc_op_matmul(pool, x.data(), m, &checked[i], b, y.data());
                    const bool same = std::memcmp(y.data(), y_ref.data(), sizeof(float) * m * rows) == 0;
                    if (!same)
                        std::printf("%s m=%d bias=%d threads=%d: DIFFERENT\n", checked_names[i], m, with_bias, threads);
                    all_same = all_same && same;
                    ++checks;
                }
        }
        std::printf("%s scalar vs isa %d, %d cases (m in 1..7, 17, %d; bias; 1-2 threads): %s\n", checked_names[i],
                    tc_isa_active(), checks, m_gemm, all_same ? "bitwise equal" : "DIFFERENT");
    }
    tc_threadpool_destroy(check_pool);
    const int only_threads = argc > 4 ? std::atoi(argv[4]) : 0;  // 0: time 1 and 2 threads
    for (int threads = 1; threads <= 2; ++threads) {
        if (only_threads != 0 && threads != only_threads) continue;
        tc_threadpool* pool = tc_threadpool_create(threads);
        for (int i = 0; i < 2; ++i) {
            const Timing gemv = seconds_per_call(pool, x, 1, tensors[i], y, 1.0);
            const Timing gemm = seconds_per_call(pool, x, m_gemm, tensors[i], y, 1.5);
            const double flops = 2.0 * m_gemm * rows * cols;
            std::printf("threads=%d %-4s [%d x %d]  GEMV %.2f GB/s (%.3f ms)   GEMM m=%d %.1f GFLOP/s (%.2f ms)", threads,
                        names[i], rows, cols, bytes[i] / gemv.wall / 1e9, gemv.wall * 1e3, m_gemm, flops / gemm.wall / 1e9,
                        gemm.wall * 1e3);
            if (threads == 1)
                std::printf("   per CPU-second: GEMV %.2f GB/s, GEMM %.1f GFLOP/s", bytes[i] / gemv.cpu / 1e9, flops / gemm.cpu / 1e9);
            std::printf("\n");
        }
        // A tiny matmul split into two tasks is almost pure pool dispatch: the per-op overhead decode pays.
        const tc_tensor tiny{wf.data(), TC_DTYPE_F32, 8, 16, 0};
        const Timing dispatch = seconds_per_call(pool, x, 1, tiny, y, 0.5);
        std::printf("threads=%d dispatch of a 2-task op: %.2f us\n", threads, dispatch.wall * 1e6);
        tc_threadpool_destroy(pool);
    }
    return 0;
}
