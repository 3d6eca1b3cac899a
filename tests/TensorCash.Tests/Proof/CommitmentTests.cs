using NUnit.Framework;
using TensorCash.Proof;
using W = TensorCash.Tests.Proof.ProofTestVectors.Window;

namespace TensorCash.Tests.Proof;

public class CommitmentTests
{
    private static ProofSession NewSession(ChainBinding? binding = null, int windowSize = 3, DecodeParameters? parameters = null) =>
        new(binding ?? new ChainBinding(W.Binding.B, W.Binding.V, W.Binding.Tick), W.Binding.ModelId, W.Binding.Prompt, W.Binding.Precision,
            parameters ?? new DecodeParameters(W.TemperatureQ16, W.TopK, W.TopPQ32, W.RepetitionPenaltyQ16, W.PenaltyLastN), windowSize);

    private static StepEvidence Evidence(int step) => new(W.Evidence[step % 3].Select(c => new LogitCandidate(c.Id, c.Bits)));

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
    public void WindowVectorMatchesTheDocumentThroughTheProductionSession()
    {
        var session = NewSession();
        Assert.That(Convert.ToHexStringLower(session.CurrentDigest), Is.EqualTo(W.ExpectedGenesisHex));
        var results = Enumerable.Range(0, 3).Select(t => session.Step(Evidence(t), W.Statistics[t])).ToArray();
        Assert.That(results.Select(r => r.Sampled.TokenId), Is.EqualTo(W.ExpectedTokens));
        Assert.That(results.Select(r => r.Sampled.ProbabilityQ32.ToString("x16")), Is.EqualTo(W.ExpectedProbabilitiesHex));
        Assert.That(results.Select(r => Convert.ToHexStringLower(r.LeafHash)), Is.EqualTo(W.ExpectedLeavesHex));
        Assert.That(results[0].ClosedWindow, Is.Null);
        Assert.That(results[1].ClosedWindow, Is.Null);
        var window = results[2].ClosedWindow!;
        Assert.That((window.WindowIndex, Convert.ToHexStringLower(window.WindowRoot), Convert.ToHexStringLower(window.ProofCommitment), window.Nonce, window.Eligible),
            Is.EqualTo((0u, W.ExpectedRootHex, W.ExpectedDigestHex, W.ExpectedNonce, W.ExpectedEligible)));
    }

    [Test]
    public void WindowVectorMatchesTheDocumentThroughTheSpecTransliteration()
    {
        var b = W.Binding;
        var run = SpecTransliteration.RunWindow(b.B, b.V, b.Tick, b.ModelId, b.Prompt, (byte)b.Precision, W.TemperatureQ16, W.TopK, W.TopPQ32,
            W.RepetitionPenaltyQ16, W.PenaltyLastN, W.Evidence, W.Statistics, EntropyCeiling.DefaultCeilingQ32);
        Assert.That(run.Tokens, Is.EqualTo(W.ExpectedTokens));
        Assert.That(run.Probabilities.Select(p => ((ulong)p).ToString("x16")), Is.EqualTo(W.ExpectedProbabilitiesHex));
        Assert.That(run.Leaves.Select(Convert.ToHexStringLower), Is.EqualTo(W.ExpectedLeavesHex));
        Assert.That((Convert.ToHexStringLower(run.Genesis), Convert.ToHexStringLower(run.Root), Convert.ToHexStringLower(run.Digest), run.Nonce, run.Eligible),
            Is.EqualTo((W.ExpectedGenesisHex, W.ExpectedRootHex, W.ExpectedDigestHex, W.ExpectedNonce, W.ExpectedEligible)));
    }

    [Test]
    public void DigestsChainAcrossWindowsAndOnlyCompletedWindowsOfferCandidates()
    {
        var session = NewSession(windowSize: 2);
        var closed = Enumerable.Range(0, 7).Select(t => session.Step(Evidence(t), [])).Select(r => r.ClosedWindow).ToArray();
        Assert.That(closed.Select(c => c is not null), Is.EqualTo(new[] { false, true, false, true, false, true, false }));
        var windows = closed.OfType<WindowCandidate>().ToArray();
        Assert.That(windows.Select(w => w.WindowIndex), Is.EqualTo(new uint[] { 0, 1, 2 }));
        Assert.That(ProofDigest.Next(windows[0].ProofCommitment, windows[1].WindowRoot, 1), Is.EqualTo(windows[1].ProofCommitment));
        Assert.That(windows.Select(w => ProofDigest.Nonce(w.ProofCommitment)), Is.EqualTo(windows.Select(w => w.Nonce)));
        // Reordering windows changes the chain: the same roots in another order give another final digest.
        var genesis = NewSession(windowSize: 2).CurrentDigest;
        var swapped = ProofDigest.Next(ProofDigest.Next(genesis, windows[1].WindowRoot, 0), windows[0].WindowRoot, 1);
        Assert.That(swapped, Is.Not.EqualTo(windows[1].ProofCommitment));
    }

    [Test]
    public void TheSameEvidenceUnderAnotherBindingGivesAnotherCommitment()
    {
        var other = (byte[])W.Binding.B.Clone();
        other[0] ^= 0x80;
        var a = NewSession();
        var b = NewSession(new ChainBinding(other, W.Binding.V, W.Binding.Tick));
        Assert.That(b.CurrentDigest, Is.Not.EqualTo(a.CurrentDigest));
        var windowA = Enumerable.Range(0, 3).Select(t => a.Step(Evidence(t), [])).ToArray()[^1].ClosedWindow!;
        var windowB = Enumerable.Range(0, 3).Select(t => b.Step(Evidence(t), [])).ToArray()[^1].ClosedWindow!;
        Assert.That(windowB.ProofCommitment, Is.Not.EqualTo(windowA.ProofCommitment));
        Assert.That(windowB.Nonce, Is.Not.EqualTo(windowA.Nonce));
    }

    [Test]
    public void AGreedyWindowIsNotEligible()
    {
        var session = NewSession(parameters: new DecodeParameters(W.TemperatureQ16, 1, DecodeParameters.TopPOffQ32));
        var window = Enumerable.Range(0, 3).Select(t => session.Step(Evidence(t), [])).ToArray()[^1].ClosedWindow!;
        Assert.That(window.Eligible, Is.False);
    }

    [Test]
    public void LeafCommitsToEveryField()
    {
        var evidence = Evidence(0);
        var baseline = StepLeaf.Hash(0, 10, evidence, 5, [1]);
        var edited = new StepEvidence(evidence.Candidates.Select((c, i) => i == 0 ? c with { LogitBits = c.LogitBits + 1 } : c));
        Assert.Multiple(() =>
        {
            Assert.That(StepLeaf.Hash(1, 10, evidence, 5, [1]), Is.Not.EqualTo(baseline), "step");
            Assert.That(StepLeaf.Hash(0, 11, evidence, 5, [1]), Is.Not.EqualTo(baseline), "token");
            Assert.That(StepLeaf.Hash(0, 10, edited, 5, [1]), Is.Not.EqualTo(baseline), "evidence logit");
            Assert.That(StepLeaf.Hash(0, 10, evidence, 6, [1]), Is.Not.EqualTo(baseline), "probability");
            Assert.That(StepLeaf.Hash(0, 10, evidence, 5, [1, 0]), Is.Not.EqualTo(baseline), "statistics");
            Assert.That(StepLeaf.Hash(0, 10, new StepEvidence(evidence.Candidates.Reverse()), 5, [1]), Is.EqualTo(baseline), "evidence order is canonicalised");
        });
    }

    [Test]
    public void BadCommitmentInputsAreRejectedWithContext()
    {
        Assert.That(() => WindowMerkleTree.Root([]), Throws.TypeOf<ProofInputException>().With.Message.Contains("at least one leaf"));
        Assert.That(() => WindowMerkleTree.Root([new byte[32], new byte[31]]), Throws.TypeOf<ProofInputException>().With.Message.Contains("leaf 1 is 31 bytes"));
        Assert.That(() => StepLeaf.Hash(4, 1, Evidence(0), (1UL << 32) + 1, []), Throws.TypeOf<ProofInputException>().With.Message.Contains("step 4"));
        Assert.That(() => StepLeaf.Hash(4, 1, Evidence(0), 0, new byte[4097]), Throws.TypeOf<ProofInputException>().With.Message.Contains("4097 bytes"));
        Assert.That(() => NewSession(windowSize: 0), Throws.TypeOf<ProofInputException>().With.Message.Contains("window size 0"));
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
