using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

/// <summary>
/// The transaction index (--txindex): txid to block and position for the active chain, kept with every connect and
/// disconnect, built at start for a datadir that has none (or one that does not match the tip), dropped without the option.
/// </summary>
public class ChainStateTxIndexTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchDirectory();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private ChainState Open(bool txIndex, List<string>? progress = null) =>
        new(_scratch.Path, RegtestChain.Parameters, (_, _, _) => null, progress: progress is null ? null : progress.Add, txIndex: txIndex);

    private static void AcceptAll(ChainState state, IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
            Assert.That(state.AcceptBlock(block, RegtestChain.Now).Status, Is.AnyOf(BlockAcceptStatus.ActiveChain, BlockAcceptStatus.SideChain));
    }

    /// <summary>101 blocks, the last one spending block 1's coinbase (so it holds a second transaction at position 1).</summary>
    private static (RegtestChain Chain, TensorCash.Chain.Transactions.Transaction Spend) ChainWithSpend()
    {
        var chain = new RegtestChain().MineEmpty(100);
        var spend = RegtestChain.Spend([chain.Coinbase(1)]);
        chain.Mine(spend);
        return (chain, spend);
    }

    [Test]
    public void EveryTransactionOfTheActiveChainIsFoundAtItsBlockAndPosition()
    {
        var (chain, spend) = ChainWithSpend();
        using var state = Open(txIndex: true);
        AcceptAll(state, chain.Blocks.Skip(1));
        var deep = chain.Blocks[2].Transactions[0].Txid;
        Assert.That(state.FindTransaction(deep), Is.EqualTo((chain.Blocks[2].Header.Hash, 2, 0)), "a coinbase 99 blocks deep");
        Assert.That(state.FindTransaction(spend.Txid), Is.EqualTo((chain.Tip.Header.Hash, 101, 1)));
        Assert.That(state.FindTransaction(chain.Blocks[0].Transactions[0].Txid), Is.Null, "the genesis coinbase is not indexed");
        Assert.That(state.FindTransaction(new Hash256(Enumerable.Repeat((byte)0x42, 32).ToArray())), Is.Null);
        Assert.That(state.TxIndexHeight, Is.EqualTo(101));
    }

    [Test]
    public void WithoutTheOptionNothingIsIndexed()
    {
        var (chain, spend) = ChainWithSpend();
        using var state = Open(txIndex: false);
        AcceptAll(state, chain.Blocks.Skip(1));
        Assert.That(state.TxIndexEnabled, Is.False);
        Assert.That(state.FindTransaction(spend.Txid), Is.Null);
        Assert.That(state.TxIndexHeight, Is.Null);
    }

    [Test]
    public void ATransactionOfADisconnectedBlockIsGoneAfterAReorganisation()
    {
        var (chain, spend) = ChainWithSpend();
        var fork = chain.ForkAt(100, branch: 1).MineEmpty(2); // more work, without the spend
        using var state = Open(txIndex: true);
        AcceptAll(state, chain.Blocks.Skip(1));
        Assert.That(state.FindTransaction(spend.Txid), Is.Not.Null);
        AcceptAll(state, fork.Blocks.Skip(101));
        Assert.That(state.Tip.Hash, Is.EqualTo(fork.Tip.Header.Hash));
        Assert.That(state.FindTransaction(spend.Txid), Is.Null, "its block left the active chain");
        Assert.That(state.FindTransaction(chain.Tip.Transactions[0].Txid), Is.Null, "nor its coinbase");
        Assert.That(state.FindTransaction(fork.Tip.Transactions[0].Txid), Is.EqualTo((fork.Tip.Header.Hash, 102, 0)));
        Assert.That(state.FindTransaction(chain.Blocks[100].Transactions[0].Txid), Is.EqualTo((chain.Blocks[100].Header.Hash, 100, 0)), "the shared blocks stay");

        // And back: the spend's branch wins again with one more block.
        var back = chain.MineEmpty(2);
        AcceptAll(state, back.Blocks.Skip(102));
        Assert.That(state.FindTransaction(spend.Txid), Is.EqualTo((chain.Blocks[101].Header.Hash, 101, 1)));
        Assert.That(state.FindTransaction(fork.Tip.Transactions[0].Txid), Is.Null);
    }

    [Test]
    public void AnExistingDatadirGetsItsIndexBuiltAtStartAndDroppedWithoutTheOption()
    {
        var (chain, spend) = ChainWithSpend();
        using (var plain = Open(txIndex: false)) AcceptAll(plain, chain.Blocks.Skip(1));

        var progress = new List<string>();
        using (var indexed = Open(txIndex: true, progress))
        {
            Assert.That(progress, Has.Some.Contains("building the transaction index for 101 blocks"));
            Assert.That(progress, Has.Some.Contains("indexed height 101 of 101"));
            Assert.That(indexed.FindTransaction(spend.Txid), Is.EqualTo((chain.Tip.Header.Hash, 101, 1)));
        }
        progress.Clear();
        using (var again = Open(txIndex: true, progress))
        {
            Assert.That(progress, Is.Empty, "an index that matches the tip is kept as it is");
            Assert.That(again.FindTransaction(spend.Txid), Is.Not.Null);
        }
        using (var without = Open(txIndex: false, progress)) Assert.That(progress, Has.Some.Contains("dropping the transaction index"));
        using (var database = ChainDatabase.Open(Path.Combine(_scratch.Path, ChainDatabase.FileName)))
            Assert.That(database.HasTxIndex(), Is.False);
    }

    [Test]
    public void AnIndexThatDoesNotMatchTheTipIsBuiltAgain()
    {
        var (chain, spend) = ChainWithSpend();
        using (var indexed = Open(txIndex: true)) AcceptAll(indexed, chain.Blocks.Skip(1));
        // As if a node that does not know the index (an older one) had moved the tip: the recorded tip differs.
        using (var database = ChainDatabase.Open(Path.Combine(_scratch.Path, ChainDatabase.FileName)))
        using (var batch = database.BeginWrite())
        {
            batch.SetTxIndexTip(chain.Blocks[50].Header.Hash);
            batch.Commit();
        }
        var progress = new List<string>();
        using var reopened = Open(txIndex: true, progress);
        Assert.That(progress, Has.Some.Contains("does not match the tip"));
        Assert.That(reopened.FindTransaction(spend.Txid), Is.EqualTo((chain.Tip.Header.Hash, 101, 1)));
    }

    [Test]
    public void AReindexRebuildsTheIndexWithTheChain()
    {
        var (chain, spend) = ChainWithSpend();
        using (var indexed = Open(txIndex: true)) AcceptAll(indexed, chain.Blocks.Skip(1));
        using var reindexed = new ChainState(_scratch.Path, RegtestChain.Parameters, (_, _, _) => null, reindex: true, txIndex: true);
        Assert.That(reindexed.Tip.Height, Is.EqualTo(101));
        Assert.That(reindexed.FindTransaction(spend.Txid), Is.EqualTo((chain.Tip.Header.Hash, 101, 1)));
    }
}
