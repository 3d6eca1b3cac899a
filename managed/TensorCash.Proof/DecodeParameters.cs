namespace TensorCash.Proof;

/// <summary>
/// The sampler knobs in fixed point. Temperature and repetition penalty are Q16.16 (65536 = 1.0), top-p is Q.32
/// (2^32 = 1.0 = off), top-k 0 means "every committed candidate". Ranges keep all intermediate values inside Int128
/// and exclude temperature 0: greedy decoding leaves no sampling entropy and cannot mine.
/// </summary>
public sealed class DecodeParameters
{
    public const uint MinTemperatureQ16 = 1u << 12;       // 0.0625
    public const uint MaxTemperatureQ16 = 1u << 20;       // 16
    public const uint MinRepetitionPenaltyQ16 = 1u << 15; // 0.5
    public const uint MaxRepetitionPenaltyQ16 = 1u << 18; // 4
    public const ulong TopPOffQ32 = 1UL << 32;

    public uint TemperatureQ16 { get; }
    public int TopK { get; }
    public ulong TopPQ32 { get; }
    public uint RepetitionPenaltyQ16 { get; }

    /// <summary>How many most recent context tokens the repetition penalty looks at; 0 = the whole context (as HF).</summary>
    public uint PenaltyLastN { get; }

    public DecodeParameters(uint temperatureQ16, int topK, ulong topPQ32, uint repetitionPenaltyQ16 = 1u << 16, uint penaltyLastN = 0)
    {
        if (temperatureQ16 is < MinTemperatureQ16 or > MaxTemperatureQ16)
            throw new ProofInputException($"temperature {temperatureQ16}/65536 is outside [{MinTemperatureQ16}, {MaxTemperatureQ16}]/65536; temperature 0 (greedy) cannot mine");
        if (topK is < 0 or > StepEvidence.MaxCandidates)
            throw new ProofInputException($"top-k {topK} is outside 0..{StepEvidence.MaxCandidates}");
        if (topPQ32 is 0 or > TopPOffQ32)
            throw new ProofInputException($"top-p {topPQ32}/2^32 is outside (0, 1]");
        if (repetitionPenaltyQ16 is < MinRepetitionPenaltyQ16 or > MaxRepetitionPenaltyQ16)
            throw new ProofInputException($"repetition penalty {repetitionPenaltyQ16}/65536 is outside [{MinRepetitionPenaltyQ16}, {MaxRepetitionPenaltyQ16}]/65536");
        TemperatureQ16 = temperatureQ16;
        TopK = topK;
        TopPQ32 = topPQ32;
        RepetitionPenaltyQ16 = repetitionPenaltyQ16;
        PenaltyLastN = penaltyLastN;
    }

    /// <summary>u32 temperature, u32 top-k, u64 top-p, u32 repetition penalty, u32 penalty window.</summary>
    internal HashInput AppendTo(HashInput input) =>
        input.U32(TemperatureQ16).U32((uint)TopK).U64(TopPQ32).U32(RepetitionPenaltyQ16).U32(PenaltyLastN);
}
