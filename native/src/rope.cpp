#include "rope.h"

#include "scalar/scalar_math.h"

namespace tc {

void RopeTable::init(const double* inv_freq, int half_dim, int max_positions) {
    inv_freq_.assign(inv_freq, inv_freq + half_dim);
    half_ = half_dim;
    max_pos_ = max_positions;
    n_pos_ = 0;
    cos_.clear();
    sin_.clear();
}

void RopeTable::ensure(int n_positions) {
    if (n_positions <= n_pos_) return;
    int target = n_pos_ == 0 ? 256 : n_pos_;
    while (target < n_positions) target *= 2;
    // Never beyond max_seq_len: tc_model_create checked that (max_seq_len - 1) * inv_freq[i] stays in sincos_f64's range.
    if (target > max_pos_) target = max_pos_ > n_positions ? max_pos_ : n_positions;
    cos_.resize(static_cast<size_t>(target) * half_);
    sin_.resize(static_cast<size_t>(target) * half_);
    for (int p = n_pos_; p < target; ++p)
        for (int i = 0; i < half_; ++i) {
            const double angle = static_cast<double>(p) * inv_freq_[i];
            double s, c;
            sincos_f64(angle, s, c);  // the backend's sin/cos, not libm: consensus bits (scalar_math.h)
            cos_[static_cast<size_t>(p) * half_ + i] = static_cast<float>(c);
            sin_[static_cast<size_t>(p) * half_ + i] = static_cast<float>(s);
        }
    n_pos_ = target;
}

void RopeTable::apply(float* row, int n_heads, int pos) const {
    const float* c = cos_.data() + static_cast<size_t>(pos) * half_;
    const float* s = sin_.data() + static_cast<size_t>(pos) * half_;
    for (int h = 0; h < n_heads; ++h) {
        float* x = row + static_cast<size_t>(h) * 2 * half_;
        for (int i = 0; i < half_; ++i) {
            const float x0 = x[i];
            const float x1 = x[i + half_];
            x[i] = x0 * c[i] - x1 * s[i];
            x[i + half_] = x1 * c[i] + x0 * s[i];
        }
    }
}

}  // namespace tc
