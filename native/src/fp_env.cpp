// MXCSR (x86-64 SSE/AVX arithmetic) and the C rounding mode (the x87 unit and every other target), see fp_env.h.
#include "fp_env.h"

#include <cfenv>
#include <cstdint>

#include "errors.h"

#if defined(TC_X86)
#include <immintrin.h>
#endif

namespace tc {
namespace {

#if defined(TC_X86)
// Bits 0-5 are sticky exception flags (ignored); 6 DAZ, 7-12 exception masks, 13-14 rounding control, 15 FTZ.
constexpr uint32_t kMxcsrControlMask = 0xffc0;
constexpr uint32_t kMxcsrDefault = 0x1f80;  // all exceptions masked, round to nearest, FTZ and DAZ off
#endif

}  // namespace

void require_default_fp_env() {
#if defined(TC_X86)
    const uint32_t csr = _mm_getcsr();
    TC_REQUIRE((csr & kMxcsrControlMask) == kMxcsrDefault, TC_ERR_UNSUPPORTED,
               "MXCSR control bits are 0x%04x, the numerical contract needs 0x%04x (round to nearest, no FTZ, no DAZ, "
               "exceptions masked)",
               csr & kMxcsrControlMask, kMxcsrDefault);
#endif
    const int round = std::fegetround();
    TC_REQUIRE(round == FE_TONEAREST, TC_ERR_UNSUPPORTED,
               "the rounding mode is %d, the numerical contract needs round to nearest (FE_TONEAREST = %d)", round,
               FE_TONEAREST);
}

void set_default_fp_env() {
#if defined(TC_X86)
    _mm_setcsr((_mm_getcsr() & ~kMxcsrControlMask) | kMxcsrDefault);
#endif
    std::fesetround(FE_TONEAREST);
}

}  // namespace tc
