using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
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

/// <summary>The UTXO-set commitment (issue 12 item 4): kept per block, checked at start and by VerifyChain, rebuilt by a reindex.</summary>
public class ChainStateIntegrityTests
{
    private static readonly RegtestChain Matured = new RegtestChain().MineEmpty(100);

    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchDirectory();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private string DatabasePath => Path.Combine(_scratch.Path, ChainDatabase.FileName);

    private ChainState Open(bool reindex = false, Action<string>? progress = null) =>
        new(_scratch.Path, RegtestChain.Parameters, (_, _, _) => null, reindex, progress);

    /// <summary>The matured chain and ten blocks spending coins, so the set has creations and spends.</summary>
    private static List<Block> Blocks()
    {
        var chain = Matured.ForkAt(100, 0);
        var blocks = Matured.Blocks.Skip(1).ToList();
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

    private static readonly List<Block> Chain110 = Blocks();

    private static void AcceptAll(ChainState chainState, IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
            Assert.That(chainState.AcceptBlock(block, RegtestChain.Now).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
    }

    private void Raw(string sql, Action<SqliteCommand>? parameters = null)
    {
        using var raw = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        raw.Open();
        using var command = raw.CreateCommand();
        command.CommandText = sql;
        parameters?.Invoke(command);
        Assert.That(command.ExecuteNonQuery(), Is.GreaterThanOrEqualTo(1), sql);
    }

    [Test]
    public void TheCommitmentIsTheHashOfTheStoredSetAndOfTheEmptySetAtGenesis()
    {
        using var chainState = Open();
        Assert.That(chainState.GetUtxoCommitment(), Is.EqualTo(new UtxoCommitment().Digest()));
        AcceptAll(chainState, Chain110);
        Assert.That(chainState.GetUtxoCommitment(), Is.EqualTo(UtxoCommitment.Of(chainState.GetUtxoSet()).Digest()));
        Assert.That(chainState.GetUtxoCommitment(), Is.EqualTo(UtxoCommitment.Of(RegtestChain.Replay(Chain110)).Digest()));
        var result = chainState.VerifyChain(0);
        Assert.That(result, Is.EqualTo(new VerifyChainResult(true, 110, null)));
        Assert.That(chainState.VerifyChain(6), Is.EqualTo(new VerifyChainResult(true, 6, null)));
    }

    [Test]
    public void AnEditedUtxoValueIsCaughtAtStartWithTheFileNamed()
    {
        using (var chainState = Open()) AcceptAll(chainState, Chain110);
        // The attack of issue 12: a coin's value raised in the file, which still passes SQLite's integrity_check.
        Raw("UPDATE utxo SET value = value + 1000000000 WHERE txid IN (SELECT txid FROM utxo LIMIT 1)");
        Assert.That(() => Open(), Throws.TypeOf<NodeStorageException>()
            .With.Message.Contains(DatabasePath).And.Message.Contains("does not match its commitment"));

        // A reindex rebuilds the set from the blocks, which repairs it.
        using var repaired = Open(reindex: true);
        Assert.That(repaired.GetUtxoSet().ToDictionary(), Is.EquivalentTo(RegtestChain.Replay(Chain110)));
        Assert.That(repaired.VerifyChain(0).Valid, Is.True);
    }

    [Test]
    public void AnAddedOrDeletedCoinIsCaughtAtStart()
    {
        using (var chainState = Open()) AcceptAll(chainState, Chain110);
        Raw("DELETE FROM utxo WHERE txid IN (SELECT txid FROM utxo LIMIT 1)");
        Assert.That(() => Open(), Throws.TypeOf<NodeStorageException>().With.Message.Contains(DatabasePath).And.Message.Contains("does not match its commitment"));
    }

    [Test]
    public void VerifyChainCatchesAStoredCommitmentThatDisconnectingDoesNotReproduce()
    {
        using (var chainState = Open()) AcceptAll(chainState, Chain110);
        // The commitment stored for height 105 replaced by height 104's: the tip (and so the start check) is untouched.
        var at104 = Chain110[103].Header.Hash.ToArray();
        var at105 = Chain110[104].Header.Hash.ToArray();
        Raw("UPDATE utxo_commitments SET data = (SELECT data FROM utxo_commitments WHERE hash = $from) WHERE hash = $to", command =>
        {
            command.Parameters.AddWithValue("$from", at104);
            command.Parameters.AddWithValue("$to", at105);
        });
        using var reopened = Open();
        Assert.That(reopened.VerifyChain(3).Valid, Is.True, "blocks 108-110 do not reach it");
        var result = reopened.VerifyChain(10);
        Assert.That(result.Valid, Is.False);
        Assert.That(result.Error, Does.Contain(DatabasePath).And.Contain("does not give the stored UTXO commitment"));
    }

    [Test]
    public void VerifyChainCatchesMissingUndoData()
    {
        using (var chainState = Open()) AcceptAll(chainState, Chain110);
        Raw("DELETE FROM undo WHERE hash = $hash", command => command.Parameters.AddWithValue("$hash", Chain110[107].Header.Hash.ToArray()));
        using var reopened = Open();
        var result = reopened.VerifyChain(6);
        Assert.That(result.Valid, Is.False);
        Assert.That(result.Error, Does.Contain("has no undo data"));
        Assert.That(result.BlocksChecked, Is.EqualTo(2));
    }

    [Test]
    public void ConnectingThenDisconnectingGivesBackTheCommitmentBefore()
    {
        using var chainState = Open();
        AcceptAll(chainState, Chain110.Take(100));
        var before = chainState.GetUtxoCommitment();
        AcceptAll(chainState, Chain110.Skip(100));
        Assert.That(chainState.GetUtxoCommitment(), Is.Not.EqualTo(before));
        Assert.That(chainState.InvalidateBlock(Chain110[100].Header.Hash, new RuleViolation("test", "disconnect back to 100")), Is.True);
        Assert.That(chainState.Tip.Height, Is.EqualTo(100));
        Assert.That(chainState.GetUtxoCommitment(), Is.EqualTo(before));
        Assert.That(chainState.VerifyChain(0).Valid, Is.True);
    }

    [Test]
    public void AReindexReproducesTheSameSetAndCommitment()
    {
        IReadOnlyDictionary<OutPoint, Coin> utxos;
        Hash256 commitment;
        ChainTip tip;
        using (var chainState = Open())
        {
            AcceptAll(chainState, Chain110);
            utxos = chainState.GetUtxoSet().ToDictionary();
            commitment = chainState.GetUtxoCommitment();
            tip = chainState.Tip;
        }
        var lines = new List<string>();
        using (var reindexed = Open(reindex: true, progress: lines.Add))
        {
            Assert.That(reindexed.Tip, Is.EqualTo(tip));
            Assert.That(reindexed.GetUtxoSet().ToDictionary(), Is.EquivalentTo(utxos));
            Assert.That(reindexed.GetUtxoCommitment(), Is.EqualTo(commitment));
            Assert.That(reindexed.VerifyChain(0), Is.EqualTo(new VerifyChainResult(true, 110, null)));
            Assert.That(reindexed.GetBlockStatus(tip.Hash)!.Value.HasFlag(BlockStatus.ConnectedValid));
        }
        Assert.That(lines, Has.Some.Contains("connecting 110 stored blocks").And.Some.Contains("connected height 110 of 110"));
        using var reopened = Open();
        Assert.That(reopened.GetUtxoCommitment(), Is.EqualTo(commitment));
    }

    [Test]
    public void ASchema2DatadirIsUpgradedInPlaceWithTheTipsCommitment()
    {
        Hash256 commitment;
        using (var chainState = Open())
        {
            AcceptAll(chainState, Chain110);
            commitment = chainState.GetUtxoCommitment();
        }
        // What a node before the commitment wrote: no commitment table, schema version 2.
        Raw("DROP TABLE utxo_commitments; UPDATE meta SET value = 2 WHERE key = 'schema_version'");
        using (var upgraded = Open())
        {
            Assert.That(upgraded.GetUtxoCommitment(), Is.EqualTo(commitment));
            // Only the tip has a stored commitment after the upgrade: the check of the blocks below it still passes.
            Assert.That(upgraded.VerifyChain(10).Valid, Is.True);
            // A disconnect stores the parent's.
            Assert.That(upgraded.InvalidateBlock(Chain110[109].Header.Hash, new RuleViolation("test", "disconnect")), Is.True);
            Assert.That(upgraded.GetUtxoCommitment(), Is.EqualTo(UtxoCommitment.Of(upgraded.GetUtxoSet()).Digest()));
        }
        using var database = ChainDatabase.Open(DatabasePath);
        Assert.That(database.ReadSchemaVersion(), Is.EqualTo(ChainSchema.Version));
    }

    private static KeyValuePair<OutPoint, Coin> RandomCoin(Random random)
    {
        var txid = new byte[32];
        random.NextBytes(txid);
        var script = new byte[random.Next(0, 40)];
        random.NextBytes(script);
        return new(new OutPoint(new Hash256(txid), (uint)random.Next(0, 5)),
            new Coin(new TxOut(random.NextInt64(0, 21_000_000L * 100_000_000L), script), random.Next(0, 1_000_000), random.Next(2) == 0));
    }

    [Test]
    public void TheCommitmentIsIndependentOfOrderAndRemovalUndoesAddition()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int count = random.Next(0, 30);
            var coins = Enumerable.Range(0, count).Select(_ => RandomCoin(random)).ToList();
            var extra = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => RandomCoin(random)).ToList();
            var forward = UtxoCommitment.Of(coins);
            var shuffled = coins.OrderBy(_ => random.Next()).ToList();
            var backward = UtxoCommitment.Of(shuffled);
            // Add some coins, then remove them in another order, interleaved with the rest.
            var roundTrip = UtxoCommitment.Of(extra);
            roundTrip.Apply(added: shuffled, removed: extra.AsEnumerable().Reverse());
            var serialized = UtxoCommitment.Deserialize(forward.Serialize());
            bool differs = coins.Count == 0 || !UtxoCommitment.Of(coins.Skip(1)).Equals(forward);
            return forward.Equals(backward) && forward.Digest() == backward.Digest() && roundTrip.Equals(forward)
                   && roundTrip.Digest() == forward.Digest() && forward.Equals(serialized) && differs;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Test]
    public void ACoinDiffersInEveryFieldItCommitsTo()
    {
        var outPoint = new OutPoint(new Hash256(Enumerable.Repeat((byte)7, 32).ToArray()), 1);
        var coin = new Coin(new TxOut(5000, [0x51]), 10, false);
        var variants = new[]
        {
            (outPoint, coin),
            (outPoint with { Index = 2 }, coin),
            (outPoint, coin with { Output = new TxOut(5001, [0x51]) }),
            (outPoint, coin with { Output = new TxOut(5000, [0x52]) }),
            (outPoint, coin with { Height = 11 }),
            (outPoint, coin with { IsCoinbase = true }),
        };
        var digests = variants.Select(v => UtxoCommitment.Of([new(v.Item1, v.Item2)]).Digest()).ToList();
        Assert.That(digests, Is.Unique);
    }
}
