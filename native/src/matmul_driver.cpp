// Panel partitioning for matmul_jobs. A panel is a run of weight rows that (a) fits comfortably in L2
// so every token group re-reads it from cache rather than DRAM and (b) is small enough that each thread
// gets several panels, which keeps the atomic work queue balanced.
#include "matmul_driver.h"

#include <algorithm>
#include <vector>

#include "kernels.h"

namespace tc {
namespace {

constexpr size_t kPanelBytes = 192 * 1024;
constexpr int kTasksPerThread = 4;

int panel_rows(const WeightMatrix& w, int threads) {
    int rows = static_cast<int>(std::max<size_t>(4, kPanelBytes / std::max<size_t>(1, w.row_bytes)));
    rows = std::min(rows, std::max(4, w.rows / (kTasksPerThread * threads)));
    return std::max(4, rows & ~3);  // multiples of 4 keep the GEMV's 4-row tiles whole
}

}  // namespace

void matmul_jobs(ThreadPool* pool, const float* x, int m, const MatmulJob* jobs, int n_jobs) {
    const Kernels& k = active_kernels();
    const int threads = pool_size(pool);
    struct Panel {
        int job, r0, r1;
    };
    // Reused across calls to avoid an allocation per matmul. The lambda must capture this through a
    // reference: naming a thread_local inside it would resolve to the worker thread's own (empty) copy.
    thread_local std::vector<Panel> reused;
    std::vector<Panel>& panels = reused;
    panels.clear();
    for (int j = 0; j < n_jobs; ++j) {
        const WeightMatrix& w = *jobs[j].w;
        const int step = panel_rows(w, threads);
        for (int r = 0; r < w.rows; r += step) panels.push_back({j, r, std::min(w.rows, r + step)});
    }
    parallel_for(pool, static_cast<int>(panels.size()), [&](int task, int) {
        const Panel& p = panels[task];
        const MatmulJob& job = jobs[p.job];
        k.matmul(x, m, *job.w, p.r0, p.r1, job.bias ? job.bias + p.r0 : nullptr, job.y + p.r0, job.ldy);
    });
}

}  // namespace tc
