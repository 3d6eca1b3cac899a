using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Node.Mining;

namespace TensorCash.Tests.Node.Hosting;

/// <summary>The node's mempool follows its chain: connected blocks take transactions out, disconnected ones put them back, and admission never deadlocks with block connection.</summary>
public class NodeMempoolTests
{
    private static OutPoint Coinbase(TestNode node, int height) =>
        new(node.Host.Chain.GetBlock(node.Host.Chain.GetBlockHash(height)!.Value)!.Transactions[0].Txid, 0);

    /// <summary>Output 0 carries <paramref name="value"/>; the second output keeps the transaction above the 65-byte standard minimum.</summary>
    private static Transaction Spend(OutPoint prevout, long value) =>
        new(1, [new TxIn(prevout, [])], [new TxOut(value, MaturedChain.OpTrue), new TxOut(1_000_000, MaturedChain.OpTrue)], 0);

    private static void Admit(TestNode node, Transaction tx)
    {
        var result = node.Host.Mempool.Submit(tx);
        Assert.That(result.Accepted, result.Rejection?.ToString());
    }

    private static BlockAcceptStatus Accept(TestNode node, Block block) =>
        node.Host.Chain.AcceptBlock(block, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Status;

    [Test]
    public async Task AReorganisationPutsTheDisconnectedTransactionsBack()
    {
        await using var node = MaturedChain.Open();
        var fork = node.Host.Chain.Tip;
        var spend = Spend(Coinbase(node, 1), 49_00000000);
        Admit(node, spend);
        var mined = node.Host.Generate(1, MaturedChain.OpTrue).Single();
        Assert.That(node.Host.Chain.GetBlock(mined.Hash)!.Transactions.Select(t => t.Txid), Does.Contain(spend.Txid));
        Assert.That(node.Host.Mempool.Pool.Count, Is.EqualTo(0));

        // A longer branch from the fork point without the transaction.
        var first = RegtestMining.Mine(node.Host.MiningModel, fork.Header, fork.Height + 1, extraNonce: 1000).Block!;
        var second = RegtestMining.Mine(node.Host.MiningModel, first.Header, fork.Height + 2, extraNonce: 1000).Block!;
        Assert.That(Accept(node, first), Is.EqualTo(BlockAcceptStatus.SideChain));
        Assert.That(Accept(node, second), Is.EqualTo(BlockAcceptStatus.ActiveChain));

        Assert.That(node.Host.Mempool.Pool.Contains(spend.Txid), "its block was disconnected and nothing on the new chain spends its input");
        var content = node.Host.BuildContent(fork.Height + 3, node.Host.Chain.GetMedianTimePast(second.Header.Hash)!.Value, MaturedChain.OpTrue, 0);
        Assert.That(content.Transactions.Select(t => t.Txid), Does.Contain(spend.Txid), "and the next block takes it again");
    }

    [Test]
    public async Task ABlockSpendingThePooledCoinEvictsTheLoser()
    {
        await using var node = MaturedChain.Open();
        var coin = Coinbase(node, 1);
        var pooled = Spend(coin, 49_00000000);
        var rival = Spend(coin, 48_00000000);
        Admit(node, pooled);
        Assert.That(node.Host.Mempool.Submit(rival).Rejection!.Reason, Is.EqualTo(MempoolReasons.Conflict));

        var tip = node.Host.Chain.Tip;
        var block = RegtestMining.Mine(node.Host.MiningModel, tip.Header, tip.Height + 1, spends: [rival]).Block!;
        Assert.That(Accept(node, block), Is.EqualTo(BlockAcceptStatus.ActiveChain));
        Assert.That(node.Host.Mempool.Pool.Count, Is.EqualTo(0), "the block spent the coin the pooled transaction spends");
        Assert.That(node.Host.Mempool.Submit(pooled).Rejection!.Reason, Is.EqualTo(MempoolReasons.MissingInputs));
    }

    [Test, CancelAfter(60_000)]
    public async Task SubmissionsWhileBlocksArriveStayConsistent()
    {
        await using var node = MaturedChain.Open();
        var miner = Task.Run(() => node.Host.Generate(8, MaturedChain.OpTrue));
        // A chain of spends, each of the previous one's output, submitted while blocks are mined and connected.
        var prevout = Coinbase(node, 1);
        long value = 50_00000000;
        int accepted = 0;
        while (!miner.IsCompleted)
        {
            value -= 1_010_000; // the second output and the fee
            var tx = Spend(prevout, value);
            var result = node.Host.Mempool.Submit(tx);
            Assert.That(result.Accepted || result.Rejection!.Reason == MempoolReasons.ChainTooLong, result.Rejection?.ToString());
            if (!result.Accepted) break;
            accepted++;
            prevout = new OutPoint(tx.Txid, 0);
            var tip = node.Host.Chain.Tip;
            node.Host.BuildContent(tip.Height + 1, node.Host.Chain.GetMedianTimePast(tip.Hash)!.Value, MaturedChain.OpTrue, 0);
        }
        await miner;
        Assert.That(accepted, Is.GreaterThan(0));
        // Whatever interleaving happened, the pool is in step with the chain: the next block built from it is valid.
        var last = node.Host.Chain.Tip;
        var content = node.Host.BuildContent(last.Height + 1, node.Host.Chain.GetMedianTimePast(last.Hash)!.Value, MaturedChain.OpTrue, 0);
        var confirmed = Enumerable.Range(1, last.Height).SelectMany(h => node.Host.Chain.GetBlock(node.Host.Chain.GetBlockHash(h)!.Value)!.Transactions).Count(t => !t.IsCoinbase);
        Assert.That(confirmed + content.Transactions.Count - 1, Is.EqualTo(accepted), "every accepted spend is either confirmed or in the next block");
    }
}
