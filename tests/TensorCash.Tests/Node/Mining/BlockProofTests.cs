using TensorCash.Proving.Replay;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Mining;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Chain.Registry;

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
        _model = InferenceModel.Load("builtin:tiny", 1);
        _block = RegtestMining.Mine(_model, Genesis, 1).Block!;
    }

    [OneTimeTearDown]
    public void TearDown() => _model.Dispose();

    private static RegisteredModel Tiny => Regtest.Models[ChainParams.BuiltinTinyModelId];

    private static string? Reason(Block block, int height = 1) => BlockProofRules.Check(block, height, Regtest, Tiny)?.Reason;

    [Test]
    public void AMinedBlockPassesHeaderProofAndReplay()
    {
        var context = new HeaderContext(1, Genesis, Genesis.Time, _block.Header.Time);
        Assert.That(HeaderRules.Check(_block.Header, _block.VdfProof, context, Regtest, ModelRegistry.Genesis(Regtest)), Is.Null);
        Assert.That(BlockRules.CheckBlock(_block, Regtest), Is.Null);
        var check = new BlockProofVerifier(Regtest, [_model]).Check(_block, 1, Tiny);
        Assert.That(check.Violation, Is.Null);
        Assert.That(check.Replayed, Is.True, "the node holds builtin:tiny, so it replays (tier 2)");
        var transcript = TranscriptCodec.Decode(_block.Proof);
        Assert.That(transcript.Steps.Count, Is.EqualTo(Regtest.ProofWindowSize), "one window per proof");
    }

    [Test]
    public void GarbageProofIsBadProofEncoding() =>
        Assert.That(Reason(new Block(_block.Header, _block.VdfProof, _block.Transactions, [1, 2, 3])), Is.EqualTo("bad-proof-encoding"));

    [Test]
    public void HeaderDeclaringAnotherModelIsBadProofModel() =>
        Assert.That(Reason(new Block(_block.Header with { ModelId = Hashes.Sha256d([9]) }, _block.VdfProof, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-model"));

    [Test]
    public void AnotherWindowSizeIsBadProofProfile()
    {
        // W is pinned: a block mined with 8-token windows names another profile. (bad-proof-window, a step count other
        // than the profile's W, cannot come from bytes: the decoder reads exactly W steps and calls anything after them
        // trailing bytes, so it is checked in tier 1 only for transcripts built in memory.)
        var outcome = RegtestMining.Mine(_model, Genesis, 1, profile: RegtestMining.WithWindow(8));
        Assert.That(Reason(outcome.Block!), Is.EqualTo("bad-proof-profile"));
    }

    /// <summary>Every decode field, the salt length, the prompt cap and the ceiling are pinned: any other value is bad-proof-profile.</summary>
    [TestCase("temperature")]
    [TestCase("top-k")]
    [TestCase("top-p")]
    [TestCase("repetition penalty")]
    [TestCase("penalty window")]
    [TestCase("salt length")]
    [TestCase("prompt cap")]
    [TestCase("entropy ceiling")]
    public void AnyOtherProfileFieldIsBadProofProfile(string field)
    {
        var p = RegtestMining.Profile;
        var d = p.Decode;
        var other = field switch
        {
            "temperature" => new ProofProfile(new DecodeParameters(d.TemperatureQ16 + 1, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN), p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32),
            "top-k" => new ProofProfile(new DecodeParameters(d.TemperatureQ16, d.TopK - 1, d.TopPQ32, d.RepetitionPenaltyQ16, d.PenaltyLastN), p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32),
            "top-p" => new ProofProfile(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32 - 1, d.RepetitionPenaltyQ16, d.PenaltyLastN), p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32),
            "repetition penalty" => new ProofProfile(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16 + 1, d.PenaltyLastN), p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32),
            "penalty window" => new ProofProfile(new DecodeParameters(d.TemperatureQ16, d.TopK, d.TopPQ32, d.RepetitionPenaltyQ16, 7), p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32),
            "salt length" => new ProofProfile(d, p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens + 1, p.MaxPromptTokens, p.CeilingQ32),
            "prompt cap" => new ProofProfile(d, p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens + 1, p.CeilingQ32),
            _ => new ProofProfile(d, p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens, p.CeilingQ32 - 1),
        };
        var transcript = TranscriptCodec.Decode(_block.Proof);
        var edited = TranscriptCodec.Encode(transcript with { Header = transcript.Header with { Profile = other } });
        var violation = BlockProofRules.Check(new Block(_block.Header, _block.VdfProof, _block.Transactions, edited), 1, Regtest, Tiny);
        Assert.That(violation?.Reason, Is.EqualTo("bad-proof-profile"));
        Assert.That(violation!.Message, Does.Contain(field));
    }

    [Test]
    public void PaddedEarlierWindowsAreBadProofEncoding()
    {
        // A second window's worth of steps after the first (what version 1 allowed): trailing bytes, before any replay.
        var verifier = new BlockProofVerifier(Regtest, [_model]);
        var proof = _block.Proof;
        var padded = new Block(_block.Header, _block.VdfProof, _block.Transactions, [.. proof, .. proof.AsSpan(proof.Length / 2)]);
        var violation = verifier.Verify(padded, 1, Tiny);
        Assert.That(violation?.Reason, Is.EqualTo("bad-proof-encoding"));
        Assert.That(violation!.Message, Does.Contain("trailing bytes"));
        Assert.That(verifier.ReplaysStarted, Is.EqualTo(0));
    }

    [Test]
    public void AProofLargerThanThePinnedProfileAllowsIsRefusedBeforeDecoding()
    {
        // A transcript may declare any profile (W and K up to 4096, a 131,072-token prompt: tens of megabytes that the
        // decoder would read before tier 1 compares the profile). The pinned profile bounds the size first.
        long limit = TranscriptCodec.MaxEncodedBytes(RegtestMining.Profile, 32);
        Assert.That(_block.Proof.Length, Is.LessThanOrEqualTo(limit));
        var huge = new Block(_block.Header, _block.VdfProof, _block.Transactions, [.. _block.Proof, .. new byte[limit - _block.Proof.Length + 1]]);
        var violation = BlockProofRules.Check(huge, 1, Regtest, Tiny);
        Assert.That(violation?.Reason, Is.EqualTo("bad-proof-encoding"));
        Assert.That(violation!.Message, Does.Contain($"at most {limit}"));
    }

    [Test]
    public void EveryRegisteredProfileFitsTheBlockParseCap()
    {
        // Block.Deserialize refuses a proof above Block.MaxProofBytes before any rule runs; that cap must never refuse an
        // honest proof of any registered model on any network, and should not be far above the largest one.
        foreach (var network in new[] { ChainParams.Main, ChainParams.Testnet, ChainParams.Regtest })
            foreach (var model in network.Models.Values)
                Assert.That(TranscriptCodec.MaxEncodedBytes(model.Profile, 32), Is.LessThanOrEqualTo(Block.MaxProofBytes), $"{network.Network} {model.Name}");
        var largestAllowed = new ProofProfile(RegtestMining.Profile.Decode, 64, ProofDigest.MaxWindowSize, PrecisionTag.F32, 128_000, 4, 4096);
        Assert.That(TranscriptCodec.MaxEncodedBytes(largestAllowed, 32), Is.LessThan(Block.MaxProofBytes), "W = 4096, K = 64, a 4096-token prompt still fits");
    }

    [Test]
    public void APromptOverThePinnedCapNeverReachesTheReplay()
    {
        var verifier = new BlockProofVerifier(Regtest, [_model]);
        var transcript = TranscriptCodec.Decode(_block.Proof);
        var p = RegtestMining.Profile;
        var raised = new ProofProfile(p.Decode, p.EvidenceCount, p.WindowSize, p.Precision, p.VocabSize, p.SaltTokens, p.MaxPromptTokens + 1, p.CeilingQ32);
        int[] longPrompt = Enumerable.Repeat(65, p.MaxPromptTokens + 1).ToArray();
        byte[] bytes = TranscriptCodec.Encode(transcript with { Header = transcript.Header with { Profile = raised, Prompt = longPrompt } });

        // Declaring a larger cap is a profile mismatch.
        Assert.That(verifier.Verify(new Block(_block.Header, _block.VdfProof, _block.Transactions, bytes), 1, Tiny)?.Reason, Is.EqualTo("bad-proof-profile"));
        // Declaring the pinned cap with a longer prompt does not even decode.
        int capAt = 4 + 2 + 1 + transcript.Header.ModelId.Length + 36;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(capAt), (uint)p.MaxPromptTokens);
        Assert.That(TranscriptCodec.DecodeProfile(bytes.AsSpan(capAt - 36, TranscriptCodec.ProfileBytes)), Is.EqualTo(p), "the patched bytes declare the pinned profile");
        Assert.That(verifier.Verify(new Block(_block.Header, _block.VdfProof, _block.Transactions, bytes), 1, Tiny)?.Reason, Is.EqualTo("bad-proof-encoding"));
        Assert.That(verifier.ReplaysStarted, Is.EqualTo(0), "tier 1 rejected both: no replay ran");
    }

    [Test]
    public void ABogusCommitmentNeverReachesTheReplay()
    {
        // The DoS case: a header whose commitment does not match its proof costs the node hashing only.
        var verifier = new BlockProofVerifier(Regtest, [_model]);
        var bogus = new Block(_block.Header with { ProofCommitment = Hashes.Sha256d([7]) }, _block.VdfProof, _block.Transactions, _block.Proof);
        Assert.That(verifier.Verify(bogus, 1, Tiny)?.Reason, Is.EqualTo("bad-proof-commitment"));
        Assert.That(verifier.ReplaysStarted, Is.EqualTo(0));
        Assert.That(verifier.Verify(_block, 1, Tiny), Is.Null);
        Assert.That(verifier.ReplaysStarted, Is.EqualTo(1), "the counter does count replays");
    }

    [Test]
    public void ANodeWithoutTheModelCallsTheBlockUnverified()
    {
        // Tier 1 accepts invented evidence, so a node that cannot replay must not call the block valid.
        var verifier = new BlockProofVerifier(Regtest, []);
        var check = verifier.Check(_block, 1, Tiny);
        Assert.That(check.Violation?.Reason, Is.EqualTo("proof-unverified"));
        Assert.That(check.Unverified, Is.True);
        Assert.That(check.Replayed, Is.False);
        Assert.That(verifier.Verify(WithEditedSketch(0), 1, Tiny)?.Reason, Is.EqualTo("proof-unverified"), "an edited block is no better");
        Assert.That(verifier.Verify(new Block(_block.Header, _block.VdfProof, _block.Transactions, [1, 2, 3]), 1, Tiny)?.Reason, Is.EqualTo("bad-proof-encoding"), "tier 1 still rejects outright");
    }

    [Test]
    public void ProofUnderAnotherBindingIsBadProofBinding()
    {
        // The header prefix changed after mining (a new time), or the header names another VDF output v or tick count T:
        // B, v or T differ from what the draws were bound to.
        Assert.That(Reason(new Block(_block.Header with { Time = _block.Header.Time + 1 }, _block.VdfProof, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-binding"));
        Assert.That(Reason(new Block(_block.Header with { VdfOutput = Hashes.Sha256d([5]) }, _block.VdfProof, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-binding"));
        Assert.That(Reason(new Block(_block.Header with { VdfTicks = _block.Header.VdfTicks + 1 }, _block.VdfProof, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-binding"));
    }

    [Test]
    public void HeaderNonceOrCommitmentNotFromTheLastWindowIsBadProofCommitment()
    {
        Assert.That(Reason(new Block(_block.Header with { Nonce = _block.Header.Nonce + 1 }, _block.VdfProof, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-commitment"));
        Assert.That(Reason(new Block(_block.Header with { ProofCommitment = Hashes.Sha256d([1]) }, _block.VdfProof, _block.Transactions, _block.Proof)), Is.EqualTo("bad-proof-commitment"));
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
        var violation = BlockProofRules.Check(new Block(_block.Header, _block.VdfProof, _block.Transactions, edited), 1, Regtest, Tiny);
        Assert.That(violation?.Reason, Is.EqualTo("bad-proof"));
        Assert.That(violation!.Message, Does.Contain("token_draw_mismatch"));
    }

    /// <summary>The block with step <paramref name="step"/>'s sketch edited and the header re-derived, so tier 1 still accepts it.</summary>
    private Block WithEditedSketch(int step, uint flip = 1)
    {
        var transcript = TranscriptCodec.Decode(_block.Proof);
        var steps = transcript.Steps.ToArray();
        var stats = steps[step].Statistics;
        steps[step] = steps[step] with { Statistics = stats with { SketchBits = stats.SketchBits.Select(b => b ^ flip).ToArray() } };
        var edited = transcript with { Steps = steps };
        // Statistics are inside the leaf, so the commitment changes: re-derive the header from the edited transcript.
        var window = TensorCash.Proof.Verification.Tier1Verifier.Verify(edited, new([new(edited.Header.ModelId, 264)])).Window!;
        var header = _block.Header with { ProofCommitment = new Hash256(window.ProofCommitment), Nonce = window.Nonce };
        var block = new Block(header, _block.VdfProof, _block.Transactions, TranscriptCodec.Encode(edited));
        Assert.That(BlockProofRules.Check(block, 1, Regtest, Tiny), Is.Null, "tier 1 accepts: the edit is internally consistent");
        return block;
    }

    [Test]
    public void EvidenceFromAnotherModelIsCaughtByTheReplay()
    {
        // Tier 1 cannot see a substituted model; a node holding the model replays and rejects with bad-proof-replay.
        Assert.That(new BlockProofVerifier(Regtest, [_model]).Verify(WithEditedSketch(0), 1, Tiny)?.Reason, Is.EqualTo("bad-proof-replay"));
    }

    /// <summary>
    /// A node replaying S sampled steps (--replay-positions) takes them from its own secret and the block hash: it accepts
    /// the honest block, catches an edit at a sampled step, and misses one elsewhere, which the full replay catches.
    /// The test knows the secret; a miner does not, so it cannot place its edit where no one looks.
    /// </summary>
    [Test]
    public void ASampledReplayChecksTheStepsItsPrivateSeedChooses()
    {
        int stepCount = TranscriptCodec.Decode(_block.Proof).Steps.Count;
        int sampled = stepCount / 2; // half of the steps makes both cases near-certain to occur
        var sampling = new BlockProofVerifier(Regtest, [_model], sampled, [1, 2, 3]);
        var full = new BlockProofVerifier(Regtest, [_model]);
        Assert.That(sampling.Check(_block, 1, Tiny).Violation, Is.Null);

        bool caughtInside = false, missedOutside = false;
        for (int step = 0; step < stepCount && !(caughtInside && missedOutside); step++)
        {
            var block = WithEditedSketch(step);
            bool chosen = ReplayPositions.Derive(sampling.PositionSeed(block), stepCount, sampled).Contains(step);
            var reason = sampling.Verify(block, 1, Tiny)?.Reason;
            Assert.That(reason, Is.EqualTo(chosen ? "bad-proof-replay" : null), $"step {step}, {(chosen ? "" : "not ")}in the sample");
            Assert.That(full.Verify(block, 1, Tiny)?.Reason, Is.EqualTo("bad-proof-replay"), $"step {step}, full replay");
            caughtInside |= chosen;
            missedOutside |= !chosen;
        }
        Assert.That(caughtInside && missedOutside, "both cases occurred");
        Assert.That(() => new BlockProofVerifier(Regtest, [_model], replayPositions: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void SampledPositionsComeFromTheNodeSecretNotTheCommitment()
    {
        var a = new BlockProofVerifier(Regtest, [_model], 8, [1]);
        var b = new BlockProofVerifier(Regtest, [_model], 8, [2]);
        Assert.That(a.PositionSeed(_block), Is.EqualTo(a.PositionSeed(_block)), "one node checks a block the same way every time");
        Assert.That(a.PositionSeed(_block), Is.Not.EqualTo(b.PositionSeed(_block)));
        Assert.That(ReplayPositions.Derive(a.PositionSeed(_block), 16, 8), Is.Not.EqualTo(ReplayPositions.Derive(b.PositionSeed(_block), 16, 8)),
            "two nodes sample different steps of the same block");
        Assert.That(a.PositionSeed(_block), Is.Not.EqualTo(_block.Header.ProofCommitment.ToArray()));
        Assert.That(new BlockProofVerifier(Regtest, [_model], 8).PositionSeed(_block), Is.Not.EqualTo(new BlockProofVerifier(Regtest, [_model], 8).PositionSeed(_block)),
            "each process draws its own secret");
    }
}
