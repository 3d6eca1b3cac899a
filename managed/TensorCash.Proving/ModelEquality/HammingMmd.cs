namespace TensorCash.Proving.ModelEquality;

/// <summary>
/// The MMD two-sample statistic of Model Equality Testing (Gao, Liang, Guestrin, ICLR 2025, arXiv:2410.20247) with
/// its Hamming kernel over (prompt, completion) pairs:
///
///     k((p, y), (p', y')) = 1[p = p'] · Σ_{i &lt; L} 1[y_i = y'_i]
///
/// where each completion is cut or padded (with a pad symbol that is no token) to L positions. The kernel is a sum of
/// indicator features, so it is positive definite, and it is zero between different prompts: every sum below splits
/// into per-prompt, per-position token counts. With c_X(p, i, v) the number of X completions of prompt p holding v at
/// position i (c_Y likewise, n_X and n_Y the sample sizes):
///
///     S_XX = Σ c_X² − n_X·L   (pairs i ≠ j: the diagonal matches itself on all L positions)
///     S_YY = Σ c_Y² − n_Y·L,   S_XY = Σ c_X·c_Y
///     MMD²_u = S_XX / (n_X(n_X−1)) + S_YY / (n_Y(n_Y−1)) − 2·S_XY / (n_X·n_Y)     (Gretton et al. 2012, unbiased)
///
/// The statistic is kept as the integer T = MMD²_u · n_X(n_X−1)·n_Y(n_Y−1) (the product is divisible by n_X·n_Y), so
/// the permutation test compares integers and a seed gives the same p-value on every machine. The reported MMD² is
/// T divided by that product and by L (the kernel normalised to [0, 1]).
/// </summary>
public static class HammingMmd
{
    /// <summary>Longest completion the kernel compares; bounds memory of the count tables.</summary>
    public const int MaxCompletionLength = 4096;
    /// <summary>Most completions on one side; keeps every sum inside Int128 with a wide margin.</summary>
    public const int MaxSamplesPerSide = 1_000_000;

    /// <summary>
    /// The integer statistic T of <paramref name="samples"/> with its X/Y labels as given; see the type comment.
    /// </summary>
    public static Int128 ScaledStatistic(MmdSamples samples, ReadOnlySpan<bool> isX) => samples.Statistic(isX);

    /// <summary>MMD²_u with the kernel normalised by L (so it lies in [-2, 2]).</summary>
    public static double Mmd2(MmdSamples samples) =>
        (double)samples.Statistic(samples.OriginalLabels) / samples.Denominator;
}
