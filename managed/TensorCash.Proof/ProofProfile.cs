namespace TensorCash.Proof;

/// <summary>
/// Everything about a proof run that is not chain state, prompt or inference output: the decode settings, the evidence
/// count K, the window W, the precision, the vocabulary, the salt length, the prompt cap and the entropy ceiling. On a
/// chain each registered model pins exactly one profile (docs/protocol/security.md §2): any free field would be a free
/// nonce, since a different value gives a different candidate for the same inference. A verifier compares a
/// transcript's profile with the registered one field by field (<see cref="Differences"/>).
/// </summary>
public sealed record ProofProfile
{
    public const int MaxSaltTokens = 16;

    public DecodeParameters Decode { get; }
    /// <summary>K: candidates committed per step. The sampler draws from exactly these, so K must cover top-k.</summary>
    public int EvidenceCount { get; }
    /// <summary>W: generated tokens per proof (one window per block).</summary>
    public int WindowSize { get; }
    public PrecisionTag Precision { get; }
    /// <summary>V: the model's vocabulary; the salt tokens are drawn from it.</summary>
    public int VocabSize { get; }
    /// <summary>S: chain-bound salt tokens fed between the prompt and the window (<see cref="ProofSalt"/>).</summary>
    public int SaltTokens { get; }
    /// <summary>Longest prompt a proof may carry: bounds a block's size and every verifier's replay.</summary>
    public int MaxPromptTokens { get; }
    /// <summary>Mean sampled probability a window may have, Q.32 (<see cref="EntropyCeiling"/>).</summary>
    public ulong CeilingQ32 { get; }

    public ProofProfile(DecodeParameters decode, int evidenceCount, int windowSize, PrecisionTag precision, int vocabSize, int saltTokens,
        int maxPromptTokens, ulong ceilingQ32 = EntropyCeiling.DefaultCeilingQ32)
    {
        ArgumentNullException.ThrowIfNull(decode);
        PrecisionTags.Validate(precision);
        ProofDigest.ValidateWindowSize(windowSize);
        if (evidenceCount is < 1 or > StepEvidence.MaxCandidates)
            throw new ProofInputException($"evidence count {evidenceCount} is outside 1..{StepEvidence.MaxCandidates}");
        if (evidenceCount < decode.TopK)
            throw new ProofInputException($"evidence count {evidenceCount} is below top-k {decode.TopK}; the evidence must cover every candidate the sampler keeps");
        if (vocabSize < 2) throw new ProofInputException($"vocabulary size {vocabSize} is below 2");
        if (evidenceCount > vocabSize) throw new ProofInputException($"evidence count {evidenceCount} exceeds the vocabulary of {vocabSize}");
        if (saltTokens is < 1 or > MaxSaltTokens) throw new ProofInputException($"salt length {saltTokens} is outside 1..{MaxSaltTokens}");
        if (maxPromptTokens is < 1 or > Transcript.TranscriptLimits.MaxPromptTokens)
            throw new ProofInputException($"prompt cap {maxPromptTokens} is outside 1..{Transcript.TranscriptLimits.MaxPromptTokens}");
        if (ceilingQ32 > 1UL << 32) throw new ProofInputException($"entropy ceiling {ceilingQ32}/2^32 exceeds 1");
        Decode = decode;
        EvidenceCount = evidenceCount;
        WindowSize = windowSize;
        Precision = precision;
        VocabSize = vocabSize;
        SaltTokens = saltTokens;
        MaxPromptTokens = maxPromptTokens;
        CeilingQ32 = ceilingQ32;
    }

    /// <summary>Context positions one proof occupies at most: prompt cap, salt and window.</summary>
    public int MaxContextTokens => MaxPromptTokens + SaltTokens + WindowSize;

    /// <summary>Every field of this profile that differs from <paramref name="pinned"/>, as "name value (pinned: value)"; empty when equal.</summary>
    public IReadOnlyList<string> Differences(ProofProfile pinned)
    {
        var found = new List<string>();
        void Check<T>(string name, T mine, T theirs) where T : IEquatable<T>
        {
            if (!mine.Equals(theirs)) found.Add($"{name} {mine} (pinned: {theirs})");
        }
        Check("temperature", Decode.TemperatureQ16, pinned.Decode.TemperatureQ16);
        Check("top-k", Decode.TopK, pinned.Decode.TopK);
        Check("top-p", Decode.TopPQ32, pinned.Decode.TopPQ32);
        Check("repetition penalty", Decode.RepetitionPenaltyQ16, pinned.Decode.RepetitionPenaltyQ16);
        Check("penalty window", Decode.PenaltyLastN, pinned.Decode.PenaltyLastN);
        Check("evidence count", EvidenceCount, pinned.EvidenceCount);
        Check("window size", WindowSize, pinned.WindowSize);
        Check("precision", (byte)Precision, (byte)pinned.Precision);
        Check("vocabulary", VocabSize, pinned.VocabSize);
        Check("salt length", SaltTokens, pinned.SaltTokens);
        Check("prompt cap", MaxPromptTokens, pinned.MaxPromptTokens);
        Check("entropy ceiling", CeilingQ32, pinned.CeilingQ32);
        return found;
    }

    public bool Equals(ProofProfile? other) => other is not null && Differences(other).Count == 0;

    public override int GetHashCode() => HashCode.Combine(Decode.TemperatureQ16, Decode.TopK, EvidenceCount, WindowSize, VocabSize, SaltTokens);

    /// <summary>dt, decode parameters, K, W, V, S, prompt cap, ceiling: the profile's bytes in the genesis digest and the transcript.</summary>
    internal HashInput AppendTo(HashInput input) =>
        Decode.AppendTo(input.U8((byte)Precision)).U16((ushort)EvidenceCount).U32((uint)WindowSize).U32((uint)VocabSize)
            .U8((byte)SaltTokens).U32((uint)MaxPromptTokens).U64(CeilingQ32);
}
