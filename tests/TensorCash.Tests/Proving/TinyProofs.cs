using TensorCash.Chain.Consensus;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving;
using TensorCash.Tests.Generation;

namespace TensorCash.Tests.Proving;

/// <summary>
/// Real one-window proofs of builtin:tiny under its pinned profile (ChainParams.BuiltinTinyProfile), and the tier-1
/// check a chain node runs on them, for the attack tests. Kept in Proving/ (not Proof/TranscriptFixtures) because
/// these need the engine.
/// </summary>
public sealed class TinyProofs : IDisposable
{
    public static readonly int[] Prompt = [BuiltinTiny.Bos, 84, 101, 110, 115, 111, 114, 67, 97, 115, 104];

    public TinyProofs(int threads = 2)
    {
        Tiny = new BuiltinTiny(threads);
        Identity = ModelIdentity.Compute(Tiny.Weights);
        Generator = new ProofGenerator(Tiny.Transformer, Identity);
    }

    public BuiltinTiny Tiny { get; }
    public ModelIdentity Identity { get; }
    public ProofGenerator Generator { get; }

    /// <summary>A 32-byte header binding B filled with <paramref name="fill"/> (v = 0, T = 9).</summary>
    public static ChainBinding Binding(byte fill = 0x3C) => new(Enumerable.Repeat(fill, 32).ToArray(), new byte[32], 9);

    public static ProofProfile Profile(int window = 16) => ChainParams.BuiltinTinyProfile(window);

    public ProveResult Prove(ChainBinding? binding = null, int window = 16, int[]? prompt = null) =>
        Generator.Prove(new ProveRequest(prompt ?? Prompt, Profile(window), binding ?? Binding()));

    /// <summary>What a chain node knows: the registered model with its pinned profile, the expected binding, and the header's claim.</summary>
    public Tier1Options Options(ProofProfile profile, ChainBinding binding, WindowCandidate? claim = null) =>
        new([new KnownModel(Identity.Id, Identity.VocabSize, profile)])
        {
            Expected = new ExpectedBinding(binding, profile.Precision),
            Claim = claim is null ? null : new ClaimedWindow(claim.ProofCommitment, claim.Nonce),
        };

    /// <summary>
    /// Tier 1 as an attacker arranges it: the attacker recomputes the commitment of its edited transcript and puts that in
    /// the header, so the claim always matches whatever the transcript hashes to. Null when tier 1 rejects the
    /// transcript itself (encoding, profile, binding, draws, ceiling); otherwise the accepted candidate.
    /// </summary>
    public WindowCandidate? AttackerCandidate(ReadOnlySpan<byte> encoded, ProofProfile profile, ChainBinding binding)
    {
        var own = Tier1Verifier.Verify(encoded, Options(profile, binding));
        if (!own.Accepted) return null;
        var claimed = Tier1Verifier.Verify(encoded, Options(profile, binding, own.Window));
        if (!claimed.Accepted) throw new InvalidOperationException($"tier 1 accepted the transcript but not its own commitment: {string.Join("; ", claimed.Rejections)}");
        return claimed.Window;
    }

    public WindowCandidate? AttackerCandidate(ProofTranscript transcript) =>
        AttackerCandidate(TranscriptCodec.Encode(transcript), transcript.Header.Profile, transcript.Header.Binding);

    /// <summary>
    /// A transcript made without any model: at every step K invented candidates, two tied at logit 0 and the rest far
    /// below (so top-p keeps the two and each has probability ~1/2, well under the ceiling), zeroed statistics, and the
    /// token its draw. Everything tier 1 checks is consistent; nothing is the model's.
    /// </summary>
    public ProofTranscript Fabricate(ProofProfile profile, ChainBinding binding, int[] prompt)
    {
        var header = new TranscriptHeader(Identity.Id, profile, binding, prompt);
        var session = new ProofSession(binding, Identity.Id, prompt, profile);
        var zero = new StepStatistics(0, 0, 0, new uint[StepStatistics.SketchLength]);
        var steps = new List<TranscriptStep>();
        for (int t = 0; t < profile.WindowSize; t++)
        {
            int tiedA = 97 + t % 20, tiedB = tiedA + 1;
            var evidence = new StepEvidence(Enumerable.Range(0, profile.EvidenceCount)
                .Select(i => i < 2 ? (i == 0 ? tiedA : tiedB) : 150 + i)
                .Select(id => new LogitCandidate(id, BitConverter.SingleToUInt32Bits(id == tiedA || id == tiedB ? 0f : -30f))));
            var pending = session.Sample(evidence);
            session.Commit(pending, StatisticsEncoding.ToBytes(zero));
            steps.Add(new TranscriptStep(pending.Sampled.TokenId, evidence, zero));
        }
        return new ProofTranscript(header, steps);
    }

    /// <summary>The transcript with step <paramref name="step"/>'s statistics replaced.</summary>
    public static ProofTranscript WithStatistics(ProofTranscript transcript, int step, Func<StepStatistics, StepStatistics> edit) =>
        ReplayTranscriptsForTests.WithStep(transcript, step, s => s with { Statistics = edit(s.Statistics) });

    /// <summary>Flips bit <paramref name="bit"/> of sketch value <paramref name="index"/> at <paramref name="step"/>.</summary>
    public static ProofTranscript FlipSketchBit(ProofTranscript transcript, int step, int index = 3, int bit = 0) =>
        WithStatistics(transcript, step, s =>
        {
            var sketch = (uint[])s.SketchBits.Clone();
            sketch[index] ^= 1u << bit;
            return s with { SketchBits = sketch };
        });

    public void Dispose() => Tiny.Dispose();
}
