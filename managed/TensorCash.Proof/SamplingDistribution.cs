namespace TensorCash.Proof;

/// <summary>
/// The truncated distribution pi_t = S(L_t; tau, p, k, rho) over committed evidence, in integers only, and its
/// inverse CDF. Order of operations follows HF transformers: repetition penalty, temperature, top-k, softmax, top-p.
/// Every sort breaks ties by lower token id, so the result never depends on the order evidence arrived in.
/// </summary>
public sealed class SamplingDistribution
{
    /// <summary>Nucleus in sampling order: weight descending, then token id ascending.</summary>
    public IReadOnlyList<WeightedCandidate> Nucleus { get; }

    /// <summary>Sum of the nucleus weights; always positive because the top candidate weighs exactly 2^32.</summary>
    public ulong TotalWeight { get; }

    private SamplingDistribution(WeightedCandidate[] nucleus, ulong totalWeight)
    {
        Nucleus = nucleus;
        TotalWeight = totalWeight;
    }

    public static SamplingDistribution Build(StepEvidence evidence, DecodeParameters parameters, IReadOnlySet<int> penalizedTokens)
    {
        var count = evidence.Candidates.Count;
        var keep = parameters.TopK == 0 ? count : parameters.TopK;
        if (keep > count)
            throw new ProofInputException($"top-k {parameters.TopK} exceeds the {count} committed candidates; evidence must cover top-k");

        var scaled = new (int Token, long Z)[count];
        for (var i = 0; i < count; i++)
        {
            var candidate = evidence.Candidates[i];
            var logit = FixedPointLogit.FromFloatBits(candidate.LogitBits);
            if (penalizedTokens.Contains(candidate.TokenId)) logit = Penalize(logit, parameters.RepetitionPenaltyQ16);
            scaled[i] = (candidate.TokenId, (long)FloorDiv((Int128)logit << 16, parameters.TemperatureQ16));
        }
        Array.Sort(scaled, (a, b) => a.Z != b.Z ? b.Z.CompareTo(a.Z) : a.Token.CompareTo(b.Token));

        var maxZ = scaled[0].Z;
        var topK = new WeightedCandidate[keep];
        ulong total = 0;
        for (var i = 0; i < keep; i++)
        {
            topK[i] = new WeightedCandidate(scaled[i].Token, FixedPointExp.NegExpQ32((ulong)(maxZ - scaled[i].Z)));
            total += topK[i].Weight;
        }
        // Re-sort by weight: the integer exp is monotone only up to its final floor, and the nucleus and CDF are
        // defined over weights.
        Array.Sort(topK, (a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : a.TokenId.CompareTo(b.TokenId));

        // Smallest prefix with cumulative weight >= p * total, compared exactly as cum * 2^32 >= pQ32 * total.
        ulong cumulative = 0;
        var size = 0;
        while (size < keep)
        {
            cumulative += topK[size++].Weight;
            if (((UInt128)cumulative << 32) >= (UInt128)parameters.TopPQ32 * total) break;
        }
        return new SamplingDistribution(topK[..size], cumulative);
    }

    /// <summary>F^-1(u) for u = draw / 2^64: the first candidate whose cumulative weight exceeds floor(u * total).</summary>
    public SampledToken Sample(ulong draw)
    {
        var target = (ulong)(((UInt128)draw * TotalWeight) >> 64);
        ulong cumulative = 0;
        for (var i = 0; i < Nucleus.Count; i++)
        {
            cumulative += Nucleus[i].Weight;
            if (cumulative > target)
                return new SampledToken(Nucleus[i].TokenId, i, (ulong)(((UInt128)Nucleus[i].Weight << 32) / TotalWeight));
        }
        throw new InvalidOperationException("unreachable: target < total weight, so some prefix exceeds it");
    }

    /// <summary>HF/llama.cpp semantics: positive logits are divided by rho, negative ones multiplied.</summary>
    private static long Penalize(long logit, uint rhoQ16)
    {
        var penalized = logit > 0 ? FloorDiv((Int128)logit << 16, rhoQ16) : FloorDiv((Int128)logit * rhoQ16, 1 << 16);
        return (long)Int128.Clamp(penalized, -FixedPointLogit.MaxMagnitude, FixedPointLogit.MaxMagnitude);
    }

    private static Int128 FloorDiv(Int128 numerator, Int128 denominator)
    {
        var quotient = numerator / denominator;
        return quotient * denominator != numerator && numerator < 0 ? quotient - 1 : quotient;
    }
}
