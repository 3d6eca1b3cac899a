// Stand-alone matmul throughput probe (not part of the library or the test suite):
//   cmake --build build/cmake-Release --target tc_matmul_bench && build/cmake-Release/native/tc_matmul_bench
// Reports GEMV GB/s (weights streamed per second) and GEMM GFLOP/s for F32/BF16 weights at 1 and 2 threads,
// and first checks that the AVX2 result equals the scalar result bit for bit on the same data.
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

    const int m_check = m_gemm < 7 ? m_gemm : 7;  // 7 = 3 + 3 + 1 tokens: both GEMM tiles and the GEMV path
    for (int i = 0; i < 2; ++i) {
        tc_isa_set(TC_ISA_SCALAR);
        tc_op_matmul(nullptr, x.data(), m_check, &tensors[i], nullptr, y_ref.data());
        tc_isa_set(TC_ISA_AUTO);
        tc_op_matmul(nullptr, x.data(), m_check, &tensors[i], nullptr, y.data());
        const bool same = std::memcmp(y.data(), y_ref.data(), sizeof(float) * m_check * rows) == 0;
        std::printf("%s scalar vs isa %d on %d tokens: %s\n", names[i], tc_isa_active(), m_check,
                    same ? "bitwise equal" : "DIFFERENT");
    }
    for (int threads = 1; threads <= 2; ++threads) {
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
