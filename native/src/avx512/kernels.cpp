// The AVX-512 kernel table; cpu_features.cpp only selects it when cpuid reports AVX-512 F/BW/VL/DQ (plus AVX2, FMA
// and F16C) and XGETBV says the OS saves the opmask and zmm state, and only on request (opt-in, TC_ISA_AUTO keeps
// AVX2). logit_lanes is the AVX2 kernel: every CPU with this table has AVX2, the statistics run once per step over
// one logit row, and its fp64 lanes gain little from zmm; its bits are the same by construction (kernels.h).
#include "avx2/avx2_kernels.h"
#include "avx512/avx512_kernels.h"

namespace tc {

const Kernels& avx512_kernels() {
    static const Kernels table{TC_ISA_AVX512,    avx512::dot,     avx512::matmul,   avx512::exp,
                               avx512::swiglu,   avx512::rmsnorm, avx512::attention, avx2::logit_lanes};
    return table;
}

}  // namespace tc
