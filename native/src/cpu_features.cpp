// Run-time ISA detection (cpuid + xgetbv) and the process-wide choice of kernel table.
// AVX-512 kernels are not built (the development machine cannot run them), so TC_ISA_AVX512 is never
// reported as supported and tc_isa_set(TC_ISA_AVX512) fails with TC_ERR_UNSUPPORTED.
#include <atomic>

#include "errors.h"
#include "kernels.h"

#if defined(TC_X86)
#include <cpuid.h>
#endif

namespace tc {
namespace {

int32_t detect_supported() {
    int32_t mask = 1 << TC_ISA_SCALAR;
#if defined(TC_X86)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return mask;
    const bool fma = c & (1u << 12), osxsave = c & (1u << 27), avx = c & (1u << 28), f16c = c & (1u << 29);
    if (!(osxsave && avx)) return mask;
    // The OS must save YMM state (XCR0 bits 1 and 2), otherwise AVX instructions fault.
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 0x6u) != 0x6u) return mask;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return mask;
    const bool avx2 = b & (1u << 5);
    if (avx2 && fma && f16c) mask |= 1 << TC_ISA_AVX2;
#endif
    return mask;
}

int32_t supported() {
    static const int32_t mask = detect_supported();
    return mask;
}

const Kernels* table_for(int32_t isa) {
#if defined(TC_X86)
    if (isa == TC_ISA_AVX2) return &avx2_kernels();
#endif
    (void)isa;
    return &scalar_kernels();
}

int32_t best_isa() { return (supported() & (1 << TC_ISA_AVX2)) ? TC_ISA_AVX2 : TC_ISA_SCALAR; }

std::atomic<const Kernels*> g_active{nullptr};

}  // namespace

const Kernels& active_kernels() {
    const Kernels* k = g_active.load(std::memory_order_acquire);
    if (!k) {
        k = table_for(best_isa());
        g_active.store(k, std::memory_order_release);
    }
    return *k;
}

}  // namespace tc

extern "C" TC_API int32_t tc_isa_supported(void) { return tc::supported(); }

extern "C" TC_API int tc_isa_set(int32_t isa) {
    return tc::guard("tc_isa_set", [&] {
        TC_REQUIRE_ARG(isa >= TC_ISA_AUTO && isa <= TC_ISA_AVX512, "unknown isa %d", isa);
        const int32_t chosen = isa == TC_ISA_AUTO ? tc::best_isa() : isa;
        TC_REQUIRE(tc::supported() & (1 << chosen), TC_ERR_UNSUPPORTED,
                   "isa %d is not supported by this CPU or build (supported mask 0x%x)", isa, tc::supported());
        tc::g_active.store(tc::table_for(chosen), std::memory_order_release);
    });
}

extern "C" TC_API int32_t tc_isa_active(void) { return tc::active_kernels().isa; }
