// Size arithmetic that refuses to wrap. Every byte count and element count built from caller-supplied dimensions goes
// through these, so a hostile or mistaken configuration gets an error instead of a short allocation.
#pragma once
#include <climits>
#include <cstddef>
#include <cstdint>

#include "errors.h"

namespace tc {

// a * b as size_t, or TC_ERR_INVALID_ARGUMENT naming `what`.
inline size_t checked_mul(size_t a, size_t b, const char* what) {
    size_t product;
    TC_REQUIRE_ARG(!__builtin_mul_overflow(a, b, &product), "%s overflows: %zu * %zu does not fit in %zu bits", what, a,
                   b, sizeof(size_t) * 8);
    return product;
}

// a * b as int (for task and element counts the kernels index with int), or TC_ERR_INVALID_ARGUMENT naming `what`.
inline int checked_mul_int(int64_t a, int64_t b, const char* what) {
    const int64_t product = a * b;  // both operands are int32 values here, so the int64 product is exact
    TC_REQUIRE_ARG(a >= 0 && b >= 0 && product <= INT_MAX, "%s = %lld * %lld exceeds %d", what,
                   static_cast<long long>(a), static_cast<long long>(b), INT_MAX);
    return static_cast<int>(product);
}

}  // namespace tc
