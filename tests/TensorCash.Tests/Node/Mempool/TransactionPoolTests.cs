using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

public class TransactionPoolTests
{
    private TestChain _chain = null!;
    private TransactionPool _pool = null!;

    [SetUp]
    public void SetUp()
    {
        _chain = new TestChain();
        _pool = new TransactionPool(Parameters);
    }

    private void Admit(params Transaction[] transactions)
    {
        foreach (var tx in transactions)
        {
            var result = _chain.Offer(_pool, tx);
            Assert.That(result.Rejection, Is.Null, $"{tx.Txid} must be accepted");
        }
    }

    private static Transaction PayingFee(OutPoint coin, long value, long fee) => Spend(coin, value - fee - 1_000, 1_000);

    [Test]
    public void AcceptReportsTxidAndFeeAndTheEntryIsFoundByTxid()
    {
        var tx = Spend(_chain.Fund(10_000), 5_000, 4_000);
        var result = _chain.Offer(_pool, tx);

        Assert.That((result.Accepted, result.Txid, result.Fee), Is.EqualTo((true, tx.Txid, 1_000L)));
        var entry = _pool.GetEntry(tx.Txid)!;
        Assert.That(entry.Transaction, Is.SameAs(tx));
        Assert.That((entry.Fee, entry.Size, entry.SigOps), Is.EqualTo((1_000L, 71, 0)));
        Assert.That(entry.FeeRate, Is.EqualTo(new FeeRate(14_084)));
        Assert.That(_pool.GetEntry(Spend(_chain.Fund(10_000), 5_000, 4_000).Txid), Is.Null);
    }

    [Test]
    public void InfoTotalsTheEntries()
    {
        var empty = _pool.GetInfo();
        Assert.That(empty, Is.EqualTo(new MempoolInfo(0, 0, 0, MempoolPolicy.DefaultMaxPoolBytes, new FeeRate(1_000), new FeeRate(1_000))));

        var a = Spend(_chain.Fund(10_000), 5_000, 4_000);
        var b = Spend([_chain.Fund(10_000), _chain.Fund(10_000)], [15_000, 2_000]);
        Admit(a, b);
        var info = _pool.GetInfo();
        Assert.That((info.Count, info.Bytes, info.TotalFees), Is.EqualTo((2, (long)(a.SerializedSize + b.SerializedSize), 1_000L + 3_000)));
        Assert.That(_pool.Count, Is.EqualTo(2));
    }

    [Test]
    public void ChainedUnconfirmedSpendsAreAcceptedAndSnapshotInDependencyOrder()
    {
        var parent = Spend(_chain.Fund(100_000), 50_000, 40_000);
        var child = Spend(Out(parent, 1), 20_000, 19_000);
        var grandchild = Spend([Out(child, 0), Out(child, 1), Out(parent, 0)], [80_000, 1_000]);
        Admit(parent, child, grandchild);

        Assert.That(_pool.GetEntry(grandchild.Txid)!.Fee, Is.EqualTo(20_000 + 19_000 + 50_000 - 81_000));
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { parent.Txid, child.Txid, grandchild.Txid }));
        // The parent's outputs are spent within the pool now.
        Assert.That(_chain.Offer(_pool, Spend(Out(parent, 0), 40_000, 9_000)).Rejection?.Reason, Is.EqualTo("txn-mempool-conflict"));
    }

    [Test]
    public void EvictionRemovesTheLowestRatePackageWithItsDescendants()
    {
        // Parent at 2000/kB with a child at 3000/kB: the package is the cheapest thing in the pool.
        var parent = Spend(_chain.Fund(10_000), 5_000, 5_000 - 142);
        var child = Spend(Out(parent), 2_000, 3_000 - 213);
        var other = PayingFee(_chain.Fund(10_000), 10_000, 710);
        _pool = new TransactionPool(Parameters, maxBytes: 3 * 71);
        Admit(parent, child, other);

        var newcomer = PayingFee(_chain.Fund(10_000), 10_000, 700);
        var result = _chain.Offer(_pool, newcomer);

        Assert.That(result.Accepted, Is.True);
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EquivalentTo(new[] { other.Txid, newcomer.Txid }));
        var info = _pool.GetInfo();
        Assert.That((info.Count, info.Bytes, info.TotalFees), Is.EqualTo((2, 142L, 1_410L)));
        // The evicted package paid 355 for 142 bytes: 2500/kB, plus the 1000/kB increment.
        Assert.That(info.MinimumFeeRate, Is.EqualTo(new FeeRate(3_500)));
    }

    [Test]
    public void ACheapParentIsKeptForItsGenerousChild()
    {
        // The parent alone pays 1000/kB, but with its child 10000+/kB: its descendant score is the package's.
        var parent = Spend(_chain.Fund(10_000), 5_000, 5_000 - 71);
        var child = Spend(Out(parent), 2_000, 3_000 - 2_000);
        var medium = PayingFee(_chain.Fund(10_000), 10_000, 355); // 5000/kB
        _pool = new TransactionPool(Parameters, maxBytes: 3 * 71);
        Admit(parent, child, medium);

        Admit(PayingFee(_chain.Fund(10_000), 10_000, 700));
        Assert.That(_pool.Contains(medium.Txid), Is.False);
        Assert.That(_pool.Contains(parent.Txid) && _pool.Contains(child.Txid), Is.True);
    }

    [Test]
    public void ACheapChildIsEvictedBeforeItsParent()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 5_000 - 710);
        var child = Spend(Out(parent), 2_000, 3_000 - 71);
        _pool = new TransactionPool(Parameters, maxBytes: 2 * 71);
        Admit(parent, child);

        Admit(PayingFee(_chain.Fund(10_000), 10_000, 300));
        Assert.That(_pool.Contains(parent.Txid), Is.True);
        Assert.That(_pool.Contains(child.Txid), Is.False);
    }

    [Test]
    public void RollingMinimumDecaysAsBlocksArriveWhileThePoolIsQuiet()
    {
        _pool = new TransactionPool(Parameters, maxBytes: 2 * 71);
        Admit(PayingFee(_chain.Fund(10_000), 10_000, 284), PayingFee(_chain.Fund(10_000), 10_000, 710));
        Admit(PayingFee(_chain.Fund(10_000), 10_000, 500)); // evicts the 4000/kB one
        Assert.That(_pool.GetInfo().MinimumFeeRate, Is.EqualTo(new FeeRate(5_000)));

        // Still full: no decay.
        _pool.BlockConnected([]);
        Assert.That(_pool.GetInfo().MinimumFeeRate, Is.EqualTo(new FeeRate(5_000)));

        // Mining everything empties the pool, and that block starts the decay.
        var mined = _pool.Snapshot().Select(e => e.Transaction).ToArray();
        _pool.BlockConnected(_chain.Mine(mined).Transactions);
        var rates = new List<long>();
        for (int i = 0; i < 4; i++)
        {
            rates.Add(_pool.GetInfo().MinimumFeeRate.PerKilobyte);
            _pool.BlockConnected([]);
        }
        // Halving per block; under half the 1000/kB increment it drops to 0, and the relay minimum shows through.
        Assert.That(rates, Is.EqualTo(new long[] { 2_500, 1_250, 1_000, 1_000 }));
    }

    [Test]
    public void BlockConnectedRemovesItsTransactionsAndKeepsTheirPooledChildren()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 4_000);
        var child = Spend(Out(parent), 2_000, 2_000);
        var unrelated = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Admit(parent, child, unrelated);

        var block = _chain.Mine(parent);
        var conflicts = _pool.BlockConnected(block.Transactions);

        Assert.That(conflicts, Is.Empty);
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { child.Txid, unrelated.Txid }));
        Assert.That(_pool.GetInfo().Bytes, Is.EqualTo(child.SerializedSize + unrelated.SerializedSize));
        // The child now spends a confirmed output and is still mineable.
        var template = _chain.Template(_pool);
        Assert.That(template.Entries.Select(e => e.Txid), Is.EqualTo(new[] { child.Txid, unrelated.Txid }));
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
    }

    [Test]
    public void BlockConnectedRemovesConflictsWithTheirDescendants()
    {
        var coin = _chain.Fund(10_000);
        var pooled = Spend(coin, 5_000, 4_000);
        var child = Spend(Out(pooled), 2_000, 2_000);
        var grandchild = Spend(Out(child), 1_000, 900);
        var bystander = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Admit(pooled, child, grandchild, bystander);

        var doubleSpend = Spend(coin, 3_000, 3_000);
        var conflicts = _pool.BlockConnected(_chain.Mine(doubleSpend).Transactions);

        Assert.That(conflicts.Select(t => t.Txid), Is.EquivalentTo(new[] { pooled.Txid, child.Txid, grandchild.Txid }));
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { bystander.Txid }));
        Assert.That(_pool.GetInfo().TotalFees, Is.EqualTo(1_000));
        // The confirmed double spend's outputs are spendable by newcomers.
        Assert.That(_chain.Offer(_pool, Spend(Out(doubleSpend), 1_000, 1_000)).Accepted, Is.True);
    }

    [Test]
    public void RemovingADescendantFreesItsAncestorsDescendantLimit()
    {
        var parent = Spend([_chain.Fund(400_000)], Enumerable.Repeat(10_000L, 30).ToArray());
        Admit(parent);
        for (uint i = 0; i < MempoolPolicy.MaxDescendantCount - 2; i++) Admit(Spend(Out(parent, i), 5_000, 4_000));
        var confirmedElsewhere = _chain.Fund(10_000);
        var conflicted = Spend([Out(parent, 28), confirmedElsewhere], [10_000, 9_000]);
        Admit(conflicted);
        Assert.That(_chain.Offer(_pool, Spend(Out(parent, 29), 5_000, 4_000)).Rejection?.Reason, Is.EqualTo("too-long-mempool-chain"));

        Assert.That(_pool.BlockConnected(_chain.Mine(Spend(confirmedElsewhere, 5_000, 4_000)).Transactions).Single(), Is.SameAs(conflicted));
        Admit(Spend(Out(parent, 29), 5_000, 4_000));
    }

    [Test]
    public void RemovingAGenerousChildLeavesItsParentToBeEvictedAtItsOwnRate()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 5_000 - 71);                         // 1000/kB alone
        var confirmedElsewhere = _chain.Fund(10_000);
        var child = Spend([Out(parent), confirmedElsewhere], [6_000, 7_000]);                // 2000 for 112 bytes
        var medium = PayingFee(_chain.Fund(10_000), 10_000, 355);                           // 5000/kB
        _pool = new TransactionPool(Parameters, maxBytes: 71 + 112 + 71);
        Admit(parent, child, medium);
        _pool.BlockConnected(_chain.Mine(Spend(confirmedElsewhere, 5_000, 4_000)).Transactions);

        var newcomer = Spend([_chain.Fund(10_000), _chain.Fund(10_000), _chain.Fund(10_000)], [20_000, 8_470]); // 1530 for 153 bytes
        Admit(newcomer);
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { medium.Txid, newcomer.Txid }));
    }

    [Test]
    public void DisconnectedTransactionsReturnAndTheirPooledChildrenFollowThem()
    {
        var parent = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Admit(parent);
        var block = _chain.Mine(parent);
        _pool.BlockConnected(block.Transactions);
        var child = Spend(Out(parent), 2_000, 2_000);
        Admit(child);
        Assert.That(_pool.Count, Is.EqualTo(1));

        var disconnected = _chain.DisconnectTip();
        var dropped = _pool.BlocksDisconnected(disconnected.Transactions, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt);

        Assert.That(dropped, Is.Empty);
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { parent.Txid, child.Txid }));
        // The parent is unconfirmed again, so the child's coin is spent within the pool.
        Assert.That(_chain.Offer(_pool, Spend(Out(parent), 1_000, 1_000)).Rejection?.Reason, Is.EqualTo("txn-mempool-conflict"));
        var template = _chain.Template(_pool);
        Assert.That(template.Entries.Select(e => e.Txid), Is.EqualTo(new[] { parent.Txid, child.Txid }));
        Assert.That(_chain.Connect(ToBlock(template)), Is.Null);
    }

    [Test]
    public void AReorganisationDropsWhatTheNewChainInvalidates()
    {
        var coin = _chain.Fund(10_000);
        var onOldBranch = Spend(coin, 5_000, 4_000);
        var oldBlock = _chain.Mine(onOldBranch);
        _pool.BlockConnected(oldBlock.Transactions);
        var childOfOld = Spend(Out(onOldBranch), 2_000, 2_000);
        var bystander = Spend(_chain.Fund(10_000), 5_000, 4_000);
        Admit(childOfOld, bystander);

        // The new branch spends the coin differently.
        var disconnected = _chain.DisconnectTip();
        var rival = Spend(coin, 3_000, 3_000);
        Assert.That(_pool.BlockConnected(_chain.Mine(rival).Transactions), Is.Empty);
        var dropped = _pool.BlocksDisconnected(disconnected.Transactions, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt);

        Assert.That(dropped.Select(t => t.Txid), Is.EquivalentTo(new[] { onOldBranch.Txid, childOfOld.Txid }));
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { bystander.Txid }));
        Assert.That(_pool.GetInfo().Bytes, Is.EqualTo(bystander.SerializedSize));
    }

    [Test]
    public void TransactionsConfirmedOnBothBranchesAreNotReAdded()
    {
        var tx = Spend(_chain.Fund(10_000), 5_000, 4_000);
        var oldBlock = _chain.Mine(tx);
        _chain.DisconnectTip();
        _chain.Mine(tx);

        Assert.That(_pool.BlocksDisconnected(oldBlock.Transactions, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt).Single(), Is.SameAs(tx));
        Assert.That(_pool.Count, Is.Zero);
    }

    [Test]
    public void AReorganisationToALowerTipDropsTransactionsNoLongerFinal()
    {
        var lockedToTip = Spend([_chain.Fund(10_000)], [5_000, 4_000], sequence: 0, lockTime: (uint)_chain.TipHeight);
        _chain.Mine();
        _pool.BlockConnected([]);
        var lockedToNewTip = Spend([_chain.Fund(10_000)], [5_000, 4_000], sequence: 0, lockTime: (uint)_chain.TipHeight);
        Admit(lockedToTip, lockedToNewTip);

        _chain.DisconnectTip();
        var dropped = _pool.BlocksDisconnected([], _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt);

        Assert.That(dropped.Select(t => t.Txid), Is.EqualTo(new[] { lockedToNewTip.Txid }));
        Assert.That(_pool.Snapshot().Select(e => e.Txid), Is.EqualTo(new[] { lockedToTip.Txid }));
    }

    [Test]
    public void ReAddedTransactionsAreNotHeldToTheFeeMinimum()
    {
        // Mined by someone else with a fee below the relay minimum; after a reorg it still belongs in the pool.
        var cheap = Spend(_chain.Fund(10_000), 5_000, 4_990);
        Assert.That(_chain.Offer(_pool, cheap).Rejection?.Reason, Is.EqualTo("min relay fee not met"));
        var block = _chain.Mine(cheap);
        _chain.DisconnectTip();

        Assert.That(_pool.BlocksDisconnected(block.Transactions, _chain.Coins, _chain.NextHeight, _chain.MedianTimePast, MedianTimePastAt), Is.Empty);
        Assert.That(_pool.Contains(cheap.Txid), Is.True);
    }

    [Test]
    public void ConcurrentCallersSeeOneConsistentPool()
    {
        const int count = 200;
        var coins = Enumerable.Range(0, count).Select(_ => _chain.Fund(10_000)).ToArray();
        var transactions = coins.Select(c => Spend(c, 5_000, 4_000)).ToArray();
        var readerFailures = new List<string>();
        var readers = Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                var info = _pool.GetInfo();
                var snapshot = _pool.Snapshot();
                if (info.Count > count || snapshot.Zip(snapshot.Skip(1)).Any(p => p.First.Sequence >= p.Second.Sequence))
                    readerFailures.Add($"read {i}: {info.Count} entries, snapshot out of order");
            }
        });
        var results = new MempoolAcceptResult[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => results[i] = _chain.Offer(_pool, transactions[i]));
        readers.Wait();

        Assert.That(readerFailures, Is.Empty);
        Assert.That(results.All(r => r.Accepted), Is.True);
        var final = _pool.GetInfo();
        Assert.That((final.Count, final.Bytes, final.TotalFees), Is.EqualTo((count, 71L * count, 1_000L * count)));
    }
}
