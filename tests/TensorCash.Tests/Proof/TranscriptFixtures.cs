using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Tests.Proof;

/// <summary>
/// Honest transcripts without a model: per-step evidence comes from a seeded generator, and the tokens are what a
/// ProofSession picks over it, exactly as the capture path does with real logits. The fixture model pins
/// <see cref="Profile"/>; attack tests build transcripts under other profiles with <see cref="Honest"/>'s profile argument.
/// </summary>
internal static class TranscriptFixtures
{
    public const int Vocab = 500;
    public const int WindowSize = 4;
    public const int EvidenceCount = 12;
    public static readonly byte[] ModelId = "tensorcash/fixture-model"u8.ToArray();
    public static readonly int[] Prompt = [3, 1, 4, 1, 5];

    public static ChainBinding Binding(byte fill = 0x11, ulong tick = 7) =>
        new(Enumerable.Repeat(fill, 32).ToArray(), Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), tick);

    public static DecodeParameters Decode(int topK = 8, uint rhoQ16 = 72090, uint lastN = 0) => new(52429, topK, 4080218931, rhoQ16, lastN);

    /// <summary>The fixture model's pinned profile: τ 0.8, top-k 8, top-p 0.95, ρ 1.1 over the whole context, K 12, W 4, f32, V 500, S 4, prompt cap 64.</summary>
    public static ProofProfile Profile(DecodeParameters? decode = null, int evidenceCount = EvidenceCount, int windowSize = WindowSize,
        PrecisionTag precision = PrecisionTag.F32, int vocabSize = Vocab, int saltTokens = 4, int maxPromptTokens = 64, ulong ceilingQ32 = EntropyCeiling.DefaultCeilingQ32) =>
        new(decode ?? Decode(), evidenceCount, windowSize, precision, vocabSize, saltTokens, maxPromptTokens, ceilingQ32);

    public static readonly KnownModel Known = new(ModelId, Vocab, Profile());

    /// <summary>The same model without a pinned profile (a standalone file check): only range checks apply.</summary>
    public static readonly KnownModel Unpinned = new(ModelId, Vocab);

    public static Tier1Options Options(ClaimedWindow? claim = null, KnownModel? model = null) =>
        new([model ?? Known]) { Expected = new ExpectedBinding(Binding(), PrecisionTag.F32), Claim = claim };

    /// <param name="evidenceIds">Evidence ids are drawn from 0..evidenceIds-1 (default: the whole vocabulary).</param>
    /// <param name="peaked">One candidate far above the rest: sampled probability near 1, as under greedy-like decoding.</param>
    public static ProofTranscript Honest(int seed = 1, bool peaked = false, ChainBinding? binding = null, ProofProfile? profile = null, int[]? prompt = null,
        byte[]? modelId = null, int? evidenceIds = null)
    {
        var p = profile ?? Profile();
        var header = new TranscriptHeader(modelId ?? ModelId, p, binding ?? Binding(), prompt ?? Prompt);
        var session = new ProofSession(header.Binding, header.ModelId, header.Prompt, p);
        var random = new Random(seed);
        var steps = new List<TranscriptStep>();
        for (var t = 0; t < p.WindowSize; t++)
        {
            var evidence = RandomEvidence(random, p.EvidenceCount, evidenceIds ?? p.VocabSize, peaked);
            var statistics = RandomStatistics(random);
            var result = session.Step(evidence, StatisticsEncoding.ToBytes(statistics));
            steps.Add(new TranscriptStep(result.Sampled.TokenId, evidence, statistics));
        }
        return new ProofTranscript(header, steps);
    }

    public static StepEvidence RandomEvidence(Random random, int count, int vocab, bool peaked = false)
    {
        var ids = Enumerable.Range(0, vocab).OrderBy(_ => random.Next()).Take(count).ToArray();
        return new StepEvidence(ids.Select((id, i) => new LogitCandidate(id,
            BitConverter.SingleToUInt32Bits(peaked && i == 0 ? 40f : (float)(random.NextDouble() * 4 - 2)))));
    }

    public static StepStatistics RandomStatistics(Random random) =>
        new((uint)random.Next(), (uint)random.Next(), (uint)random.Next(), Enumerable.Range(0, StepStatistics.SketchLength).Select(_ => (uint)random.Next()).ToArray());

    /// <summary>The window the verifier recomputes for an honest transcript (the prover's own candidate).</summary>
    public static WindowCandidate WindowOf(ProofTranscript t)
    {
        var session = new ProofSession(t.Header.Binding, t.Header.ModelId, t.Header.Prompt, t.Header.Profile);
        WindowCandidate? window = null;
        foreach (var step in t.Steps) window = session.Step(step.Evidence, StatisticsEncoding.ToBytes(step.Statistics)).ClosedWindow ?? window;
        return window!;
    }

    public static ClaimedWindow ClaimOf(WindowCandidate w) => new(w.ProofCommitment, w.Nonce);

    public static ProofTranscript WithHeader(ProofTranscript t, Func<TranscriptHeader, TranscriptHeader> change) => t with { Header = change(t.Header) };

    public static ProofTranscript WithStep(ProofTranscript t, int index, Func<TranscriptStep, TranscriptStep> change) =>
        t with { Steps = t.Steps.Select((s, i) => i == index ? change(s) : s).ToArray() };

    /// <summary>Offset of the first step in an encoding: magic, version, model id, profile, binding, prompt.</summary>
    public static int FirstStepOffset(TranscriptHeader h) =>
        4 + 2 + 1 + h.ModelId.Length + TranscriptCodec.ProfileBytes + 1 + h.Binding.HeaderBinding.Length + 32 + 8 + 4 + 4 * h.Prompt.Length;
}
