using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

public class ChainStateTests
{
    /// <summary>Heights 1..100: after them the coinbase of block 1 is mature (regtest maturity is 100).</summary>
    private static readonly RegtestChain Matured = new RegtestChain().MineEmpty(100);

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchDirectory();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private ChainState Open(Func<Block, int, RuleViolation?>? checkProof = null) =>
        new(_scratch.Path, RegtestChain.Parameters, checkProof is null ? (_, _, _) => null : (block, height, _) => checkProof(block, height));

    private static void AcceptAll(ChainState chainState, IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            var result = chainState.AcceptBlock(block, RegtestChain.Now);
            Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain).Or.EqualTo(BlockAcceptStatus.SideChain), result.ToString());
        }
    }

    /// <summary>A chainstate already holding <see cref="Matured"/>, and a branch to extend from its tip.</summary>
    [Test]
    public void TheDatadirIsTheOwnersAlone()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("Unix permissions");
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(_scratch.Path, (UnixFileMode)0b111_101_101); // 0755, as a default umask leaves it
        using var chainState = Open();
        Assert.That(File.GetUnixFileMode(_scratch.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    private (ChainState ChainState, RegtestChain Main) OpenMatured()
    {
        var chainState = Open();
        AcceptAll(chainState, Matured.Blocks.Skip(1));
        return (chainState, Matured.ForkAt(100, 0));
    }

    private static IReadOnlyDictionary<OutPoint, Coin> UtxoSet(ChainState chainState) => chainState.GetUtxoSet().ToDictionary();

    private static List<Block> ActiveChain(ChainState chainState)
    {
        var blocks = new List<Block>();
        for (int height = 1; chainState.GetBlockHash(height) is { } hash; height++) blocks.Add(chainState.GetBlock(hash)!);
        return blocks;
    }

    /// <summary>The stored UTXO set is exactly what connecting the active chain from scratch gives.</summary>
    private static void AssertUtxoSetMatchesReplay(ChainState chainState)
    {
        var replayed = RegtestChain.Replay(ActiveChain(chainState));
        Assert.That(UtxoSet(chainState), Is.EquivalentTo(replayed));
        Assert.That(chainState.GetUtxoStats(), Is.EqualTo(new UtxoStats(replayed.Count, replayed.Values.Sum(c => c.Output.Value))));
    }

    /// <summary>
    /// Ten blocks after maturity, each spending the coinbase that just matured and the previous block's change, so
    /// the UTXO set sees creations, spends of old coins and spends of coins one block old.
    /// </summary>
    private static List<Block> MineTenWithSpends(RegtestChain chain)
    {
        var blocks = new List<Block>();
        (OutPoint, long)? change = null;
        for (int i = 0; i < 10; i++)
        {
            var spent = new List<(OutPoint, long)> { chain.Coinbase(chain.Height + 1 - 100) };
            if (change is { } previous) spent.Add(previous);
            var tx = RegtestChain.Spend(spent, outputs: 3);
            blocks.Add(chain.Mine(tx));
            change = RegtestChain.Output(tx, 1);
        }
        return blocks;
    }

    [Test]
    public void ANewDatadirStartsAtGenesisWithAnEmptyUtxoSet()
    {
        using var chainState = Open();
        var genesis = RegtestChain.Parameters.Genesis;
        Assert.That(chainState.Tip.Hash, Is.EqualTo(genesis.Header.Hash));
        Assert.That(chainState.Tip.Height, Is.Zero);
        Assert.That(chainState.Tip.ChainWork, Is.EqualTo(ChainWork.ForBits(genesis.Header.Bits)));
        Assert.That(chainState.GetBlockHash(0), Is.EqualTo(genesis.Header.Hash));
        Assert.That(chainState.GetBlockHash(1), Is.Null);
        Assert.That(chainState.GetBlock(genesis.Header.Hash)!.Serialize(), Is.EqualTo(genesis.Serialize()));
        // As in Bitcoin, the genesis coinbase never enters the UTXO set.
        Assert.That(chainState.GetCoin(new OutPoint(genesis.Transactions[0].Txid, 0)), Is.Null);
        Assert.That(chainState.GetUtxoStats(), Is.EqualTo(new UtxoStats(0, 0)));
    }

    [Test]
    public void TenBlocksWithSpendsConnectAndSurviveARestart()
    {
        var (chainState, main) = OpenMatured();
        ChainTip tip;
        IReadOnlyDictionary<OutPoint, Coin> utxos;
        using (chainState)
        {
            AcceptAll(chainState, MineTenWithSpends(main));
            tip = chainState.Tip;
            Assert.That(tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
            Assert.That(tip.Height, Is.EqualTo(110));
            Assert.That(tip.ChainWork, Is.EqualTo(Enumerable.Range(0, 111).Aggregate(System.Numerics.BigInteger.Zero,
                (sum, h) => sum + ChainWork.ForBits(main.Blocks[h].Header.Bits))));
            utxos = UtxoSet(chainState);
            // 110 coinbases, of which the first 10 were spent; each block's 3 outputs minus the change spent by the next.
            Assert.That(utxos, Has.Count.EqualTo(100 + 3 * 10 - 9));
            AssertUtxoSetMatchesReplay(chainState);
        }
        using var reopened = Open();
        Assert.That(reopened.Tip, Is.EqualTo(tip));
        Assert.That(UtxoSet(reopened), Is.EquivalentTo(utxos));
        for (int height = 0; height <= 110; height++) Assert.That(reopened.GetBlockHash(height), Is.EqualTo(main.Blocks[height].Header.Hash));
        Assert.That(reopened.GetHeader(main.Blocks[50].Header.Hash), Is.EqualTo(main.Blocks[50].Header));
        Assert.That(reopened.GetBlockStatus(main.Tip.Header.Hash),
            Is.EqualTo(BlockStatus.HeaderValid | BlockStatus.DataStored | BlockStatus.ConnectedValid));
    }

    [Test]
    public void MedianTimePastIsTheMedianOfTheLastElevenBlockTimes()
    {
        var (chainState, main) = OpenMatured();
        using (chainState)
        {
            var expected = main.Blocks.Skip(90).Select(b => (long)b.Header.Time).Order().ElementAt(5);
            Assert.That(chainState.GetMedianTimePast(chainState.Tip.Hash), Is.EqualTo(expected));
            Assert.That(chainState.GetMedianTimePast(RegtestChain.Parameters.Genesis.Header.Hash), Is.EqualTo(RegtestChain.Parameters.Genesis.Header.Time));
            Assert.That(chainState.GetMedianTimePast(Hashes.Sha256d([1])), Is.Null);
        }
    }

    [Test]
    public void AReorgToAHeavierForkLeavesExactlyTheForksUtxoSetAndCanGoBack()
    {
        var (chainState, main) = OpenMatured();
        using var _ = chainState;
        var disconnected = new List<int>();
        var connected = new List<int>();
        var tips = new List<ChainTip>();
        chainState.BlockDisconnected += (_, height) => disconnected.Add(height);
        chainState.BlockConnected += (_, height) => connected.Add(height);
        chainState.TipChanged += tips.Add;

        // Old branch (heights 101..103): spends the coinbases of heights 1 and 2 and chains its own outputs.
        var oldSpend1 = RegtestChain.Spend([main.Coinbase(1)]);
        var oldSpend2 = RegtestChain.Spend([main.Coinbase(2), RegtestChain.Output(oldSpend1, 0)]);
        var fork = main.ForkAt(100, branch: 1);
        main.Mine(oldSpend1);
        main.Mine(oldSpend2);
        main.Mine(RegtestChain.Spend([RegtestChain.Output(oldSpend2, 1)]));
        AcceptAll(chainState, main.Blocks.Skip(101));
        Assert.That(chainState.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        var oldUtxos = UtxoSet(chainState);

        // New branch (heights 101..104): spends the coinbase of height 1 differently (a conflict with the old branch),
        // then in each block an output of the block before, and the coinbase of height 3.
        var newSpend1 = RegtestChain.Spend([main.Coinbase(1)], outputs: 3);
        var newSpend2 = RegtestChain.Spend([RegtestChain.Output(newSpend1, 2)]);
        var newSpend3 = RegtestChain.Spend([RegtestChain.Output(newSpend2, 0), main.Coinbase(3)]);
        var newSpend4 = RegtestChain.Spend([RegtestChain.Output(newSpend3, 1), RegtestChain.Output(newSpend1, 0)]);
        fork.Mine(newSpend1);
        fork.Mine(newSpend2);
        fork.Mine(newSpend3);
        disconnected.Clear();
        connected.Clear();
        tips.Clear();
        foreach (var block in fork.Blocks.Skip(101))
            Assert.That(chainState.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.SideChain), "equal work does not switch");
        Assert.That(chainState.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        Assert.That(tips, Is.Empty);

        var heavier = fork.Mine(newSpend4);
        var switched = chainState.AcceptBlock(heavier, RegtestChain.Now);
        Assert.That(switched.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain), switched.ToString());
        Assert.That(chainState.Tip.Hash, Is.EqualTo(fork.Tip.Header.Hash));
        Assert.That(disconnected, Is.EqualTo(new[] { 103, 102, 101 }));
        Assert.That(connected, Is.EqualTo(new[] { 101, 102, 103, 104 }));
        Assert.That(tips.Select(t => t.Hash), Is.EqualTo(new[] { fork.Tip.Header.Hash }));
        for (int height = 101; height <= 104; height++) Assert.That(chainState.GetBlockHash(height), Is.EqualTo(fork.Blocks[height].Header.Hash));
        AssertUtxoSetMatchesReplay(chainState);
        Assert.That(chainState.GetCoin(main.Coinbase(2).OutPoint), Is.Not.Null, "the old branch's spend of coinbase 2 is undone");
        Assert.That(chainState.GetCoin(RegtestChain.Output(oldSpend2, 0).OutPoint), Is.Null);

        // The old branch overtakes again: back to it, with its UTXO set exactly as before plus its new block.
        var old104 = main.Mine();
        var old105 = main.Mine();
        Assert.That(chainState.AcceptBlock(old104, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.SideChain));
        Assert.That(chainState.AcceptBlock(old105, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        Assert.That(chainState.Tip.Hash, Is.EqualTo(old105.Header.Hash));
        AssertUtxoSetMatchesReplay(chainState);
        var expected = oldUtxos.ToDictionary();
        foreach (var block in new[] { old104, old105 }) expected.Add(new OutPoint(block.Transactions[0].Txid, 0), new Coin(block.Transactions[0].Outputs[0], block == old104 ? 104 : 105, true));
        Assert.That(UtxoSet(chainState), Is.EquivalentTo(expected));
    }

    [Test]
    public void AHeavierForkWhoseBlockFailsToConnectIsMarkedAndTheValidChainStays()
    {
        var (chainState, main) = OpenMatured();
        using var _ = chainState;
        var fork = main.ForkAt(100, branch: 1);
        main.Mine(RegtestChain.Spend([main.Coinbase(1)]));
        main.Mine();
        AcceptAll(chainState, main.Blocks.Skip(101));
        var utxos = UtxoSet(chainState);
        var tips = new List<ChainTip>();
        chainState.TipChanged += tips.Add;

        // Fork: a valid block, then one spending a coin that does not exist (passes the block rules, fails to connect), then one more.
        var good = fork.Mine();
        var bad = fork.Mine(RegtestChain.Spend([(new OutPoint(Hashes.Sha256d([42]), 0), 1000)]));
        var afterBad = fork.Mine();
        Assert.That(chainState.AcceptBlock(good, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.SideChain));
        Assert.That(chainState.AcceptBlock(bad, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.SideChain), "not tried until its chain has more work");
        var result = chainState.AcceptBlock(afterBad, RegtestChain.Now);

        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        Assert.That(result.Violation!.Reason, Is.EqualTo("bad-prevblk"));
        Assert.That(result.Violation.Message, Does.Contain(bad.Header.Hash.ToString()).And.Contain("bad-txns-inputs-missingorspent"));
        Assert.That(chainState.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        Assert.That(tips, Is.Empty, "the tip came back to where it was");
        Assert.That(UtxoSet(chainState), Is.EquivalentTo(utxos));
        Assert.That(chainState.GetBlockStatus(bad.Header.Hash)!.Value.HasFlag(BlockStatus.Failed));
        Assert.That(chainState.GetBlockStatus(afterBad.Header.Hash)!.Value.HasFlag(BlockStatus.FailedAncestor));
        Assert.That(chainState.GetBlockStatus(good.Header.Hash), Is.EqualTo(BlockStatus.HeaderValid | BlockStatus.DataStored | BlockStatus.ConnectedValid));

        // Failure marks persist: the fork is not retried after a restart, and its blocks are refused.
        chainState.Dispose();
        using var reopened = Open();
        Assert.That(reopened.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        Assert.That(reopened.GetBlockStatus(bad.Header.Hash)!.Value.HasFlag(BlockStatus.Failed));
        Assert.That(reopened.AcceptBlock(fork.Mine(), RegtestChain.Now).Violation!.Reason, Is.EqualTo("bad-prevblk"));
    }

    [Test]
    public void ASubmittedBlockThatFailsToConnectReportsItsOwnViolation()
    {
        var (chainState, main) = OpenMatured();
        using var _ = chainState;
        var fork = main.ForkAt(100, branch: 1);
        AcceptAll(chainState, [main.Mine()]);
        var sibling = fork.Mine();
        Assert.That(chainState.AcceptBlock(sibling, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.SideChain));

        // Spends coinbase 101 of its own branch: immature.
        var bad = fork.Mine(RegtestChain.Spend([fork.Coinbase(101)]));
        var result = chainState.AcceptBlock(bad, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        Assert.That(result.Violation!.Reason, Is.EqualTo("bad-txns-premature-spend-of-coinbase"));
        Assert.That(chainState.GetBlockStatus(bad.Header.Hash)!.Value.HasFlag(BlockStatus.Failed));
        // Of the two equal-work chains left, the one stored first is active again.
        Assert.That(chainState.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        AssertUtxoSetMatchesReplay(chainState);
    }

    [Test]
    public void ADuplicateBlockIsRejected()
    {
        using var chainState = Open();
        var chain = new RegtestChain();
        var block = chain.Mine();
        Assert.That(chainState.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        var again = chainState.AcceptBlock(block, RegtestChain.Now);
        Assert.That(again.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(again.Violation!.Reason, Is.EqualTo("duplicate"));
        Assert.That(chainState.AcceptBlock(RegtestChain.Parameters.Genesis, RegtestChain.Now).Violation!.Reason, Is.EqualTo("duplicate"));
    }

    [Test]
    public void AFailedBlockSubmittedAgainIsRejectedAsDuplicateInvalid()
    {
        var (chainState, main) = OpenMatured();
        using var _ = chainState;
        var bad = main.Mine(RegtestChain.Spend([(new OutPoint(Hashes.Sha256d([7]), 0), 5)]));
        var first = chainState.AcceptBlock(bad, RegtestChain.Now);
        Assert.That(first.Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        Assert.That(first.Violation!.Reason, Is.EqualTo("bad-txns-inputs-missingorspent"));
        var again = chainState.AcceptBlock(bad, RegtestChain.Now);
        Assert.That(again.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(again.Violation!.Reason, Is.EqualTo("duplicate-invalid"));
    }

    [Test]
    public void ABlockWithAnUnknownParentIsRejectedAndNotStored()
    {
        using var chainState = Open();
        var chain = new RegtestChain();
        chain.Mine();
        var orphan = chain.Mine();
        var result = chainState.AcceptBlock(orphan, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo("prev-blk-not-found"));
        Assert.That(chainState.GetBlock(orphan.Header.Hash), Is.Null);
        // Once the parent arrives the same block is accepted: no orphan was remembered.
        AcceptAll(chainState, chain.Blocks.Skip(1));
        Assert.That(chainState.Tip.Height, Is.EqualTo(2));
    }

    [Test]
    public void AChildOfAFailedBlockIsRejectedAsBadPrevblk()
    {
        var (chainState, main) = OpenMatured();
        using var _ = chainState;
        var bad = main.Mine(RegtestChain.Spend([(new OutPoint(Hashes.Sha256d([7]), 0), 5)]));
        Assert.That(chainState.AcceptBlock(bad, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        var child = main.Mine();
        var result = chainState.AcceptBlock(child, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo("bad-prevblk"));
        Assert.That(chainState.GetBlock(child.Header.Hash), Is.Null);
    }

    [Test]
    public void HeaderRuleViolationsRejectTheBlockWithoutStoringIt()
    {
        using var chainState = Open();
        var chain = new RegtestChain();
        var good = chain.Mine();
        // A header more than two hours ahead of the node's clock: the header rules run with the given adjusted time.
        var result = chainState.AcceptBlock(good, good.Header.Time - RegtestChain.Parameters.MaxFutureBlockTimeSeconds - 1);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo("time-too-new"));
        Assert.That(chainState.GetBlock(good.Header.Hash), Is.Null);
        // Not remembered as failed: the same block is fine once the clock has caught up.
        Assert.That(chainState.AcceptBlock(good, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
    }

    [Test]
    public void TheHeaderContextCarriesTheParentsMedianTimePast()
    {
        using var chainState = Open();
        var chain = new RegtestChain().MineEmpty(11);
        AcceptAll(chainState, chain.Blocks.Skip(1));
        long medianTimePast = chainState.GetMedianTimePast(chain.Tip.Header.Hash)!.Value;
        var template = RegtestChain.Build(chain.Tip.Header, 12, []);
        var atMedian = RegtestChain.Seal(template.Header with { Time = (uint)medianTimePast, Nonce = 0 }, template.Transactions);
        Assert.That(chainState.AcceptBlock(atMedian, RegtestChain.Now).Violation!.Reason, Is.EqualTo("time-too-old"));
    }

    [Test]
    public void BlockRuleViolationsRejectTheBlockWithoutMarkingItsHash()
    {
        using var chainState = Open();
        var chain = new RegtestChain();
        var good = chain.Mine();
        // The same header with a transaction list that does not match its Merkle root (tampered in transit).
        var extra = RegtestChain.Spend([(new OutPoint(Hashes.Sha256d([3]), 0), 1)]);
        var tampered = new Block(good.Header, good.VdfProof, [.. good.Transactions, extra], good.Proof);
        var result = chainState.AcceptBlock(tampered, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo("bad-txnmrklroot"));
        Assert.That(chainState.AcceptBlock(good, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
    }

    [Test]
    public void ContextualBlockRuleViolationsRejectTheBlock()
    {
        using var chainState = Open();
        // A coinbase that claims height 2 in a block at height 1.
        var misplaced = RegtestChain.Build(RegtestChain.Parameters.Genesis.Header, 2, []);
        var result = chainState.AcceptBlock(misplaced, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo("bad-cb-height"));
    }

    [Test]
    public void TheProofCheckSeesEveryBlockWithItsHeightAndCanReject()
    {
        var seen = new List<(Hash256, int)>();
        var chain = new RegtestChain().MineEmpty(3);
        var refused = chain.Blocks[3].Header.Hash;
        using var chainState = Open((block, height) =>
        {
            seen.Add((block.Header.Hash, height));
            return block.Header.Hash == refused ? new RuleViolation("bad-proof-test", "refused by the test") : null;
        });
        AcceptAll(chainState, chain.Blocks.Skip(1).Take(2));
        var result = chainState.AcceptBlock(chain.Blocks[3], RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo("bad-proof-test"));
        Assert.That(chainState.GetBlock(refused), Is.Null);
        Assert.That(chainState.Tip.Height, Is.EqualTo(2));
        Assert.That(seen, Is.EqualTo(new[] { (chain.Blocks[1].Header.Hash, 1), (chain.Blocks[2].Header.Hash, 2), (refused, 3) }));
    }

    [Test]
    public void AStoredBlockThatWasNeverConnectedIsConnectedAtTheNextOpen()
    {
        var chain = new RegtestChain().MineEmpty(2);
        using (var chainState = Open()) AcceptAll(chainState, [chain.Blocks[1]]);
        // Simulates a crash between storing block 2 and connecting it.
        var block = chain.Blocks[2];
        using (var database = ChainDatabase.Open(Path.Combine(_scratch.Path, ChainDatabase.FileName)))
        using (var batch = database.BeginWrite())
        {
            var parent = database.ReadBlockIndex().Single(r => r.Height == 1);
            batch.AddBlock(new BlockIndexRecord(block.Header.Hash, block.Header, 2, parent.ChainWork + ChainWork.ForBits(block.Header.Bits),
                BlockStatus.HeaderValid | BlockStatus.DataStored, parent.Sequence + 1), block);
            batch.Commit();
        }
        using var reopened = Open();
        Assert.That(reopened.Tip.Hash, Is.EqualTo(block.Header.Hash));
        AssertUtxoSetMatchesReplay(reopened);
    }

    [Test]
    public void ADatadirOfAnotherNetworkIsRefused()
    {
        using (Open()) { }
        Assert.That(() => new ChainState(_scratch.Path, ChainParams.Testnet, (_, _, _) => null),
            Throws.TypeOf<NodeStorageException>().With.Message.Contains("holds the Regtest chain").And.Message.Contains("runs Testnet"));
    }

    [Test]
    public void ACorruptDatabaseFileIsAClearError()
    {
        File.WriteAllText(Path.Combine(_scratch.Path, ChainDatabase.FileName), "this is not a database, just some text that is long enough to be read as a header");
        Assert.That(() => Open(), Throws.TypeOf<NodeStorageException>().With.Message.Contains(ChainDatabase.FileName).And.Message.Contains("not a SQLite database"));
    }

    [Test]
    public void ADatadirThatCannotBeCreatedIsAClearError()
    {
        var file = Path.Combine(_scratch.Path, "a-file");
        File.WriteAllText(file, "");
        Assert.That(() => new ChainState(Path.Combine(file, "datadir"), RegtestChain.Parameters, (_, _, _) => null),
            Throws.TypeOf<NodeStorageException>().With.Message.Contains("cannot create the datadir"));
    }
}
