// The AVX2 kernel table; cpu_features.cpp only selects it when cpuid/xgetbv report AVX2, FMA and F16C.
#include "avx2/avx2_kernels.h"

namespace tc {

const Kernels& avx2_kernels() {
    static const Kernels table{TC_ISA_AVX2, avx2::dot,     avx2::matmul,   avx2::exp,
                               avx2::swiglu, avx2::rmsnorm, avx2::attention, avx2::logit_lanes};
    return table;
}

}  // namespace tc
