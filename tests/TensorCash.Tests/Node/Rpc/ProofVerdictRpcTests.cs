using System.Numerics;
using System.Net;
using NUnit.Framework;
using TensorCash.Node.P2p;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Node.Rpc;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;
using TensorCash.Proving.Replay;
using TensorCash.Tests.Node.Hosting;
using TensorCash.Tests.Node.Mining;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>
/// Objective verdicts through a node: a sampled node that missed an edited step is corrected by a full node's fraud
/// proof; a forged or unbound fraud proof changes nothing; a node without the model shows blocks as unverified; and
/// the replay does not block RPC.
/// </summary>
public class ProofVerdictRpcTests
{
    private InferenceModel _fullNodeModel = null!; // the challenger's own copy of builtin:tiny

    [OneTimeSetUp]
    public void LoadModel() => _fullNodeModel = InferenceModel.Load("builtin:tiny", 1);

    [OneTimeTearDown]
    public void DisposeModel() => _fullNodeModel.Dispose();

    private static string Hex(Block block) => Convert.ToHexStringLower(block.Serialize());

    /// <summary>
    /// An honest block on <paramref name="parent"/> with one step's sketch edited so that tier 1 still passes, the header
    /// still meets its target, and <paramref name="verifier"/> does not sample the edited step.
    /// </summary>
    private static (Block Block, int Step) EditedBlockMissedBy(BlockProofVerifier verifier, InferenceModel model, BlockHeader parent, int height)
    {
        for (uint extraNonce = 0; ; extraNonce++)
        {
            var honest = RegtestMining.Mine(model, parent, height, extraNonce: 100 + extraNonce).Block!;
            var transcript = TranscriptCodec.Decode(honest.Proof);
            var target = CompactBits.DecodeTarget(honest.Header.AdjBits)!.Value;
            for (int step = 0; step < transcript.Steps.Count; step++)
            {
                var steps = transcript.Steps.ToArray();
                var stats = steps[step].Statistics;
                steps[step] = steps[step] with { Statistics = stats with { SketchBits = stats.SketchBits.Select(b => b ^ 1u).ToArray() } };
                var edited = transcript with { Steps = steps };
                var window = Tier1Verifier.Verify(edited, new([new(edited.Header.ModelId, 264)])).Window!;
                var header = honest.Header with { ProofCommitment = new Hash256(window.ProofCommitment), Nonce = window.Nonce };
                if (header.Hash.ToBigInteger() > target) continue;
                var block = new Block(header, honest.VdfProof, honest.Transactions, TranscriptCodec.Encode(edited));
                if (ReplayPositions.Derive(verifier.PositionSeed(block), steps.Length, verifier.ReplayPositions).Contains(step)) continue;
                return (block, step);
            }
        }
    }

    /// <summary>What a full node builds after its replay rejected <paramref name="block"/>: the encoded challenge of the first bad step.</summary>
    private byte[] FraudProof(Block block)
    {
        var transcript = TranscriptCodec.Decode(block.Proof);
        var report = Tier2Verifier.Check(transcript, _fullNodeModel.ReplayTransformer, new Tier2Options());
        Assert.That(report.Accepted, Is.False, "the full replay rejects the block");
        return ReplayChallengeCodec.Encode(ChallengeBuilder.Build(transcript, report.Rejections[0], _fullNodeModel.ReplayTransformer));
    }

    [Test]
    public async Task AFraudProofFromAFullNodeInvalidatesABlockASampledNodeAccepted()
    {
        await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, ReplayPositions = 2 });
        var honest = node.Host.Generate(1, MaturedChain.OpTrue)[0];
        var parent = node.Host.Chain.GetHeader(honest.Hash)!;
        var (edited, step) = EditedBlockMissedBy(node.Host.Verifier, node.Host.MiningModel, parent, 2);

        Assert.That(node.Call("submitblock", Hex(edited)), Is.Null, $"the sampled node did not replay step {step}: it accepts");
        Assert.That(node.Host.Chain.Tip.Hash, Is.EqualTo(edited.Header.Hash));
        Assert.That(new BlockProofVerifier(ChainParams.Regtest, [_fullNodeModel]).Verify(edited, 2, ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId])?.Reason, Is.EqualTo("bad-proof-replay"),
            "a full node rejects the same block");

        var result = node.Call("submitfraudproof", Convert.ToHexStringLower(FraudProof(edited)))!;
        Assert.That((bool)result["confirmed"]!, Is.True);
        Assert.That((string)result["hash"]!, Is.EqualTo(edited.Header.Hash.ToString()));
        Assert.That((int)result["step"]!, Is.EqualTo(step));
        Assert.That((string)result["reason"]!, Is.EqualTo("bad-proof-replay"));
        Assert.That((string)result["tip"]!, Is.EqualTo(honest.Hash.ToString()), "the tip moved back to the best valid chain");
        Assert.That(node.Host.Chain.Tip.Hash, Is.EqualTo(honest.Hash));
        Assert.That((string)node.Call("getblockheader", edited.Header.Hash.ToString())!["status"]!, Is.EqualTo("invalid"));
        Assert.That((string?)node.Call("submitblock", Hex(edited)), Is.EqualTo("duplicate-invalid"));
        Assert.That(node.Call("getchaintips")!.AsArray().Single(t => (string)t!["hash"]! == edited.Header.Hash.ToString())!["status"]!.GetValue<string>(),
            Is.EqualTo("invalid"));
    }

    [Test]
    public async Task AFullNodeBuildsTheFraudProofThatCorrectsASampledNodeAndNeverReplaysTheSameBlockTwice()
    {
        // The whole loop through RPC only: a sampling node accepts a block with one edited step; a full node rejects it,
        // keeps the fraud proof it built (getfraudproof), refuses a resubmission without a second replay, and the
        // fraud proof makes the sampling node invalidate the block.
        await using var sampled = TestNode.Open(new NodeOptions { Network = Network.Regtest, ReplayPositions = 2 });
        await using var full = TestNode.Open();
        var honest = sampled.Host.Generate(1, MaturedChain.OpTrue)[0];
        Assert.That(full.Call("submitblock", Hex(sampled.Host.Chain.GetBlock(honest.Hash)!)), Is.Null);
        var (edited, step) = EditedBlockMissedBy(sampled.Host.Verifier, sampled.Host.MiningModel, sampled.Host.Chain.GetHeader(honest.Hash)!, 2);
        Assert.That(sampled.Call("submitblock", Hex(edited)), Is.Null, $"the sampling node did not replay step {step}");

        long replays = full.Host.Verifier.ReplaysStarted;
        Assert.That((string?)full.Call("submitblock", Hex(edited)), Is.EqualTo("bad-proof-replay"));
        Assert.That(full.Host.Verifier.ReplaysStarted, Is.EqualTo(replays + 1));
        Assert.That((string?)full.Call("submitblock", Hex(edited)), Is.EqualTo("duplicate-invalid"), "the verdict belongs to the header");
        Assert.That(full.Host.Verifier.ReplaysStarted, Is.EqualTo(replays + 1), "a resubmission costs no second replay");
        Assert.That(full.Host.Chain.Tip.Hash, Is.EqualTo(honest.Hash));

        var exported = full.Call("getfraudproof", edited.Header.Hash.ToString())!;
        Assert.That(full.Fails("getfraudproof", honest.Hash.ToString()).Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey), "an honest block has none");
        var result = sampled.Call("submitfraudproof", (string)exported["fraudproof"]!)!;
        Assert.That((bool)result["confirmed"]!, Is.True);
        Assert.That((int)result["step"]!, Is.EqualTo(step));
        Assert.That(sampled.Host.Chain.Tip.Hash, Is.EqualTo(honest.Hash), "the sampling node is back on the valid chain");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task OverTheNetworkAFullPeersFraudProofCorrectsASamplingPeer()
    {
        // The loop of the test above, with no RPC between the nodes: the sampling node relays the block it accepted as
        // a proof-carrying header, the full node downloads it, its replay fails, and the fraud proof it broadcasts makes
        // the sampling node invalidate the block. The sampling peer is not banned for an edit it could not see.
        await using var sampled = TestNode.Open(new NodeOptions { Network = Network.Regtest, ReplayPositions = 2 });
        await using var full = TestNode.Open();
        var fullNetwork = full.Host.StartNetwork(new P2pOptions { Listen = true, Port = 0, Bind = IPAddress.Loopback });
        sampled.Host.StartNetwork(new P2pOptions { Connect = [new IPEndPoint(IPAddress.Loopback, fullNetwork.ListenPort)] });
        var honest = sampled.Host.Generate(1, MaturedChain.OpTrue)[0];
        await WaitUntil(() => full.Host.Chain.Tip.Hash == honest.Hash, "the full node syncs the honest block");

        var (edited, step) = EditedBlockMissedBy(sampled.Host.Verifier, sampled.Host.MiningModel, sampled.Host.Chain.GetHeader(honest.Hash)!, 2);
        Assert.That(sampled.Call("submitblock", Hex(edited)), Is.Null, $"the sampling node did not replay step {step}: it accepts");
        await WaitUntil(() => full.Host.Verifier.GetFraudProof(edited.Header.Hash) is not null, "the full node rejects the relayed block and builds a fraud proof");
        await WaitUntil(() => sampled.Host.Chain.Tip.Hash == honest.Hash, "the fraud proof reaches the sampling node, which invalidates the block");
        Assert.That((string)sampled.Call("getblockheader", edited.Header.Hash.ToString())!["status"]!, Is.EqualTo("invalid"));
        Assert.That(full.Host.Chain.Tip.Hash, Is.EqualTo(honest.Hash), "the full node never accepted it");
        Assert.That(fullNetwork.Bans.List(), Is.Empty, "the sampling peer relayed honestly: not banned");
        Assert.That(fullNetwork.ReadyPeers(), Has.Count.EqualTo(1), "and still connected");
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail($"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    [Test]
    public async Task AForgedOrUnboundFraudProofCannotInvalidateAnHonestBlock()
    {
        await using var node = TestNode.Open();
        var hash = node.Host.Generate(1, MaturedChain.OpTrue)[0].Hash;
        var block = node.Host.Chain.GetBlock(hash)!;
        var transcript = TranscriptCodec.Decode(block.Proof);

        // A claim that step 3's sketch does not replay, correctly bound to the block: the node's replay refutes it.
        var forged = ChallengeBuilder.Build(transcript, new Rejection(RejectReason.SketchMismatch, 3, -1, "forged"), _fullNodeModel.ReplayTransformer);
        var refuted = node.Fails("submitfraudproof", Convert.ToHexStringLower(ReplayChallengeCodec.Encode(forged)));
        Assert.That(refuted.Code, Is.EqualTo(RpcErrorCode.VerifyRejected));
        Assert.That(refuted.Message, Does.Contain("refuted").And.Contain("replay correctly"));

        // Committed values that are not the block's: the leaf does not climb to the header's commitment.
        var stats = forged.Committed.Statistics;
        var unbound = forged with { Committed = forged.Committed with { Statistics = stats with { SketchBits = stats.SketchBits.Select(b => b ^ 1u).ToArray() } } };
        var unboundError = node.Fails("submitfraudproof", Convert.ToHexStringLower(ReplayChallengeCodec.Encode(unbound)));
        Assert.That(unboundError.Code, Is.EqualTo(RpcErrorCode.VerifyRejected));
        Assert.That(unboundError.Message, Does.Contain("not bound"));

        // Tolerant mode is an audit: it never invalidates a block.
        var tolerant = node.Fails("submitfraudproof", Convert.ToHexStringLower(ReplayChallengeCodec.Encode(forged with { Mode = ComparisonMode.Tolerant })));
        Assert.That(tolerant.Message, Does.Contain("exact-mode"));

        // A commitment no stored block carries.
        var unknown = node.Fails("submitfraudproof", Convert.ToHexStringLower(ReplayChallengeCodec.Encode(forged with { ProofCommitment = new byte[32] })));
        Assert.That(unknown.Code, Is.EqualTo(RpcErrorCode.InvalidAddressOrKey));
        Assert.That(node.Fails("submitfraudproof", "00").Code, Is.EqualTo(RpcErrorCode.DeserializationError));

        Assert.That(node.Host.Chain.Tip.Hash, Is.EqualTo(hash));
        Assert.That((string)node.Call("getblockheader", hash.ToString())!["status"]!, Is.EqualTo("active"));
    }

    [Test]
    public async Task ANodeWithoutTheModelShowsTheBlockAsUnverified()
    {
        await using var miner = TestNode.Open();
        var hash = miner.Host.Generate(1, MaturedChain.OpTrue)[0].Hash;
        var block = miner.Host.Chain.GetBlock(hash)!;

        await using var node = TestNode.Open(new NodeOptions { Network = Network.Regtest, VerifyWithoutModels = true });
        Assert.That((string?)node.Call("submitblock", Hex(block)), Is.EqualTo("proof-unverified"));
        Assert.That(node.Host.Chain.Tip.Height, Is.EqualTo(0), "not connected, so not mined on");
        var header = node.Call("getblockheader", hash.ToString())!;
        Assert.That((string)header["status"]!, Is.EqualTo("unverified"));
        Assert.That((string)header["reason"]!, Is.EqualTo("proof-unverified"));
        Assert.That((int)header["height"]!, Is.EqualTo(1));
        var tip = node.Call("getchaintips")!.AsArray().Single(t => (string)t!["hash"]! == hash.ToString())!;
        Assert.That((string)tip["status"]!, Is.EqualTo("unverified"));
        Assert.That((int)tip["branchlen"]!, Is.EqualTo(1));
        Assert.That(node.Host.Chain.GetBlockStatus(hash), Is.Null, "not marked invalid");
        var verdict = node.Call("verifyblockproof", Hex(block))!;
        Assert.That((bool)verdict["valid"]!, Is.False);
        Assert.That((bool)verdict["tier1"]!["ok"]!, Is.True);
        Assert.That((string)verdict["tier2"]!["reason"]!, Is.EqualTo("model-not-held"));
    }

    [Test]
    public async Task GetBlockCountAnswersWhileAReplayRuns()
    {
        await using var miner = TestNode.Open();
        var block = miner.Host.Chain.GetBlock(miner.Host.Generate(1, MaturedChain.OpTrue)[0].Hash)!;

        await using var node = TestNode.Open();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        node.Host.Verifier.ReplayStarting += _ =>
        {
            entered.Set();
            release.Wait(); // holds the replay open for as long as the test needs
        };
        var submit = Task.Run(() => node.Call("submitblock", Hex(block)));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(60)), "the replay started");
        var count = Task.Run(() => (int)node.Call("getblockcount")!);
        Assert.That(count.Wait(TimeSpan.FromSeconds(30)), Is.True, "getblockcount completed during the replay");
        Assert.That(count.Result, Is.EqualTo(0));
        Assert.That(submit.IsCompleted, Is.False, "the replay was still running");
        release.Set();
        Assert.That(await submit, Is.Null);
        Assert.That((int)node.Call("getblockcount")!, Is.EqualTo(1));
    }
}
