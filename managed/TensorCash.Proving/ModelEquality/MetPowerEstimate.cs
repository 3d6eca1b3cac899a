using TensorCash.Engine.Generation;

namespace TensorCash.Proving.ModelEquality;

/// <summary>Rejections out of trials at one sample size, for the candidate (power) and for the reference against itself (FPR).</summary>
public sealed record MetPowerPoint(int SamplesPerPrompt, int Trials, int PowerRejections, int NullRejections)
{
    public double Power => (double)PowerRejections / Trials;
    public double FalsePositiveRate => (double)NullRejections / Trials;
}

/// <summary>
/// Power and false-positive rate of the test from pools of pre-drawn completions, the way the paper simulates power
/// from its released completion dataset: each trial draws m completions per prompt without replacement from the
/// candidate pool and m from the reference pool (power), and two disjoint sets of m from the reference pool (FPR),
/// then runs the permutation test at level alpha. Trials reuse pool entries, so they are not independent: the pools
/// must be several times larger than m for the estimate to mean anything (the caller reports the pool size).
/// </summary>
public static class MetPowerEstimate
{
    public static MetPowerPoint Estimate(int[][][] referencePool, int[][][] candidatePool, int length, int samplesPerPrompt,
        int trials, int permutations, double alpha, ulong seed)
    {
        if (referencePool.Length != candidatePool.Length) throw new ArgumentException("pools cover different prompts");
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "need at least one trial");
        for (int p = 0; p < referencePool.Length; p++)
        {
            if (referencePool[p].Length < 2 * samplesPerPrompt)
                throw new ArgumentException($"prompt {p}: the reference pool holds {referencePool[p].Length} completions; the null trials need 2 × {samplesPerPrompt}");
            if (candidatePool[p].Length < samplesPerPrompt)
                throw new ArgumentException($"prompt {p}: the candidate pool holds {candidatePool[p].Length} completions, fewer than {samplesPerPrompt}");
        }
        var rng = new SamplingRng(seed);
        int power = 0, nulls = 0;
        for (int t = 0; t < trials; t++)
        {
            var refIdx = referencePool.Select(pool => Subset(pool.Length, 2 * samplesPerPrompt, rng)).ToArray();
            var candIdx = candidatePool.Select(pool => Subset(pool.Length, samplesPerPrompt, rng)).ToArray();
            var x = Pick(referencePool, refIdx, 0, samplesPerPrompt);
            var x2 = Pick(referencePool, refIdx, samplesPerPrompt, samplesPerPrompt);
            var y = Pick(candidatePool, candIdx, 0, samplesPerPrompt);
            if (MmdPermutationTest.Run(new MmdSamples(x, y, length), permutations, rng.NextUInt64(), alpha).Rejected) power++;
            if (MmdPermutationTest.Run(new MmdSamples(x, x2, length), permutations, rng.NextUInt64(), alpha).Rejected) nulls++;
        }
        return new MetPowerPoint(samplesPerPrompt, trials, power, nulls);
    }

    private static int[] Subset(int size, int take, SamplingRng rng)
    {
        var all = Enumerable.Range(0, size).ToArray();
        MmdPermutationTest.Shuffle(all.AsSpan(), rng);
        return all[..take];
    }

    private static IReadOnlyList<int[]>[] Pick(int[][][] pool, int[][] indices, int from, int count) =>
        pool.Select((completions, p) => (IReadOnlyList<int[]>)indices[p].Skip(from).Take(count).Select(i => completions[i]).ToArray()).ToArray();
}
