// Thread-local last status and error message (tc_last_status, tc_last_error) and message formatting.
#include "errors.h"

#include <cstdarg>
#include <cstdio>

namespace tc {
namespace {
thread_local std::string t_last_error;
thread_local int t_last_status = TC_OK;
}

std::string format(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    std::string out(n > 0 ? static_cast<size_t>(n) : 0, '\0');
    if (n > 0) std::vsnprintf(out.data(), out.size() + 1, fmt, args);
    va_end(args);
    return out;
}

void set_last_error(int status, const char* message) {
    t_last_status = status;
    // Assigning can itself throw bad_alloc; the ABI must stay exception-free, so fall back to an empty text.
    try {
        t_last_error = message;
    } catch (...) {
        t_last_error.clear();
    }
}

void clear_last_error() {
    t_last_status = TC_OK;
    t_last_error.clear();
}

}  // namespace tc

extern "C" TC_API const char* tc_last_error(void) { return tc::t_last_error.c_str(); }

extern "C" TC_API int32_t tc_last_status(void) { return tc::t_last_status; }
