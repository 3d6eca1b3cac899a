using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

/// <summary>
/// reconsiderblock as Bitcoin Core's ReconsiderBlock: every failed mark of the block, its descendants and its
/// ancestors is cleared, whatever set it, and the best chain is activated again, so a block that is invalid for a
/// consensus reason is tried again and marked again, while one marked by invalidateblock comes back.
/// </summary>
public class ChainStateReconsiderTests
{
    private static readonly RuleViolation ByRpc = new("invalidated-by-rpc", "test");

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchDirectory();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private ChainState Open() => new(_scratch.Path, RegtestChain.Parameters, (_, _, _) => null);

    private static void AcceptAll(ChainState state, IEnumerable<TensorCash.Chain.Blocks.Block> blocks)
    {
        foreach (var block in blocks)
            Assert.That(state.AcceptBlock(block, RegtestChain.Now).Status, Is.AnyOf(BlockAcceptStatus.ActiveChain, BlockAcceptStatus.SideChain));
    }

    [Test]
    public void ReconsideringAnInvalidatedBlockReturnsToTheOriginalTipAndSurvivesARestart()
    {
        var main = new RegtestChain().MineEmpty(6);
        var fork = main.ForkAt(3, branch: 1).MineEmpty(2); // heights 4 and 5: less work than main
        using (var state = Open())
        {
            AcceptAll(state, main.Blocks.Skip(1));
            AcceptAll(state, fork.Blocks.Skip(4));
            var invalidated = main.Blocks[4].Header.Hash;
            Assert.That(state.InvalidateBlock(invalidated, ByRpc));
            Assert.That(state.Tip.Hash, Is.EqualTo(fork.Tip.Header.Hash), "the fork is the best chain that remains");

            Assert.That(state.ReconsiderBlock(invalidated));
            Assert.That(state.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
            Assert.That(state.Tip.Height, Is.EqualTo(6));
            Assert.That(Enumerable.Range(4, 3).Select(h => state.IsKnownInvalid(main.Blocks[h].Header.Hash)), Has.All.False);
            Assert.That(state.GetChainTips().Single(t => t.Hash == fork.Tip.Header.Hash).Status, Is.EqualTo("valid-fork"));
        }
        using (var reopened = Open())
        {
            Assert.That(reopened.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash), "the cleared marks were written");
            Assert.That(reopened.GetBlockStatus(main.Blocks[5].Header.Hash)!.Value & BlockStatus.FailedMask, Is.EqualTo(BlockStatus.None));
        }
    }

    [Test]
    public void ReconsideringADescendantClearsTheInvalidatedAncestor()
    {
        var main = new RegtestChain().MineEmpty(5);
        using var state = Open();
        AcceptAll(state, main.Blocks.Skip(1));
        Assert.That(state.InvalidateBlock(main.Blocks[3].Header.Hash, ByRpc));
        Assert.That(state.Tip.Height, Is.EqualTo(2));
        Assert.That(state.ReconsiderBlock(main.Tip.Header.Hash), "the tip, two blocks above the invalidated one");
        Assert.That(state.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
    }

    [Test]
    public void ABlockInvalidForAConsensusReasonIsTriedAgainAndMarkedAgain()
    {
        var main = new RegtestChain().MineEmpty(100);
        // Block 101 spends block 1's coinbase twice (two transactions): it passes the block rules and is stored, then
        // fails its connection (missing inputs) and is marked failed.
        var (coin, value) = main.Coinbase(1);
        var first = RegtestChain.Spend([(coin, value)], outputs: 1);
        var second = new Transaction(2, first.Inputs, first.Outputs, 0);
        var valid = main.ForkAt(100, branch: 1).MineEmpty(1);
        var bad = main.Mine(first, second);
        using var state = Open();
        AcceptAll(state, main.Blocks.Skip(1).Take(100));
        Assert.That(state.AcceptBlock(bad, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        AcceptAll(state, [valid.Tip]);
        Assert.That(state.Tip.Hash, Is.EqualTo(valid.Tip.Header.Hash));
        int connects = 0;
        state.BlockConnected += (_, _) => connects++;

        Assert.That(state.ReconsiderBlock(bad.Header.Hash), Is.True);
        Assert.That(state.IsKnownInvalid(bad.Header.Hash), "connected again, it fails again");
        Assert.That(state.Tip.Hash, Is.EqualTo(valid.Tip.Header.Hash));
        Assert.That(connects, Is.EqualTo(1), "the bad block (stored first, so tried first) failed again and the valid one was connected again");
        Assert.That(state.GetChainTips().Single(t => t.Hash == bad.Header.Hash).Status, Is.EqualTo("invalid"));
    }

    [Test]
    public void AnUnknownBlockIsReported()
    {
        using var state = Open();
        Assert.That(state.ReconsiderBlock(new TensorCash.Chain.Primitives.Hash256(new byte[32].Select((_, i) => (byte)i).ToArray())), Is.False);
    }
}
