using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Tests.Proof;

/// <summary>
/// Honest transcripts without a model: per-step evidence comes from a seeded generator, and the tokens are what a
/// ProofSession picks over it, exactly as the capture path does with real logits.
/// </summary>
internal static class TranscriptFixtures
{
    public const int Vocab = 500;
    public static readonly byte[] ModelId = "tensorcash/fixture-model"u8.ToArray();
    public static readonly KnownModel Known = new(ModelId, Vocab);

    public static ChainBinding Binding(byte fill = 0x11, ulong tick = 7) =>
        new(Enumerable.Repeat(fill, 32).ToArray(), Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), tick);

    public static DecodeParameters Decode(int topK = 8) => new(52429, topK, 4080218931, 72090);

    public static Tier1Options Options(ClaimedWindow? claim = null) =>
        new([Known]) { Expected = new ExpectedBinding(Binding(), PrecisionTag.F32), Claim = claim };

    /// <param name="peaked">One candidate far above the rest: sampled probability near 1, as under greedy-like decoding.</param>
    public static ProofTranscript Honest(int windows = 2, int windowSize = 4, int evidenceCount = 12, int seed = 1, bool peaked = false,
        ChainBinding? binding = null, DecodeParameters? decode = null, PrecisionTag precision = PrecisionTag.F32)
    {
        var header = new TranscriptHeader(ModelId, precision, decode ?? Decode(), binding ?? Binding(), windowSize, evidenceCount, [3, 1, 4, 1, 5]);
        var session = new ProofSession(header.Binding, header.ModelId, header.Prompt, header.Precision, header.Decode, header.WindowSize);
        var random = new Random(seed);
        var steps = new List<TranscriptStep>();
        for (var t = 0; t < windows * windowSize; t++)
        {
            var ids = Enumerable.Range(0, Vocab).OrderBy(_ => random.Next()).Take(evidenceCount).ToArray();
            var candidates = ids.Select((id, i) => new LogitCandidate(id,
                BitConverter.SingleToUInt32Bits(peaked && i == 0 ? 40f : (float)(random.NextDouble() * 4 - 2)))).ToArray();
            var evidence = new StepEvidence(candidates);
            var statistics = RandomStatistics(random);
            var result = session.Step(evidence, StatisticsEncoding.ToBytes(statistics));
            steps.Add(new TranscriptStep(result.Sampled.TokenId, evidence, statistics));
        }
        return new ProofTranscript(header, steps);
    }

    public static StepStatistics RandomStatistics(Random random) =>
        new((uint)random.Next(), (uint)random.Next(), (uint)random.Next(), Enumerable.Range(0, StepStatistics.SketchLength).Select(_ => (uint)random.Next()).ToArray());

    public static ProofTranscript WithHeader(ProofTranscript t, Func<TranscriptHeader, TranscriptHeader> change) => t with { Header = change(t.Header) };

    public static ProofTranscript WithStep(ProofTranscript t, int index, Func<TranscriptStep, TranscriptStep> change) =>
        t with { Steps = t.Steps.Select((s, i) => i == index ? change(s) : s).ToArray() };
}
