using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

/// <summary>The chainstate's two non-connect verdicts: unverified blocks (model not held) and invalidation (a confirmed fraud proof).</summary>
public class ChainStateVerdictTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchDirectory();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private ChainState Open(Func<Block, int, RuleViolation?>? checkProof = null) =>
        new(_scratch.Path, RegtestChain.Parameters, checkProof is null ? (_, _, _) => null : (block, height, _) => checkProof(block, height));

    private static readonly RuleViolation Unverified = new(ChainState.UnverifiedReason, "model not held");

    [Test]
    public void AnUnverifiedBlockIsNeitherStoredNorMarkedFailed()
    {
        var main = new RegtestChain();
        var block = main.Mine();
        using (var chain = Open((_, _) => Unverified))
        {
            var result = chain.AcceptBlock(block, RegtestChain.Now);
            Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Unverified));
            Assert.That(result.Violation!.Reason, Is.EqualTo("proof-unverified"));
            Assert.That(chain.Tip.Height, Is.EqualTo(0), "not connected: the node does not build on it");
            Assert.That(chain.GetBlock(block.Header.Hash), Is.Null);
            Assert.That(chain.GetBlockStatus(block.Header.Hash), Is.Null, "not marked failed");
            Assert.That(chain.GetUnverified(block.Header.Hash)!.Height, Is.EqualTo(1));
            Assert.That(chain.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.Unverified), "asked again: still unverified, never duplicate-invalid");
        }
        // A node that can verify (it loaded the model) accepts the same block; it leaves the unverified set.
        using (var chain = Open())
        {
            Assert.That(chain.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
            Assert.That(chain.GetUnverified(block.Header.Hash), Is.Null);
        }
    }

    [Test]
    public void TheUnverifiedSetIsBounded()
    {
        using var chain = Open((b, _) => b.Header.PrevBlock == RegtestChain.Parameters.GenesisHash ? null : Unverified);
        var root = new RegtestChain();
        var parents = new[] { root.ForkAt(0, 250).Mine(), root.ForkAt(0, 251).Mine() };
        foreach (var parent in parents) Assert.That(chain.AcceptBlock(parent, RegtestChain.Now).Status, Is.Not.EqualTo(BlockAcceptStatus.Rejected));
        var children = parents.SelectMany(p => Enumerable.Range(0, 150).Select(b => RegtestChain.Build(p.Header, 2, [], (byte)b))).ToList();
        foreach (var child in children) Assert.That(chain.AcceptBlock(child, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.Unverified));
        var kept = chain.GetUnverifiedBlocks();
        Assert.That(kept, Has.Count.EqualTo(ChainState.MaxUnverifiedBlocks));
        Assert.That(kept[0].Hash, Is.EqualTo(children[^ChainState.MaxUnverifiedBlocks].Header.Hash), "the oldest are forgotten first");
        Assert.That(chain.GetUnverified(children[0].Header.Hash), Is.Null);
    }

    [Test]
    public void InvalidatingAnActiveBlockReorganisesToTheBestValidChainAndPersists()
    {
        var main = new RegtestChain().MineEmpty(3);
        var fork = main.ForkAt(1, 7);
        var forkBlock = fork.Mine();
        var violation = new RuleViolation("bad-proof-replay", "fraud proof");
        using (var chain = Open())
        {
            foreach (var block in main.Blocks.Skip(1).Append(forkBlock)) chain.AcceptBlock(block, RegtestChain.Now);
            Assert.That(chain.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
            var tips = new List<ChainTip>();
            chain.TipChanged += tips.Add;

            Assert.That(chain.InvalidateBlock(main.Blocks[2].Header.Hash, violation), Is.True);
            Assert.That(chain.Tip.Hash, Is.EqualTo(forkBlock.Header.Hash), "the fork is now the best valid chain");
            Assert.That(tips.Select(t => t.Hash), Is.EqualTo(new[] { forkBlock.Header.Hash }));
            Assert.That(chain.GetBlockStatus(main.Blocks[2].Header.Hash)! & BlockStatus.Failed, Is.EqualTo(BlockStatus.Failed));
            Assert.That(chain.GetBlockStatus(main.Blocks[3].Header.Hash)! & BlockStatus.FailedAncestor, Is.EqualTo(BlockStatus.FailedAncestor));
            Assert.That(chain.AcceptBlock(main.Blocks[3], RegtestChain.Now).Violation!.Reason, Is.EqualTo("duplicate-invalid"));
            Assert.That(chain.GetChainTips().Single(t => t.Hash == main.Tip.Header.Hash).Status, Is.EqualTo("invalid"));
            Assert.That(chain.GetChainTips().Single(t => t.Hash == forkBlock.Header.Hash).Status, Is.EqualTo("active"));
            Assert.That(chain.GetUtxoSet().ToDictionary(), Is.EquivalentTo(RegtestChain.Replay([main.Blocks[1], forkBlock])));
        }
        using (var reopened = Open())
        {
            Assert.That(reopened.Tip.Hash, Is.EqualTo(forkBlock.Header.Hash));
            Assert.That(reopened.GetBlockStatus(main.Blocks[2].Header.Hash)! & BlockStatus.Failed, Is.EqualTo(BlockStatus.Failed));
        }
    }

    [Test]
    public void InvalidatingASideBlockLeavesTheTipAndRejectsItsChildren()
    {
        var main = new RegtestChain().MineEmpty(2);
        var fork = main.ForkAt(0, 9);
        var side = fork.Mine();
        using var chain = Open();
        foreach (var block in main.Blocks.Skip(1).Append(side)) chain.AcceptBlock(block, RegtestChain.Now);
        Assert.That(chain.InvalidateBlock(side.Header.Hash, new RuleViolation("bad-proof-replay", "fraud proof")), Is.True);
        Assert.That(chain.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        Assert.That(chain.AcceptBlock(fork.Mine(), RegtestChain.Now).Violation!.Reason, Is.EqualTo("bad-prevblk"));
        Assert.That(chain.InvalidateBlock(new RegtestChain().ForkAt(0, 99).Mine().Header.Hash, new RuleViolation("x", "y")), Is.False, "not stored");
        Assert.That(() => chain.InvalidateBlock(RegtestChain.Parameters.GenesisHash, new RuleViolation("x", "y")), Throws.InvalidOperationException);
    }

    [Test]
    public void TheProofCheckRunsWithoutTheLock()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var block = new RegtestChain().Mine();
        using var chain = Open((_, _) =>
        {
            entered.Set();
            release.Wait();
            return null;
        });
        var accepting = Task.Run(() => chain.AcceptBlock(block, RegtestChain.Now));
        Assert.That(entered.Wait(TimeSpan.FromSeconds(30)), "the proof check started");
        // The check is still blocked: a query that needs the chainstate lock must complete anyway.
        var query = Task.Run(() => chain.Tip.Height);
        Assert.That(query.Wait(TimeSpan.FromSeconds(30)), Is.True, "Tip answered while the proof check runs");
        Assert.That(query.Result, Is.EqualTo(0));
        Assert.That(accepting.IsCompleted, Is.False);
        release.Set();
        Assert.That(accepting.Result.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
    }

    [Test]
    public void ABlockStoredByAnotherThreadDuringTheProofCheckIsADuplicate()
    {
        var block = new RegtestChain().Mine();
        ChainState? chain = null;
        int calls = 0;
        chain = Open((b, _) =>
        {
            // The first check lets a second submission of the same block finish before it returns.
            if (Interlocked.Increment(ref calls) == 1) Assert.That(chain!.AcceptBlock(b, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
            return null;
        });
        using (chain)
            Assert.That(chain.AcceptBlock(block, RegtestChain.Now).Violation!.Reason, Is.EqualTo("duplicate"));
    }
}
