using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Data.Sqlite;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node;

public class ChainDatabaseTests
{
    private ScratchDirectory _scratch = null!;
    private string _path = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = new ScratchDirectory();
        _path = _scratch.File(ChainDatabase.FileName);
    }

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private static Block SampleBlock(byte seed)
    {
        var coinbase = new Transaction(1, [new TxIn(OutPoint.Null, [0x51, seed])], [new TxOut(50, [0x51])], 0);
        var header = new BlockHeader(1, Hashes.Sha256d([seed]), coinbase.Txid, 1_700_000_000u + seed, 0x207fffff, 0x207fffff, Hash256.Zero, Hash256.Zero, 0, Hash256.Zero, seed);
        return new Block(header, [], [coinbase], [1, 2, seed]);
    }

    private static KeyValuePair<OutPoint, Coin> SampleCoin(int seed) =>
        new(new OutPoint(Hashes.Sha256d(BitConverter.GetBytes(seed)), (uint)seed % 3), new Coin(new TxOut(1000 + seed, [0x51, (byte)seed]), seed, seed % 2 == 0));

    private static CoinChanges Add(params KeyValuePair<OutPoint, Coin>[] coins) => new(coins, []);
    private static CoinChanges Remove(params OutPoint[] outPoints) => new([], outPoints);

    [Test]
    public void NewDatabaseIsEmptyAndReopens()
    {
        using (var database = ChainDatabase.Open(_path))
        {
            Assert.That(database.ReadTip(), Is.Null);
            Assert.That(database.ReadChainIdentity(), Is.Null);
            Assert.That(database.ReadBlockIndex(), Is.Empty);
            Assert.That(database.ReadUtxoStats(), Is.EqualTo(new UtxoStats(0, 0)));
        }
        using var reopened = ChainDatabase.Open(_path);
        Assert.That(reopened.ReadBlockIndex(), Is.Empty);
    }

    [Test]
    public void BlocksIndexAndMetadataSurviveReopening()
    {
        var block = SampleBlock(7);
        var record = new BlockIndexRecord(block.Header.Hash, block.Header, 12, (BigInteger.One << 255) + 5,
            BlockStatus.HeaderValid | BlockStatus.DataStored | BlockStatus.ConnectedValid, 42);
        using (var database = ChainDatabase.Open(_path))
        using (var batch = database.BeginWrite())
        {
            batch.AddBlock(record, block);
            batch.SetTip(record.Hash);
            batch.SetChainIdentity("Regtest", record.Hash);
            batch.Commit();
        }
        using var reopened = ChainDatabase.Open(_path);
        Assert.That(reopened.ReadBlockIndex(), Is.EqualTo(new[] { record }));
        Assert.That(reopened.ReadBlock(record.Hash)!.Serialize(), Is.EqualTo(block.Serialize()));
        Assert.That(reopened.ReadBlock(Hashes.Sha256d([1])), Is.Null);
        Assert.That(reopened.ReadTip(), Is.EqualTo(record.Hash));
        Assert.That(reopened.ReadChainIdentity(), Is.EqualTo(("Regtest", record.Hash)));
    }

    [Test]
    public void StatusUpdateOfAnUnknownBlockFails()
    {
        using var database = ChainDatabase.Open(_path);
        using var batch = database.BeginWrite();
        Assert.That(() => batch.SetStatus(Hashes.Sha256d([9]), BlockStatus.Failed),
            Throws.TypeOf<NodeStorageException>().With.Message.Contains("no index entry"));
    }

    [Test]
    public void ABatchDisposedWithoutCommitLeavesNothing()
    {
        var block = SampleBlock(3);
        using (var database = ChainDatabase.Open(_path))
        {
            using (var batch = database.BeginWrite())
            {
                batch.AddBlock(new BlockIndexRecord(block.Header.Hash, block.Header, 1, BigInteger.One, BlockStatus.DataStored, 1), block);
                batch.ApplyCoinChanges(Add(SampleCoin(1)));
                batch.SetTip(block.Header.Hash);
            }
            Assert.That(database.ReadBlockIndex(), Is.Empty);
            Assert.That(database.ReadTip(), Is.Null);
            Assert.That(database.ReadUtxoStats().Count, Is.Zero);
        }
        using var reopened = ChainDatabase.Open(_path);
        Assert.That(reopened.ReadBlockIndex(), Is.Empty);
    }

    [Test]
    public void CoinChangesRemoveThenAddAndStatsFollow()
    {
        var coins = Enumerable.Range(0, 5).Select(SampleCoin).ToArray();
        using var database = ChainDatabase.Open(_path);
        using (var batch = database.BeginWrite())
        {
            batch.ApplyCoinChanges(Add(coins));
            batch.Commit();
        }
        Assert.That(database.ReadUtxoStats(), Is.EqualTo(new UtxoStats(5, coins.Sum(c => c.Value.Output.Value))));
        Assert.That(database.GetCoin(coins[2].Key), Is.EqualTo(coins[2].Value));

        // One change that spends coin 0 and re-creates the same outpoint with a new value: removals go first.
        var replacement = new Coin(new TxOut(1, [0x00]), 99, false);
        using (var batch = database.BeginWrite())
        {
            batch.ApplyCoinChanges(new CoinChanges([new(coins[0].Key, replacement)], [coins[0].Key, coins[1].Key]));
            batch.Commit();
        }
        Assert.That(database.GetCoin(coins[0].Key), Is.EqualTo(replacement));
        Assert.That(database.GetCoin(coins[1].Key), Is.Null);
        var expected = coins.Skip(2).Append(new(coins[0].Key, replacement)).ToDictionary();
        Assert.That(database.ReadAllCoins().ToDictionary(), Is.EquivalentTo(expected));
        Assert.That(database.ReadUtxoStats(), Is.EqualTo(new UtxoStats(4, expected.Values.Sum(c => c.Output.Value))));
    }

    [Test]
    public void RemovingAMissingCoinFailsTheWholeBatch()
    {
        var coin = SampleCoin(1);
        using var database = ChainDatabase.Open(_path);
        using (var batch = database.BeginWrite())
        {
            batch.ApplyCoinChanges(Add(coin));
            Assert.That(() => batch.ApplyCoinChanges(Remove(SampleCoin(2).Key)),
                Throws.TypeOf<NodeStorageException>().With.Message.Contains("not in the UTXO set"));
        }
        Assert.That(database.GetCoin(coin.Key), Is.Null);
    }

    [Test]
    public void AddingAnUnspentCoinAgainFails()
    {
        var coin = SampleCoin(1);
        using var database = ChainDatabase.Open(_path);
        using var batch = database.BeginWrite();
        batch.ApplyCoinChanges(Add(coin));
        Assert.That(() => batch.ApplyCoinChanges(Add(coin)), Throws.TypeOf<NodeStorageException>().With.Message.Contains("created again"));
    }

    [Test]
    public void UndoDataRoundTripsAndIsDeleted()
    {
        var hash = Hashes.Sha256d([5]);
        var undo = new BlockUndo([SampleCoin(1).Value, SampleCoin(2).Value]);
        using var database = ChainDatabase.Open(_path);
        using (var batch = database.BeginWrite())
        {
            batch.PutUndo(hash, undo);
            batch.Commit();
        }
        Assert.That(database.ReadUndo(hash)!.SpentCoins, Is.EqualTo(undo.SpentCoins));
        using (var batch = database.BeginWrite())
        {
            batch.DeleteUndo(hash);
            batch.Commit();
        }
        Assert.That(database.ReadUndo(hash), Is.Null);
    }

    [Test]
    public void OnlyOneWriteBatchAtATime()
    {
        using var database = ChainDatabase.Open(_path);
        using var batch = database.BeginWrite();
        Assert.That(() => database.BeginWrite(), Throws.InvalidOperationException);
    }

    [Test]
    public void ChainWorkBlobsSortLikeTheirValues()
    {
        var work = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32)
            .Select(bytes => new BigInteger(bytes, isUnsigned: true) >> (bytes[0] % 256))
            .ToArbitrary();
        Prop.ForAll(work, work, (a, b) =>
            Math.Sign(ChainDatabase.EncodeWork(a).AsSpan().SequenceCompareTo(ChainDatabase.EncodeWork(b))) == a.CompareTo(b))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500));
        Assert.That(() => ChainDatabase.EncodeWork(BigInteger.One << 256), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AFileThatIsNotADatabaseIsAClearError()
    {
        File.WriteAllBytes(_path, Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 + 3)).ToArray());
        Assert.That(() => ChainDatabase.Open(_path), Throws.TypeOf<NodeStorageException>()
            .With.Message.Contains(_path).And.Message.Contains("not a SQLite database"));
    }

    [Test]
    public void DamagedPagesAreAClearError()
    {
        using (var database = ChainDatabase.Open(_path))
        using (var batch = database.BeginWrite())
        {
            batch.ApplyCoinChanges(Add(Enumerable.Range(0, 200).Select(SampleCoin).ToArray()));
            batch.SetTip(Hashes.Sha256d([1]));
            batch.Commit();
        }
        // Keep page 1 (the header and schema) and overwrite every later page with garbage.
        var bytes = File.ReadAllBytes(_path);
        int pageSize = bytes[16] << 8 | bytes[17];
        for (int i = pageSize; i < bytes.Length; i++) bytes[i] = (byte)(i * 31 + 17);
        File.WriteAllBytes(_path, bytes);

        Assert.That(() =>
        {
            using var database = ChainDatabase.Open(_path);
            database.ReadTip();
            database.ReadAllCoins();
        }, Throws.TypeOf<NodeStorageException>().With.Message.Contains(_path).And.Message.Contains("corrupt"));
    }

    [TestCase("UPDATE blocks SET data = x'0102'", "does not decode")]
    [TestCase("UPDATE block_index SET header = 'text'", "wrong type")]
    [TestCase("UPDATE block_index SET header = (SELECT data FROM blocks LIMIT 1)", "does not decode")]
    [TestCase("UPDATE block_index SET header = zeroblob(184)", "hashes to")]
    [TestCase("UPDATE block_index SET chain_work = x'01'", "chain work value is 1 bytes")]
    [TestCase("UPDATE meta SET value = x'00' WHERE key = 'tip'", "tip is 1 bytes")]
    // One flipped byte in the stored header (nTime, offset 68) and one in the coinbase's output value: both are caught
    // by re-hashing on read, not returned as another block.
    [TestCase("UPDATE blocks SET data = CAST(substr(data, 1, 68) || x'ee' || substr(data, 70) AS BLOB)", "header hash")]
    [TestCase("UPDATE blocks SET data = CAST(substr(data, 1, 199) || x'ee' || substr(data, 201) AS BLOB)", "Merkle root")]
    public void TamperedRecordsAreClearErrors(string tampering, string complaint)
    {
        var block = SampleBlock(4);
        using (var database = ChainDatabase.Open(_path))
        using (var batch = database.BeginWrite())
        {
            batch.AddBlock(new BlockIndexRecord(block.Header.Hash, block.Header, 1, BigInteger.One, BlockStatus.DataStored, 1), block);
            batch.SetTip(block.Header.Hash);
            batch.Commit();
        }
        using (var raw = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = tampering;
            Assert.That(command.ExecuteNonQuery(), Is.EqualTo(1));
        }
        using var reopened = ChainDatabase.Open(_path);
        Assert.That(() =>
        {
            reopened.ReadTip();
            reopened.ReadBlockIndex();
            reopened.ReadBlock(block.Header.Hash);
        }, Throws.TypeOf<NodeStorageException>().With.Message.Contains(_path).And.Message.Contains(complaint));
    }

    [Test]
    public void AZeroLengthFileIsRefusedNotTakenForANewChain()
    {
        File.WriteAllBytes(_path, []);
        Assert.That(() => ChainDatabase.Open(_path), Throws.TypeOf<NodeStorageException>().With.Message.Contains("empty (0 bytes)"));
        Assert.That(new FileInfo(_path).Length, Is.Zero, "the file is left as it was");
    }

    [Test]
    public void TheDatabaseIsTheOwnersAlone()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("Unix permissions");
        using var database = ChainDatabase.Open(_path);
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public void AnotherApplicationsDatabaseIsRefused()
    {
        using (var other = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            other.Open();
            using var command = other.CreateCommand();
            command.CommandText = "CREATE TABLE notes (text TEXT)";
            command.ExecuteNonQuery();
        }
        Assert.That(() => ChainDatabase.Open(_path), Throws.TypeOf<NodeStorageException>().With.Message.Contains("not a TensorCash chainstate"));
    }

    [TestCase(4, "newer than this node supports")]
    [TestCase(0, "older than this node supports")]
    public void AnUnknownSchemaVersionIsRefused(long version, string complaint)
    {
        using (ChainDatabase.Open(_path)) { }
        using (var raw = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE meta SET value = $version WHERE key = 'schema_version'";
            command.Parameters.AddWithValue("$version", version);
            Assert.That(command.ExecuteNonQuery(), Is.EqualTo(1));
        }
        Assert.That(() => ChainDatabase.Open(_path), Throws.TypeOf<NodeStorageException>()
            .With.Message.Contains($"schema version {version}").And.Message.Contains(complaint));
    }

    [Test]
    public void AVersion1ChainstateIsUpgradedInPlaceWithAnEmptyRegistryTable()
    {
        var block = SampleBlock(3);
        using (var database = ChainDatabase.Open(_path))
        using (var batch = database.BeginWrite())
        {
            batch.AddBlock(new BlockIndexRecord(block.Header.Hash, block.Header, 0, BigInteger.One, BlockStatus.HeaderValid, 0), block);
            batch.Commit();
        }
        // What a node before the registry wrote: no registry (nor commitment) table, schema version 1.
        using (var raw = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "DROP TABLE registry_actions; DROP TABLE utxo_commitments; UPDATE meta SET value = 1 WHERE key = 'schema_version'";
            command.ExecuteNonQuery();
        }
        using (var upgraded = ChainDatabase.Open(_path))
        {
            Assert.That(upgraded.ReadSchemaVersion(), Is.EqualTo(3));
            Assert.That(upgraded.ReadRegistryActions(), Is.Empty);
            Assert.That(upgraded.ReadBlockIndex().Single().Hash, Is.EqualTo(block.Header.Hash), "the stored blocks stay");
        }
        using var again = ChainDatabase.Open(_path);
        Assert.That(again.ReadSchemaVersion(), Is.EqualTo(3), "the upgrade runs once");
    }

    [Test]
    public void RegistryActionsAreStoredWithTheirBlockAndOnlyWhenThereAreAny()
    {
        var withActions = SampleBlock(4);
        var without = SampleBlock(5);
        using (var database = ChainDatabase.Open(_path))
        {
            using (var batch = database.BeginWrite())
            {
                batch.AddBlock(new BlockIndexRecord(withActions.Header.Hash, withActions.Header, 0, BigInteger.One, BlockStatus.HeaderValid, 0), withActions, [9, 8, 7]);
                batch.AddBlock(new BlockIndexRecord(without.Header.Hash, without.Header, 0, BigInteger.One, BlockStatus.HeaderValid, 1), without, []);
                batch.Commit();
            }
            using (var rolledBack = database.BeginWrite())
            {
                var third = SampleBlock(6);
                rolledBack.AddBlock(new BlockIndexRecord(third.Header.Hash, third.Header, 0, BigInteger.One, BlockStatus.HeaderValid, 2), third, [1]);
            }
        }
        using var reopened = ChainDatabase.Open(_path);
        var all = reopened.ReadRegistryActions();
        Assert.That(all.Keys, Is.EquivalentTo(new[] { withActions.Header.Hash }), "a block without actions has no row; a rolled-back batch none either");
        Assert.That(all[withActions.Header.Hash], Is.EqualTo(new byte[] { 9, 8, 7 }));
        Assert.That(reopened.ReadRegistryActions(without.Header.Hash), Is.Null);
    }

    [Test]
    public void ASecondOpenOfTheSameFileIsRefusedWhileTheFirstIsOpen()
    {
        using var first = ChainDatabase.Open(_path);
        Assert.That(() => ChainDatabase.Open(_path), Throws.TypeOf<NodeStorageException>().With.Message.Contains("locked by another process"));
        Assert.That(first.ReadBlockIndex(), Is.Empty);
    }

    [Test]
    public void AMissingDirectoryIsAClearError()
    {
        var path = _scratch.File(Path.Combine("missing", "deeper", ChainDatabase.FileName));
        Assert.That(() => ChainDatabase.Open(path), Throws.TypeOf<NodeStorageException>().With.Message.Contains("cannot be opened"));
    }
}
