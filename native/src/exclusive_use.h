// One call at a time on an object that owns per-call state (a thread pool's job slot, a model's scratch buffers).
// A second concurrent caller is refused with an error for the whole duration of the first call, instead of
// overwriting the first call's state halfway through it.
#pragma once
#include <atomic>

#include "errors.h"

namespace tc {

class ExclusiveUse {
public:
    // flag == nullptr: nothing to guard (no pool). `what` names the object in the error.
    ExclusiveUse(std::atomic<bool>* flag, const char* what) : flag_(flag) {
        if (flag_ && flag_->exchange(true, std::memory_order_acquire)) {
            flag_ = nullptr;
            throw Error(TC_ERR_INVALID_ARGUMENT,
                        format("the %s is already serving another call (one call at a time per %s)", what, what));
        }
    }
    ~ExclusiveUse() {
        if (flag_) flag_->store(false, std::memory_order_release);
    }
    ExclusiveUse(const ExclusiveUse&) = delete;
    ExclusiveUse& operator=(const ExclusiveUse&) = delete;

private:
    std::atomic<bool>* flag_;
};

}  // namespace tc
