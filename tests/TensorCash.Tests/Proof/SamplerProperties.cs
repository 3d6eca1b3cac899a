using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

/// <summary>Sampler invariants over random evidence, parameters and draws.</summary>
public class SamplerProperties
{
    internal sealed record Case((int Id, uint Bits)[] Evidence, DecodeParameters Parameters, HashSet<int> Penalized, ulong DrawA, ulong DrawB, int ShuffleSeed)
    {
        public SamplingDistribution Build(IEnumerable<(int Id, uint Bits)> order) =>
            SamplingDistribution.Build(new StepEvidence(order.Select(c => new LogitCandidate(c.Id, c.Bits))), Parameters, Penalized);

        public override string ToString() =>
            $"evidence=[{string.Join(",", Evidence.Select(c => $"{c.Id}:{c.Bits:X8}"))}] tau={Parameters.TemperatureQ16} k={Parameters.TopK} p={Parameters.TopPQ32} rho={Parameters.RepetitionPenaltyQ16} pen=[{string.Join(",", Penalized)}] u={DrawA:X16},{DrawB:X16}";
    }

    private static ulong NextU64(Random random) => (ulong)random.NextInt64() << 1 ^ (ulong)random.Next(2);

    // Logits on a coarse grid make exact ties (and therefore tie-breaking) common.
    private static Case BuildCase(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(1, 40);
        var ids = Enumerable.Range(0, 200).OrderBy(_ => random.Next()).Take(count).ToArray();
        var coarse = random.Next(2) == 0;
        var evidence = ids.Select(id => (id, BitConverter.SingleToUInt32Bits(coarse ? random.Next(-8, 8) / 2f : (float)(random.NextDouble() * 60 - 30)))).ToArray();
        var parameters = new DecodeParameters(
            (uint)random.Next((int)DecodeParameters.MinTemperatureQ16, 4 << 16),
            random.Next(0, count + 1),
            random.Next(4) == 0 ? DecodeParameters.TopPOffQ32 : (ulong)random.NextInt64(1, (long)DecodeParameters.TopPOffQ32),
            (uint)random.Next((int)DecodeParameters.MinRepetitionPenaltyQ16, (int)DecodeParameters.MaxRepetitionPenaltyQ16 + 1));
        var penalized = ids.Where(_ => random.Next(3) == 0).ToHashSet();
        return new Case(evidence, parameters, penalized, NextU64(random), NextU64(random), random.Next());
    }

    private static Arbitrary<Case> Cases => Gen.Choose(0, int.MaxValue).Select(BuildCase).ToArbitrary();

    private static void Check(Func<Case, bool> property) =>
        Prop.ForAll(Cases, property).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void ChosenTokenIsInTheTopKAndTopPSet() => Check(c =>
    {
        var distribution = c.Build(c.Evidence);
        var chosen = distribution.Sample(c.DrawA);
        var keep = c.Parameters.TopK == 0 ? c.Evidence.Length : c.Parameters.TopK;
        // Independent top-k membership: fewer than k candidates strictly outrank the chosen one.
        var scaled = c.Evidence.ToDictionary(e => e.Id, e => ScaledLogit(e, c));
        var outranking = scaled.Count(s => s.Value > scaled[chosen.TokenId] || (s.Value == scaled[chosen.TokenId] && s.Key < chosen.TokenId));
        var nucleusWeights = distribution.Nucleus.Select(n => (BigInteger)n.Weight).ToArray();
        var withoutLast = nucleusWeights[..^1].Aggregate(BigInteger.Zero, (a, b) => a + b);
        var total = SpecTransliteration.Sample(c.Evidence, c.Parameters.TemperatureQ16, keep, DecodeParameters.TopPOffQ32, c.Parameters.RepetitionPenaltyQ16, c.Penalized, 0)
            .NucleusWeights.Aggregate(BigInteger.Zero, (a, b) => a + b);
        return distribution.Nucleus.Any(n => n.TokenId == chosen.TokenId)
            && distribution.Nucleus.Count <= keep
            && outranking < keep
            && distribution.TotalWeight * (BigInteger.One << 32) >= c.Parameters.TopPQ32 * total  // nucleus holds mass >= p
            && withoutLast * (BigInteger.One << 32) < c.Parameters.TopPQ32 * total;               // and is the smallest such prefix
    });

    private static BigInteger ScaledLogit((int Id, uint Bits) e, Case c)
    {
        var l = SpecTransliteration.LogitQ32(e.Bits);
        if (c.Penalized.Contains(e.Id))
        {
            var rho = (BigInteger)c.Parameters.RepetitionPenaltyQ16;
            l = l > 0 ? FloorDiv(l * 65536, rho) : FloorDiv(l * rho, 65536);
            l = BigInteger.Clamp(l, -(BigInteger.One << 48), BigInteger.One << 48);
        }
        return FloorDiv(l * 65536, c.Parameters.TemperatureQ16);
    }

    private static BigInteger FloorDiv(BigInteger a, BigInteger b)
    {
        var q = BigInteger.DivRem(a, b, out var r);
        return r.Sign < 0 ? q - 1 : q;
    }

    [Test]
    public void LargerDrawsNeverPickAnEarlierCandidate() => Check(c =>
    {
        var distribution = c.Build(c.Evidence);
        var (low, high) = c.DrawA <= c.DrawB ? (c.DrawA, c.DrawB) : (c.DrawB, c.DrawA);
        return distribution.Sample(low).NucleusIndex <= distribution.Sample(high).NucleusIndex;
    });

    [Test]
    public void EvidenceOrderDoesNotMatter() => Check(c =>
    {
        var random = new Random(c.ShuffleSeed);
        var shuffled = c.Evidence.OrderBy(_ => random.Next()).ToArray();
        var a = c.Build(c.Evidence);
        var b = c.Build(shuffled);
        return a.Nucleus.SequenceEqual(b.Nucleus) && a.Sample(c.DrawA) == b.Sample(c.DrawA);
    });

    [Test]
    public void ProductionAgreesWithTheSpecTransliteration() => Check(c =>
    {
        var production = c.Build(c.Evidence);
        var sampled = production.Sample(c.DrawA);
        var spec = SpecTransliteration.Sample(c.Evidence, c.Parameters.TemperatureQ16, c.Parameters.TopK, c.Parameters.TopPQ32, c.Parameters.RepetitionPenaltyQ16, c.Penalized, c.DrawA);
        return production.Nucleus.Select(n => n.TokenId).SequenceEqual(spec.NucleusTokens)
            && production.Nucleus.Select(n => (BigInteger)n.Weight).SequenceEqual(spec.NucleusWeights)
            && sampled.TokenId == spec.Token && sampled.ProbabilityQ32 == spec.ProbabilityQ32;
    });
}
