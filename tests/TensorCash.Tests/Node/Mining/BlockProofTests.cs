using TensorCash.Proving.Replay;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Mining;
using TensorCash.Proof.Transcript;

namespace TensorCash.Tests.Node.Mining;

/// <summary>Blocks mined on builtin:tiny pass every header and proof rule; each way of breaking the proof has its reason.</summary>
public class BlockProofTests
{
    private InferenceModel _model = null!;
    private Block _block = null!;
    private static ChainParams Regtest => ChainParams.Regtest;
    private static BlockHeader Genesis => Regtest.Genesis.Header;

    [OneTimeSetUp]
    public void SetUp()
    {
        _model = InferenceModel.Load("builtin:tiny", 1, Regtest);
        _block = RegtestMining.Mine(_model, Genesis, 1).Block!;
    }

    [OneTimeTearDown]
    public void TearDown() => _model.Dispose();

    private static string? Reason(Block block, int height = 1) => BlockProofRules.Check(block, height, Regtest)?.Reason;

    [Test]
    public void AMinedBlockPassesHeaderProofAndReplay()
    {
        var context = new HeaderContext(1, Genesis, Genesis.Time, _block.Header.Time);
        Assert.That(HeaderRules.Check(_block.Header, context, Regtest), Is.Null);
        Assert.That(BlockRules.CheckBlock(_block, Regtest), Is.Null);
        var check = new BlockProofVerifier(Regtest, [_model]).Check(_block, 1);
        Assert.That(check.Violation, Is.Null);
        Assert.That(check.Replayed, Is.True, "the node holds builtin:tiny, so it replays (tier 2)");
        var transcript = TranscriptCodec.Decode(_block.Proof);
        Assert.That(transcript.Steps.Count % Regtest.ProofWindowSize, Is.EqualTo(0));
    }

    [Test]
    public void GarbageProofIsBadProofEncoding() =>
        Assert.That(Reason(new Block(_block.Header, _block.Transactions, [1, 2, 3])), Is.EqualTo("bad-proof-encoding"));

    [Test]
    public void HeaderDeclaringAnotherModelIsBadProofModel() =>
        Assert.That(Reason(new Block(_block.Header with { ModelId = Hashes.Sha256d([9]) }, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-model"));

    [Test]
    public void WrongWindowSizeIsBadProofWindow()
    {
        var outcome = RegtestMining.Mine(_model, Genesis, 1, windowSize: 8);
        Assert.That(Reason(outcome.Block!), Is.EqualTo("bad-proof-window"));
    }

    [Test]
    public void ProofUnderAnotherBindingIsBadProofBinding()
    {
        // The header prefix changed after mining (a new time), or the proof is presented at another height: B or T differ.
        Assert.That(Reason(new Block(_block.Header with { Time = _block.Header.Time + 1 }, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-binding"));
        Assert.That(Reason(_block, height: 2), Is.EqualTo("bad-proof-binding"));
    }

    [Test]
    public void HeaderNonceOrCommitmentNotFromTheLastWindowIsBadProofCommitment()
    {
        Assert.That(Reason(new Block(_block.Header with { Nonce = _block.Header.Nonce + 1 }, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-commitment"));
        Assert.That(Reason(new Block(_block.Header with { ProofCommitment = Hashes.Sha256d([1]) }, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-commitment"));
    }

    [Test]
    public void ATokenThatDoesNotMatchItsDrawIsBadProof()
    {
        var transcript = TranscriptCodec.Decode(_block.Proof);
        var steps = transcript.Steps.ToArray();
        var evidence = steps[3].Evidence.Candidates;
        int other = evidence.Select(c => c.TokenId).First(id => id != steps[3].Token);
        steps[3] = steps[3] with { Token = other };
        var edited = TranscriptCodec.Encode(transcript with { Steps = steps });
        var violation = BlockProofRules.Check(new Block(_block.Header, _block.Transactions, edited), 1, Regtest);
        Assert.That(violation?.Reason, Is.EqualTo("bad-proof"));
        Assert.That(violation!.Message, Does.Contain("token_draw_mismatch"));
    }

    /// <summary>The block with step <paramref name="step"/>'s sketch edited and the header re-derived, so tier 1 still accepts it.</summary>
    private Block WithEditedSketch(int step)
    {
        var transcript = TranscriptCodec.Decode(_block.Proof);
        var steps = transcript.Steps.ToArray();
        var stats = steps[step].Statistics;
        steps[step] = steps[step] with { Statistics = stats with { SketchBits = stats.SketchBits.Select(b => b ^ 1u).ToArray() } };
        var edited = transcript with { Steps = steps };
        // Statistics are inside the leaf, so the commitment changes: re-derive the header from the edited transcript.
        var windows = TensorCash.Proof.Verification.Tier1Verifier.Verify(edited, new([new(edited.Header.ModelId, 264)])).Windows;
        var header = _block.Header with { ProofCommitment = new Hash256(windows[^1].ProofCommitment), Nonce = windows[^1].Nonce };
        var block = new Block(header, _block.Transactions, TranscriptCodec.Encode(edited));
        Assert.That(BlockProofRules.Check(block, 1, Regtest), Is.Null, "tier 1 accepts: the edit is internally consistent");
        return block;
    }

    [Test]
    public void EvidenceFromAnotherModelIsCaughtByTheReplay()
    {
        // Tier 1 cannot see a substituted model; a node holding the model replays and rejects with bad-proof-replay.
        Assert.That(new BlockProofVerifier(Regtest, [_model]).Verify(WithEditedSketch(0), 1)?.Reason, Is.EqualTo("bad-proof-replay"));
    }

    /// <summary>
    /// A node replaying S sampled steps (--replay-positions) takes them from the block's own proof commitment: it accepts
    /// the honest block, catches an edit at a sampled step, and misses one elsewhere, which the full replay catches.
    /// </summary>
    [Test]
    public void ASampledReplayChecksTheStepsTheProofCommitmentChooses()
    {
        int stepCount = TranscriptCodec.Decode(_block.Proof).Steps.Count;
        int sampled = stepCount / 2; // every edit moves the sample; half of the steps makes both cases near-certain to occur
        var sampling = new BlockProofVerifier(Regtest, [_model], replayPositions: sampled);
        var full = new BlockProofVerifier(Regtest, [_model]);
        Assert.That(sampling.Check(_block, 1).Violation, Is.Null);

        bool caughtInside = false, missedOutside = false;
        for (int step = 0; step < stepCount && !(caughtInside && missedOutside); step++)
        {
            var block = WithEditedSketch(step);
            bool chosen = ReplayPositions.Derive(block.Header.ProofCommitment.ToArray(), stepCount, sampled).Contains(step);
            var reason = sampling.Verify(block, 1)?.Reason;
            Assert.That(reason, Is.EqualTo(chosen ? "bad-proof-replay" : null), $"step {step}, {(chosen ? "" : "not ")}in the sample");
            Assert.That(full.Verify(block, 1)?.Reason, Is.EqualTo("bad-proof-replay"), $"step {step}, full replay");
            caughtInside |= chosen;
            missedOutside |= !chosen;
        }
        Assert.That(caughtInside && missedOutside, "both cases occurred");
        Assert.That(() => new BlockProofVerifier(Regtest, [_model], replayPositions: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
