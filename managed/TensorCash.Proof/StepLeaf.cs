namespace TensorCash.Proof;

/// <summary>
/// The Merkle leaf for one generation step: SHA-256("TSC-LEAF" || u32 t || C_t || u32 y_t || evidence || u64 probability
/// || u16 len || statistics). C_t (the context hash before the step) ties the leaf to its context, so a fraud proof
/// cannot replay a step in a context of its choosing. Statistics carry the engine's summary values and logit sketch;
/// the proof core only commits to them, which is why they are opaque bytes here.
/// </summary>
public static class StepLeaf
{
    public const int MaxStatisticsBytes = 4096;

    public static byte[] Hash(uint step, ReadOnlySpan<byte> context, int token, StepEvidence evidence, ulong probabilityQ32, ReadOnlySpan<byte> statistics)
    {
        if (context.Length != 32) throw new ProofInputException($"step {step}: context hash is {context.Length} bytes; it must be 32");
        if (statistics.Length > MaxStatisticsBytes)
            throw new ProofInputException($"step {step}: statistics are {statistics.Length} bytes; the limit is {MaxStatisticsBytes}");
        if (probabilityQ32 > 1UL << 32)
            throw new ProofInputException($"step {step}: sampled probability {probabilityQ32}/2^32 exceeds 1");
        var input = new HashInput().Raw(DomainTags.Leaf).U32(step).Raw(context).U32(TokenIds.ToWire(token, $"step {step} token"));
        return evidence.AppendTo(input).U64(probabilityQ32).MediumField(statistics).Sha256();
    }
}
