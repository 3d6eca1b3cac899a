// The scalar kernel table: runs on any CPU and defines the results every other ISA must reproduce.
#include "scalar/scalar_kernels.h"

namespace tc {

const Kernels& scalar_kernels() {
    static const Kernels table{TC_ISA_SCALAR, scalar::dot,    scalar::matmul,   scalar::exp,
                               scalar::swiglu, scalar::rmsnorm, scalar::attention, scalar::logit_lanes};
    return table;
}

}  // namespace tc
