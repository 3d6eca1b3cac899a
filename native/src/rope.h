// RoPE (rotate-half convention). cos/sin per (position, frequency) are computed in double with the backend's
// sincos_f64 (scalar_math.h, not libm) and rounded to float once, into a table that only ever grows: an entry depends on nothing but (pos, i), so a
// position gets the same rotation whether it was reached by prefill, decode or a chunk.
#pragma once
#include <vector>

namespace tc {

class RopeTable {
public:
    void init(const double* inv_freq, int half_dim, int max_positions);
    void ensure(int n_positions);
    // Rotates the n_heads heads of one token row (head_dim = 2 * half_dim floats each) in place.
    void apply(float* row, int n_heads, int pos) const;

private:
    std::vector<double> inv_freq_;
    int half_ = 0;
    int n_pos_ = 0;
    int max_pos_ = 0;
    std::vector<float> cos_, sin_;
};

}  // namespace tc
