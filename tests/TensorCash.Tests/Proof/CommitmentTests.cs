using NUnit.Framework;
using TensorCash.Proof;
using W = TensorCash.Tests.Proof.ProofTestVectors.Window;

namespace TensorCash.Tests.Proof;

public class CommitmentTests
{
    private static ChainBinding VectorBinding => new(W.Binding.B, W.Binding.V, W.Binding.Tick);

    private static ProofSession NewSession(ChainBinding? binding = null, ProofProfile? profile = null, int[]? prompt = null) =>
        new(binding ?? VectorBinding, W.Binding.ModelId, prompt ?? W.Binding.Prompt, profile ?? W.Profile);

    private static StepEvidence Evidence(int step) => new(W.Evidence[step % 3].Select(c => new LogitCandidate(c.Id, c.Bits)));

    private static WindowCandidate RunToEnd(ProofSession session, int steps = 3) =>
        Enumerable.Range(0, steps).Select(t => session.Step(Evidence(t), [])).ToArray()[^1].ClosedWindow!;

    [Test]
    public void MerkleVectorsMatchTheDocumentThroughBothImplementations()
    {
        foreach (var (count, expected) in ProofTestVectors.MerkleRoots)
        {
            Assert.That(Convert.ToHexStringLower(WindowMerkleTree.Root(ProofTestVectors.MerkleLeaves(count))), Is.EqualTo(expected), $"{count} leaves");
            Assert.That(Convert.ToHexStringLower(SpecTransliteration.WindowRoot(ProofTestVectors.MerkleLeaves(count))), Is.EqualTo(expected), $"{count} leaves (spec)");
        }
    }

    [Test]
    public void SaltVectorsMatchTheDocumentThroughBothImplementations()
    {
        foreach (var x in ProofTestVectors.Salts)
        {
            var b = x.Binding;
            var c0 = ContextHash.Initial(b.ModelId, b.Prompt);
            Assert.That(ProofSalt.Derive(new ChainBinding(b.B, b.V, b.Tick), x.Precision, c0, x.Count, x.VocabSize), Is.EqualTo(x.ExpectedSalt), x.Name);
            var specC0 = SpecTransliteration.C0(b.ModelId, b.Prompt);
            Assert.That(SpecTransliteration.Salt(b.B, b.V, b.Tick, (byte)x.Precision, specC0, x.Count, x.VocabSize), Is.EqualTo(x.ExpectedSalt), $"{x.Name} (spec)");
        }
    }

    [Test]
    public void WindowVectorMatchesTheDocumentThroughTheProductionSession()
    {
        var session = NewSession();
        Assert.That(Convert.ToHexStringLower(session.Genesis), Is.EqualTo(W.ExpectedGenesisHex));
        Assert.That(session.Salt, Is.EqualTo(W.ExpectedSalt));
        var draws = new List<string>();
        var results = new List<StepResult>();
        for (var t = 0; t < 3; t++)
        {
            var pending = session.Sample(Evidence(t));
            draws.Add(pending.Draw.ToString("x16"));
            results.Add(session.Commit(pending, W.Statistics[t]));
        }
        Assert.That(draws, Is.EqualTo(W.ExpectedDrawsHex));
        Assert.That(results.Select(r => r.Sampled.TokenId), Is.EqualTo(W.ExpectedTokens));
        Assert.That(results.Select(r => r.Sampled.ProbabilityQ32.ToString("x16")), Is.EqualTo(W.ExpectedProbabilitiesHex));
        Assert.That(results.Select(r => Convert.ToHexStringLower(r.LeafHash)), Is.EqualTo(W.ExpectedLeavesHex));
        Assert.That(results[0].ClosedWindow, Is.Null);
        Assert.That(results[1].ClosedWindow, Is.Null);
        var window = results[2].ClosedWindow!;
        Assert.That((Convert.ToHexStringLower(window.WindowRoot), Convert.ToHexStringLower(window.ProofCommitment), window.Nonce,
                Convert.ToHexStringLower(window.PathDigest), window.Eligible),
            Is.EqualTo((W.ExpectedRootHex, W.ExpectedCommitmentHex, W.ExpectedNonce, W.ExpectedPathDigestHex, W.ExpectedEligible)));
        Assert.That(session.IsComplete);
    }

    [Test]
    public void WindowVectorMatchesTheDocumentThroughTheSpecTransliteration()
    {
        var b = W.Binding;
        var run = SpecTransliteration.RunWindow(b.B, b.V, b.Tick, b.ModelId, b.Prompt, W.SpecProfile, W.Evidence, W.Statistics);
        Assert.That(run.Salt, Is.EqualTo(W.ExpectedSalt));
        Assert.That(run.Draws.Select(u => ((ulong)u).ToString("x16")), Is.EqualTo(W.ExpectedDrawsHex));
        Assert.That(run.Tokens, Is.EqualTo(W.ExpectedTokens));
        Assert.That(run.Probabilities.Select(p => ((ulong)p).ToString("x16")), Is.EqualTo(W.ExpectedProbabilitiesHex));
        Assert.That(run.Leaves.Select(Convert.ToHexStringLower), Is.EqualTo(W.ExpectedLeavesHex));
        Assert.That((Convert.ToHexStringLower(run.Genesis), Convert.ToHexStringLower(run.Root), Convert.ToHexStringLower(run.Commitment), run.Nonce,
                Convert.ToHexStringLower(run.PathDigest), run.Eligible),
            Is.EqualTo((W.ExpectedGenesisHex, W.ExpectedRootHex, W.ExpectedCommitmentHex, W.ExpectedNonce, W.ExpectedPathDigestHex, W.ExpectedEligible)));
    }

    [Test]
    public void TheProfileBytesAreTheDocumentedLayout()
    {
        // The genesis hashes these bytes; the transcript carries them; the transliteration writes them from the document.
        Assert.That(TensorCash.Proof.Transcript.TranscriptCodec.EncodeProfile(W.Profile), Is.EqualTo(SpecTransliteration.ProfileBytes(W.SpecProfile)));
        Assert.That(SpecTransliteration.ProfileBytes(W.SpecProfile), Has.Length.EqualTo(48));
        Assert.That(TensorCash.Proof.Transcript.TranscriptCodec.ProfileBytes, Is.EqualTo(48));
    }

    [Test]
    public void OneWindowClosesOnceAndTheSessionRefusesAnotherStep()
    {
        var session = NewSession();
        var closed = Enumerable.Range(0, 3).Select(t => session.Step(Evidence(t), [])).Select(r => r.ClosedWindow).ToArray();
        Assert.That(closed.Select(c => c is not null), Is.EqualTo(new[] { false, false, true }));
        Assert.That(closed[2]!.Nonce, Is.EqualTo(ProofDigest.Nonce(closed[2]!.ProofCommitment)));
        Assert.That(closed[2]!.ProofCommitment, Is.EqualTo(ProofDigest.Commitment(session.Genesis, closed[2]!.WindowRoot)));
        Assert.That(closed[2]!.PathDigest, Is.EqualTo(ProofDigest.Path(session.Genesis, session.CurrentContext)));
        Assert.That(() => session.Step(Evidence(0), []), Throws.TypeOf<ProofInputException>().With.Message.Contains("one window"));
    }

    [Test]
    public void TheSameEvidenceUnderAnotherBindingGivesAnotherCommitment()
    {
        var other = (byte[])W.Binding.B.Clone();
        other[0] ^= 0x80;
        var a = NewSession();
        var b = NewSession(new ChainBinding(other, W.Binding.V, W.Binding.Tick));
        Assert.That(b.Genesis, Is.Not.EqualTo(a.Genesis));
        var windowA = RunToEnd(a);
        var windowB = RunToEnd(b);
        Assert.That(windowB.ProofCommitment, Is.Not.EqualTo(windowA.ProofCommitment));
        Assert.That(windowB.Nonce, Is.Not.EqualTo(windowA.Nonce));
    }

    [Test]
    public void EveryProfileFieldEntersTheGenesis()
    {
        var p = W.Profile;
        var d = p.Decode;
        ProofProfile With(DecodeParameters? decode = null, int? k = null, int? w = null, PrecisionTag? dt = null, int? v = null, int? s = null, int? cap = null, ulong? ceiling = null) =>
            new(decode ?? d, k ?? p.EvidenceCount, w ?? p.WindowSize, dt ?? p.Precision, v ?? p.VocabSize, s ?? p.SaltTokens, cap ?? p.MaxPromptTokens, ceiling ?? p.CeilingQ32);
        var variants = new Dictionary<string, ProofProfile>
        {
            ["temperature"] = With(new DecodeParameters(d.TemperatureQ16 + 1, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN)),
            ["top-k"] = With(new DecodeParameters(d.TemperatureQ16, 3, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN)),
            ["top-p"] = With(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32 + 1, d.RepetitionPenaltyQ16, d.PenaltyLastN)),
            ["repetition penalty"] = With(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16 + 1, d.PenaltyLastN)),
            ["penalty window"] = With(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN + 1)),
            ["evidence count"] = With(k: 5),
            ["window size"] = With(w: 4),
            ["precision"] = With(dt: PrecisionTag.BF16),
            ["vocabulary"] = With(v: 17),
            ["salt length"] = With(s: 3),
            ["prompt cap"] = With(cap: 9),
            ["entropy ceiling"] = With(ceiling: p.CeilingQ32 + 1),
        };
        var c0 = ContextHash.Initial(W.Binding.ModelId, W.Binding.Prompt);
        var baseline = ProofDigest.Genesis(VectorBinding, c0, p);
        foreach (var (name, variant) in variants)
        {
            Assert.That(variant.Differences(p), Has.Count.EqualTo(1).And.Some.StartsWith(name), name);
            Assert.That(ProofDigest.Genesis(VectorBinding, c0, variant), Is.Not.EqualTo(baseline), name);
        }
    }

    [Test]
    public void AGreedyWindowIsNotEligible()
    {
        var profile = new ProofProfile(new DecodeParameters(W.Profile.Decode.TemperatureQ16, 1, DecodeParameters.TopPOffQ32), 4, 3, PrecisionTag.F32, 16, 2, 8);
        Assert.That(RunToEnd(NewSession(profile: profile)).Eligible, Is.False);
    }

    [Test]
    public void LeafCommitsToEveryField()
    {
        var evidence = Evidence(0);
        var c = ContextHash.Initial("m"u8, [1]);
        var baseline = StepLeaf.Hash(0, c, 10, evidence, 5, [1]);
        var edited = new StepEvidence(evidence.Candidates.Select((x, i) => i == 0 ? x with { LogitBits = x.LogitBits + 1 } : x));
        Assert.Multiple(() =>
        {
            Assert.That(StepLeaf.Hash(1, c, 10, evidence, 5, [1]), Is.Not.EqualTo(baseline), "step");
            Assert.That(StepLeaf.Hash(0, ContextHash.Next(c, 10), 10, evidence, 5, [1]), Is.Not.EqualTo(baseline), "context");
            Assert.That(StepLeaf.Hash(0, c, 11, evidence, 5, [1]), Is.Not.EqualTo(baseline), "token");
            Assert.That(StepLeaf.Hash(0, c, 10, edited, 5, [1]), Is.Not.EqualTo(baseline), "evidence logit");
            Assert.That(StepLeaf.Hash(0, c, 10, evidence, 6, [1]), Is.Not.EqualTo(baseline), "probability");
            Assert.That(StepLeaf.Hash(0, c, 10, evidence, 5, [1, 0]), Is.Not.EqualTo(baseline), "statistics");
            Assert.That(StepLeaf.Hash(0, c, 10, new StepEvidence(evidence.Candidates.Reverse()), 5, [1]), Is.EqualTo(baseline), "evidence order is canonicalised");
        });
    }

    [Test]
    public void LeafBindsItsContextInASession()
    {
        // Top-k 1 makes the token independent of the draw: the same step, token, evidence, probability and statistics in
        // another context (another prompt) must still give another leaf, so a fraud proof cannot move a step.
        var greedy = new ProofProfile(new DecodeParameters(65536, 1, DecodeParameters.TopPOffQ32), 4, 3, PrecisionTag.F32, 16, 2, 8, 1UL << 32);
        var a = NewSession(profile: greedy, prompt: [1, 2, 3]).Step(Evidence(0), [7]);
        var b = NewSession(profile: greedy, prompt: [1, 2, 4]).Step(Evidence(0), [7]);
        Assert.That((b.Sampled, b.Draw == a.Draw), Is.EqualTo((a.Sampled, false)));
        Assert.That(b.LeafHash, Is.Not.EqualTo(a.LeafHash));
        var spec = SpecTransliteration.Leaf(0, SpecTransliteration.CNext(SpecTransliteration.C0(W.Binding.ModelId, [1, 2, 3]), 0), 10, W.Evidence[0], 1UL << 32, [7]);
        Assert.That(StepLeaf.Hash(0, ContextHash.Next(ContextHash.Initial(W.Binding.ModelId, [1, 2, 3]), 0), 10, Evidence(0), 1UL << 32, [7]), Is.EqualTo(spec));
    }

    [Test]
    public void BadCommitmentInputsAreRejectedWithContext()
    {
        var c = new byte[32];
        Assert.That(() => WindowMerkleTree.Root([]), Throws.TypeOf<ProofInputException>().With.Message.Contains("at least one leaf"));
        Assert.That(() => WindowMerkleTree.Root([new byte[32], new byte[31]]), Throws.TypeOf<ProofInputException>().With.Message.Contains("leaf 1 is 31 bytes"));
        Assert.That(() => StepLeaf.Hash(4, c, 1, Evidence(0), (1UL << 32) + 1, []), Throws.TypeOf<ProofInputException>().With.Message.Contains("step 4"));
        Assert.That(() => StepLeaf.Hash(4, c, 1, Evidence(0), 0, new byte[4097]), Throws.TypeOf<ProofInputException>().With.Message.Contains("4097 bytes"));
        Assert.That(() => StepLeaf.Hash(4, new byte[31], 1, Evidence(0), 0, []), Throws.TypeOf<ProofInputException>().With.Message.Contains("context hash is 31 bytes"));
        Assert.That(() => new ProofProfile(W.Profile.Decode, 4, 0, PrecisionTag.F32, 16, 2, 8), Throws.TypeOf<ProofInputException>().With.Message.Contains("window size 0"));
        Assert.That(() => new ProofProfile(W.Profile.Decode, 3, 3, PrecisionTag.F32, 16, 2, 8), Throws.TypeOf<ProofInputException>().With.Message.Contains("below top-k"));
        Assert.That(() => new ProofProfile(W.Profile.Decode, 4, 3, PrecisionTag.F32, 16, 0, 8), Throws.TypeOf<ProofInputException>().With.Message.Contains("salt length 0"));
        Assert.That(() => NewSession(prompt: Enumerable.Repeat(1, 9).ToArray()), Throws.TypeOf<ProofInputException>().With.Message.Contains("at most 8"));
        Assert.That(() => NewSession().Step(new StepEvidence([new LogitCandidate(1, 0)]), []), Throws.TypeOf<ProofInputException>().With.Message.Contains("pins 4"));
        Assert.That(() => EntropyCeiling.IsEligible([], EntropyCeiling.DefaultCeilingQ32), Throws.TypeOf<ProofInputException>());
    }

    [Test]
    public void EntropyCeilingComparesTheMeanExactly()
    {
        const ulong ceiling = EntropyCeiling.DefaultCeilingQ32;
        Assert.That(EntropyCeiling.IsEligible([ceiling, ceiling], ceiling), Is.True);
        Assert.That(EntropyCeiling.IsEligible([ceiling + 1, ceiling], ceiling), Is.False);
        Assert.That(EntropyCeiling.IsEligible([1UL << 32, 2 * ceiling - (1UL << 32)], ceiling), Is.True);
        Assert.That(EntropyCeiling.IsEligible([1UL << 32, 1UL << 32], ceiling), Is.False);
        Assert.That(ceiling, Is.EqualTo((ulong)Math.Floor(0.85 * 4294967296.0)));
    }
}
