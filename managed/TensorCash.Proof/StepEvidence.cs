namespace TensorCash.Proof;

/// <summary>
/// What the sampler saw at one step: the top-K candidates (1..4096, distinct non-negative ids, finite logits).
/// Stored sorted by token id so the committed bytes do not depend on the order the engine produced them in.
/// </summary>
public sealed class StepEvidence
{
    public const int MaxCandidates = 4096;

    public IReadOnlyList<LogitCandidate> Candidates { get; }

    public StepEvidence(IEnumerable<LogitCandidate> candidates)
    {
        var sorted = candidates.OrderBy(c => c.TokenId).ToArray();
        if (sorted.Length is 0 or > MaxCandidates)
            throw new ProofInputException($"evidence has {sorted.Length} candidates; it must have 1..{MaxCandidates}");
        for (var i = 0; i < sorted.Length; i++)
        {
            TokenIds.ToWire(sorted[i].TokenId, "evidence candidate");
            if (i > 0 && sorted[i].TokenId == sorted[i - 1].TokenId)
                throw new ProofInputException($"evidence lists token {sorted[i].TokenId} twice");
            FixedPointLogit.FromFloatBits(sorted[i].LogitBits);
        }
        Candidates = sorted;
    }

    /// <summary>u16 K, then K times (u32 token id, u32 logit bits), ascending token id.</summary>
    internal HashInput AppendTo(HashInput input)
    {
        input.U16((ushort)Candidates.Count);
        foreach (var candidate in Candidates) input.U32((uint)candidate.TokenId).U32(candidate.LogitBits);
        return input;
    }
}
