namespace TensorCash.Proof;

/// <summary>
/// A window may mine only if the mean probability of its sampled tokens is at most the ceiling. By AM-GM the
/// product of those probabilities, the chance of predicting the window's path, is then at most ceiling^W.
/// The comparison sum &lt;= ceiling * count is exact; no division.
/// </summary>
public static class EntropyCeiling
{
    /// <summary>0.85 in Q.32 (floor(0.85 * 2^32)); see the protocol document for the rationale.</summary>
    public const ulong DefaultCeilingQ32 = 3_650_722_201;

    public static bool IsEligible(ReadOnlySpan<ulong> probabilitiesQ32, ulong ceilingQ32)
    {
        if (probabilitiesQ32.IsEmpty) throw new ProofInputException("the entropy ceiling needs at least one sampled probability");
        if (ceilingQ32 > 1UL << 32) throw new ProofInputException($"entropy ceiling {ceilingQ32}/2^32 exceeds 1");
        UInt128 sum = 0;
        foreach (var probability in probabilitiesQ32) sum += probability;
        return sum <= (UInt128)ceilingQ32 * (ulong)probabilitiesQ32.Length;
    }
}
