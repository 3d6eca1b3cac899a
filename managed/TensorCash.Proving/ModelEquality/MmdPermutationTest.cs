using TensorCash.Engine.Generation;

namespace TensorCash.Proving.ModelEquality;

/// <summary>The outcome of one Model Equality test: the statistic, its p-value, and the decision at level alpha.</summary>
public sealed record MetResult(double Mmd2, double PValue, int Permutations, int Exceedances, bool Rejected, double Alpha);

/// <summary>
/// p-value of the Hamming-kernel MMD by a permutation test. Under H0 (same model) the reference/candidate labels are
/// exchangeable among the completions of one prompt, so the labels are shuffled within each prompt (a stratified
/// permutation, which keeps every prompt's per-side counts and hence the statistic's scaling). The paper simulates the
/// null by drawing fresh reference samples instead; the permutation test needs no extra generation and is exact in
/// level for any sample size. p = (1 + #{b : T_b ≥ T_obs}) / (B + 1), so p ∈ [1/(B+1), 1] and P(p ≤ α) ≤ α under H0.
/// Shuffles draw from a seeded xoshiro256** stream with rejection sampling (no modulo bias), so a seed fixes the p-value.
/// With one completion per side per prompt the test is degenerate: the kernel is zero across prompts, so the only
/// nonzero terms are the within-prompt cross pairs, which a within-prompt swap leaves unchanged; T is then constant
/// and p = 1. Use m ≥ 2 (the CLI refuses m = 1).
/// </summary>
public static class MmdPermutationTest
{
    /// <summary>Upper bound on B: each permutation costs a pass over every token of both samples.</summary>
    public const int MaxPermutations = 1_000_000;

    public static MetResult Run(MmdSamples samples, int permutations, ulong seed, double alpha = 0.05)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (permutations < 1 || permutations > MaxPermutations)
            throw new ArgumentOutOfRangeException(nameof(permutations), permutations, $"permutations must be in [1, {MaxPermutations}]");
        if (!(alpha > 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1)");

        Int128 observed = samples.Statistic(samples.OriginalLabels);
        var labels = (bool[])samples.OriginalLabels.Clone();
        var rng = new SamplingRng(seed);
        int exceed = 0;
        for (int b = 0; b < permutations; b++)
        {
            for (int p = 0; p < samples.Prompts; p++)
            {
                var (start, count) = samples.PromptRange(p);
                Shuffle(labels.AsSpan(start, count), rng);
            }
            if (samples.Statistic(labels) >= observed) exceed++;
        }
        double pValue = (1.0 + exceed) / (permutations + 1.0);
        return new MetResult((double)observed / samples.Denominator, pValue, permutations, exceed, pValue <= alpha, alpha);
    }

    /// <summary>Fisher–Yates with unbiased bounded draws.</summary>
    internal static void Shuffle<T>(Span<T> items, SamplingRng rng)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)UniformBelow(rng, (ulong)i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Uniform in [0, n): rejects the top partial block of 2^64 so every residue is equally likely.</summary>
    internal static ulong UniformBelow(SamplingRng rng, ulong n)
    {
        ulong limit = ulong.MaxValue - ulong.MaxValue % n; // a multiple of n
        ulong r;
        do r = rng.NextUInt64(); while (r >= limit);
        return r % n;
    }
}
