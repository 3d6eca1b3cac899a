using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using F = TensorCash.Tests.Proof.TranscriptFixtures;

namespace TensorCash.Tests.Proof;

/// <summary>Codec and tier-1 properties over generated transcripts and corrupted encodings.</summary>
public class TranscriptProperties
{
    /// <summary>
    /// A random well-formed transcript (not necessarily honest: the codec does not replay). Profiles, binding lengths,
    /// prompts and vocabularies vary, and ids are spread over vocabularies up to 2^20 so gaps take one to three LEB128 bytes.
    /// </summary>
    private static ProofTranscript Generated(int seed)
    {
        var random = new Random(seed);
        var vocab = random.Next(4) switch { 0 => random.Next(2, 300), 1 => random.Next(300, 40_000), _ => random.Next(40_000, 1 << 20) };
        var k = random.Next(1, Math.Min(vocab, 40) + 1);
        var topK = random.Next(0, k + 1);
        var decode = new DecodeParameters((uint)random.Next((int)DecodeParameters.MinTemperatureQ16, (int)DecodeParameters.MaxTemperatureQ16 + 1), topK,
            (ulong)random.NextInt64(1, (long)DecodeParameters.TopPOffQ32 + 1),
            (uint)random.Next((int)DecodeParameters.MinRepetitionPenaltyQ16, (int)DecodeParameters.MaxRepetitionPenaltyQ16 + 1), (uint)random.Next());
        var profile = new ProofProfile(decode, k, random.Next(1, 6), (PrecisionTag)random.Next(1, 5), vocab, random.Next(1, ProofProfile.MaxSaltTokens + 1),
            random.Next(1, 40), (ulong)random.NextInt64(0, (1L << 32) + 1));
        var modelId = new byte[random.Next(1, 256)];
        random.NextBytes(modelId);
        var b = new byte[random.Next(ChainBinding.MinBindingBytes, ChainBinding.MaxBindingBytes + 1)];
        random.NextBytes(b);
        var v = new byte[32];
        random.NextBytes(v);
        var binding = new ChainBinding(b, v, (ulong)random.NextInt64() ^ (ulong)random.Next() << 63);
        var prompt = Enumerable.Range(0, random.Next(0, profile.MaxPromptTokens + 1)).Select(_ => random.Next(vocab)).ToArray();
        var steps = Enumerable.Range(0, profile.WindowSize).Select(_ =>
        {
            var ids = new HashSet<int>();
            while (ids.Count < k) ids.Add(random.Next(vocab));
            // Finite logits of any exponent: random sign and mantissa, exponent below 255.
            var evidence = new StepEvidence(ids.Select(id => new LogitCandidate(id, (uint)random.Next() & 0x807FFFFF | (uint)random.Next(0, 255) << 23)));
            return new TranscriptStep(random.Next(), evidence, F.RandomStatistics(random));
        }).ToArray();
        return new ProofTranscript(new TranscriptHeader(modelId, profile, binding, prompt), steps);
    }

    [Test]
    public void EncodeOfDecodeIsTheIdentityOnGeneratedTranscripts() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var transcript = Generated(seed);
            var bytes = TranscriptCodec.Encode(transcript);
            var decoded = TranscriptCodec.Decode(bytes);
            return TranscriptCodec.Encode(decoded).AsSpan().SequenceEqual(bytes)
                && bytes.AsSpan().SequenceEqual(TranscriptCodecTests.SpecEncoding(transcript))
                && decoded.Header.Profile.Differences(transcript.Header.Profile).Count == 0
                && decoded.Steps.Select(s => s.Token).SequenceEqual(transcript.Steps.Select(s => s.Token))
                && decoded.Steps.Zip(transcript.Steps).All(p => p.First.Evidence.Candidates.SequenceEqual(p.Second.Evidence.Candidates))
                && bytes.Length <= TranscriptCodec.MaxEncodedBytes(transcript.Header.Profile, transcript.Header.ModelId.Length);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    private static readonly ProofTranscript[] Honest = [F.Honest(seed: 1), F.Honest(seed: 2, prompt: [7, 7, 7, 7, 7, 7, 7]), F.Honest(seed: 3, binding: F.Binding(fill: 0x5A))];

    /// <summary>
    /// Flip one bit of an honest encoding. The result fails to decode, or tier 1 rejects it against the original claim
    /// (binding and pinned profile), or it decodes to the original transcript — and tier 1 never accepts a transcript
    /// whose recomputed commitment differs from the original's.
    /// </summary>
    [Test]
    public void SingleBitFlipsNeverYieldAnotherAcceptedCommitment()
    {
        var originals = Honest.Select(t => (Bytes: TranscriptCodec.Encode(t), Window: F.WindowOf(t), Binding: t.Header.Binding)).ToArray();
        Assert.That(originals.Select(o => o.Window.Eligible), Has.All.True, "the property is vacuous unless the originals are accepted");
        var outcomes = new Dictionary<string, int>();
        Prop.ForAll(Gen.Choose(0, originals.Length - 1).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (which, position) =>
        {
            var (original, window, binding) = originals[which];
            var options = F.Options(F.ClaimOf(window)) with { Expected = new ExpectedBinding(binding, PrecisionTag.F32) };
            var bit = position % (original.Length * 8);
            var flipped = (byte[])original.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            ProofTranscript decoded;
            try
            {
                decoded = TranscriptCodec.Decode(flipped);
            }
            catch (TranscriptFormatException e)
            {
                Count(outcomes, e.Reason.Code());
                return true;
            }
            var result = Tier1Verifier.Verify(decoded, options);
            var fromBytes = Tier1Verifier.Verify(flipped, options);
            if (result.Accepted != fromBytes.Accepted) return false;
            if (result.Accepted)
            {
                Count(outcomes, "accepted");
                return TranscriptCodec.Encode(decoded).AsSpan().SequenceEqual(original) && result.Window!.ProofCommitment.AsSpan().SequenceEqual(window.ProofCommitment);
            }
            Count(outcomes, result.Rejections[0].Reason.Code());
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1500));
        TestContext.Out.WriteLine(string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}")));
        Assert.That(outcomes.Keys, Does.Contain("commitment_mismatch").And.Contain("token_draw_mismatch"), "flips reached the replay and the claim check");
        Assert.That(outcomes.GetValueOrDefault("accepted"), Is.Zero, "a canonical encoding has no second form: no flip decodes to the original");
    }

    private static void Count(Dictionary<string, int> outcomes, string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
}
