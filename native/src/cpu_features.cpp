// Run-time ISA detection (cpuid + xgetbv) and the process-wide choice of kernel table.
// AVX-512 is opt-in: it is reported as supported where the CPU has AVX-512 F/BW/VL/DQ (plus what the AVX2 table
// needs) and the OS saves opmask and zmm state, but TC_ISA_AUTO picks AVX2 unless the environment variable
// TENSORCASH_ISA=avx512 asks for it (or a caller sets it with tc_isa_set). Its kernels are bitwise equal to the
// scalar and AVX2 ones by construction and by test (tests/.../Native/IsaInvarianceTests.cs), verified on one
// microarchitecture (AMD Zen 4) so far; the default waits for more hardware.
#include <atomic>
#include <cstdlib>
#include <cstring>

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
    if (!(avx2 && fma && f16c)) return mask;
    mask |= 1 << TC_ISA_AVX2;
    const bool avx512f = b & (1u << 16), avx512dq = b & (1u << 17), avx512bw = b & (1u << 30), avx512vl = b & (1u << 31);
    // The OS must also save opmask and both zmm halves (XCR0 bits 5, 6, 7) or AVX-512 instructions fault.
    if (avx512f && avx512dq && avx512bw && avx512vl && (xcr0_lo & 0xe6u) == 0xe6u) mask |= 1 << TC_ISA_AVX512;
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
    if (isa == TC_ISA_AVX512) return &avx512_kernels();
#endif
    (void)isa;
    return &scalar_kernels();
}

// TENSORCASH_ISA = scalar | avx2 | avx512 | auto (unset: auto): the table AUTO stands for, when supported.
int32_t requested_isa() {
    const char* value = std::getenv("TENSORCASH_ISA");
    if (!value) return TC_ISA_AUTO;
    if (std::strcmp(value, "scalar") == 0) return TC_ISA_SCALAR;
    if (std::strcmp(value, "avx2") == 0) return TC_ISA_AVX2;
    if (std::strcmp(value, "avx512") == 0) return TC_ISA_AVX512;
    return TC_ISA_AUTO;
}

int32_t best_isa() {
    const int32_t requested = requested_isa();
    if (requested != TC_ISA_AUTO && (supported() & (1 << requested))) return requested;
    return (supported() & (1 << TC_ISA_AVX2)) ? TC_ISA_AVX2 : TC_ISA_SCALAR;
}

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
