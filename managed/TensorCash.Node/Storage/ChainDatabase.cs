using System.Numerics;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Storage;

/// <summary>
/// The node's persistent chainstate in one SQLite file: block index, blocks, undo data, UTXO set and metadata
/// (layout in <see cref="ChainSchema"/>). Reads are single statements; every change goes through a
/// <see cref="ChainWriteBatch"/>, one SQLite transaction, so the file always holds the state after some whole
/// batch.
/// <para>
/// Durability: WAL journal with synchronous=NORMAL. A commit is atomic either way; NORMAL only skips the fsync of
/// the WAL at each commit (it still syncs at checkpoints). If the process dies (SIGKILL, crash) nothing committed
/// is lost, because the WAL is in the OS page cache. If the machine loses power, the last few commits may roll
/// back, but the file is never corrupt and always holds a consistent chainstate (some earlier tip with its exact
/// UTXO set); those blocks are simply fetched and connected again. FULL would cost an fsync per block connected
/// for durability a chain node does not need.
/// </para>
/// <para>
/// The connection runs in EXCLUSIVE locking mode: the file is locked for as long as the database is open, so a
/// second node on the same datadir fails at open instead of corrupting the state; the OS drops the lock when the
/// process dies. Not thread-safe: the chainstate serializes access.
/// </para>
/// </summary>
public sealed class ChainDatabase : ICoinView, IDisposable
{
    /// <summary>The file's name inside a datadir.</summary>
    public const string FileName = "chainstate.sqlite";

    /// <summary>How long opening waits for another process's lock before it reports the datadir as in use.</summary>
    private const int LockWaitSeconds = 1;

    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;

    private ChainDatabase(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens the chainstate at <paramref name="path"/>, creating an empty one if the file does not exist.</summary>
    /// <exception cref="NodeStorageException">Not a chainstate database, an unknown schema, corrupt, or locked.</exception>
    public static ChainDatabase Open(string path)
    {
        // SQLite would take a zero-length file for a new database and the node would start a new chain over what was
        // there (a truncated file after a disk failure, say): refuse, and let the operator decide.
        if (File.Exists(path) && new FileInfo(path).Length == 0)
            throw new NodeStorageException($"{path} is empty (0 bytes), not a chainstate: refusing to start a new chain over it; move it away to start from genesis, or restore it from a backup");
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // A pooled connection would keep the file (and its lock) open after Dispose.
            Pooling = false,
            DefaultTimeout = LockWaitSeconds,
        }.ToString();
        var database = new ChainDatabase(path, new SqliteConnection(connectionString));
        try
        {
            database.Initialise();
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // the chainstate is the owner's alone
            return database;
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    private void Initialise()
    {
        Guard("opening the database", () =>
        {
            _connection.Open();
            // Exclusive mode must be set before WAL is entered so SQLite never needs the shared-memory index.
            Execute("PRAGMA locking_mode = EXCLUSIVE");
            var journal = Convert.ToString(Scalar("PRAGMA journal_mode = WAL"));
            if (journal != "wal")
                throw new NodeStorageException($"{Path}: cannot switch the database to WAL journaling (SQLite kept '{journal}')");
            Execute("PRAGMA synchronous = NORMAL");
            // Takes the exclusive lock now rather than at the first write, so a second node fails here.
            Execute("BEGIN EXCLUSIVE; COMMIT;");
            return 0;
        });

        long applicationId = Guard("reading the database header", () => (long)Scalar("PRAGMA application_id")!);
        long objects = Guard("reading the schema", () => (long)Scalar("SELECT count(*) FROM sqlite_schema")!);
        if (applicationId == 0 && objects == 0)
        {
            CreateSchema();
            return;
        }
        if (applicationId != ChainSchema.ApplicationId)
            throw new NodeStorageException(
                $"{Path} is a SQLite database but not a TensorCash chainstate (application id 0x{applicationId:x8}, expected 0x{ChainSchema.ApplicationId:x8})");

        var version = Guard("reading the schema version", () => ReadMeta(ChainSchema.MetaSchemaVersion));
        if (version is not long number)
            throw new NodeStorageException($"{Path}: the chainstate has no valid schema version (found '{version ?? "nothing"}'); the file is damaged");
        if (number > ChainSchema.Version)
            throw new NodeStorageException(
                $"{Path}: chainstate schema version {number} is newer than this node supports ({ChainSchema.Version}); run a newer node or use another datadir");
        if (number < ChainSchema.OldestUpgradable)
            throw new NodeStorageException(
                $"{Path}: chainstate schema version {number} is older than this node supports ({ChainSchema.Version}) and cannot be upgraded; resync into a new datadir");
        for (long from = number; from < ChainSchema.Version; from++) Upgrade(from);
    }

    /// <summary>One schema step, <paramref name="from"/> to the next version, in one transaction (a crash leaves either).</summary>
    private void Upgrade(long from)
    {
        using var batch = BeginWrite();
        Guard($"upgrading the chainstate schema from version {from} to {from + 1}", () =>
        {
            Execute(ChainSchema.Migrations[from]);
            return 0;
        });
        if (from == 2 && ReadTip() is { } tip) batch.PutCommitment(tip, ComputeCommitment());
        batch.SetMeta(ChainSchema.MetaSchemaVersion, from + 1);
        batch.Commit();
    }

    /// <summary>The schema version recorded in the file (for tests of the upgrade).</summary>
    internal long ReadSchemaVersion() => Guard("reading the schema version", () => (long)ReadMeta(ChainSchema.MetaSchemaVersion)!);

    private void CreateSchema()
    {
        using var batch = BeginWrite();
        Guard("creating the schema", () =>
        {
            Execute(ChainSchema.CreateTables);
            Execute($"PRAGMA application_id = {ChainSchema.ApplicationId}");
            return 0;
        });
        batch.SetMeta(ChainSchema.MetaSchemaVersion, ChainSchema.Version);
        batch.Commit();
    }

    /// <summary>Starts the one write transaction; nothing it writes is visible on disk until <see cref="ChainWriteBatch.Commit"/>.</summary>
    public ChainWriteBatch BeginWrite()
    {
        if (_transaction is not null) throw new InvalidOperationException("a write batch is already open on this chainstate database");
        _transaction = Guard("starting a write transaction", () => _connection.BeginTransaction());
        return new ChainWriteBatch(this, _transaction);
    }

    internal void EndWrite(SqliteTransaction transaction)
    {
        if (ReferenceEquals(_transaction, transaction)) _transaction = null;
    }

    /// <summary>The active chain's tip, or null for a database nothing was written to yet.</summary>
    public Hash256? ReadTip() => Guard("reading the tip", () => ReadMeta(ChainSchema.MetaTip) is byte[] bytes ? DecodeHash(bytes, "tip") : (Hash256?)null);

    /// <summary>The network and genesis block this database was created for, or null if not recorded yet.</summary>
    public (string Network, Hash256 Genesis)? ReadChainIdentity() => Guard("reading the chain identity", () =>
        ReadMeta(ChainSchema.MetaNetwork) is string network && ReadMeta(ChainSchema.MetaGenesis) is byte[] genesis
            ? (network, DecodeHash(genesis, "genesis"))
            : ((string, Hash256)?)null);

    /// <summary>Every block index row, parents before children (ordered by height, then arrival).</summary>
    public IReadOnlyList<BlockIndexRecord> ReadBlockIndex() => Guard("reading the block index", () =>
    {
        var records = new List<BlockIndexRecord>();
        using var command = Command("SELECT hash, header, height, chain_work, status, sequence FROM block_index ORDER BY height, sequence");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var hash = DecodeHash((byte[])reader[0], "block index key");
            var header = BlockHeader.Deserialize((byte[])reader[1]);
            if (header.Hash != hash)
                throw new NodeStorageException($"{Path}: block index entry {hash} holds a header that hashes to {header.Hash}; the file is damaged");
            records.Add(new BlockIndexRecord(hash, header, reader.GetInt32(2), DecodeWork((byte[])reader[3]), (BlockStatus)reader.GetInt64(4), reader.GetInt64(5)));
        }
        return records;
    });

    /// <summary>The stored block, or null if it is not stored.</summary>
    /// <summary>
    /// A stored block, re-hashed as it is read: its header must hash to the key it is stored under and its transactions
    /// to the header's Merkle root, so a flipped byte on disk is a clear storage error, never a different block. (The
    /// proof transcript is outside both hashes; a damaged one fails its replay when the block is verified again.)
    /// </summary>
    public Block? ReadBlock(Hash256 hash) => Guard($"reading block {hash}", () =>
    {
        if (ScalarByHash("SELECT data FROM blocks WHERE hash = $hash", hash) is not byte[] bytes) return null;
        var block = Block.Deserialize(bytes);
        if (block.Header.Hash != hash)
            throw new NodeStorageException($"{Path}: block {hash} reads back with header hash {block.Header.Hash}; the stored bytes are damaged");
        if (MerkleTree.BlockRoot(block.Transactions, out _) != block.Header.MerkleRoot)
            throw new NodeStorageException($"{Path}: block {hash} reads back with transactions that do not match its Merkle root; the stored bytes are damaged");
        return block;
    });

    /// <summary>
    /// The encoded registry actions of every stored block that has any (RegistryActions.Encode), by block hash: what the
    /// chainstate replays, with the headers, to rebuild each block's registry snapshot without reading blocks.
    /// </summary>
    public IReadOnlyDictionary<Hash256, byte[]> ReadRegistryActions() => Guard("reading the registry actions", () =>
    {
        var actions = new Dictionary<Hash256, byte[]>();
        using var command = Command("SELECT hash, data FROM registry_actions");
        using var reader = command.ExecuteReader();
        while (reader.Read()) actions[DecodeHash((byte[])reader[0], "registry actions key")] = (byte[])reader[1];
        return actions;
    });

    /// <summary>One block's encoded registry actions, or null when it has none (or is not stored).</summary>
    public byte[]? ReadRegistryActions(Hash256 hash) => Guard($"reading the registry actions of block {hash}", () =>
        ScalarByHash("SELECT data FROM registry_actions WHERE hash = $hash", hash) as byte[]);

    /// <summary>The undo data of a block on the active chain, or null if there is none.</summary>
    public BlockUndo? ReadUndo(Hash256 hash) => Guard($"reading the undo data of block {hash}", () =>
        ScalarByHash("SELECT data FROM undo WHERE hash = $hash", hash) is byte[] bytes ? BlockUndo.Deserialize(bytes) : null);

    /// <summary>The stored UTXO commitment after block <paramref name="hash"/> was connected, or null when none is stored.</summary>
    public UtxoCommitment? ReadCommitment(Hash256 hash) => Guard($"reading the UTXO commitment of block {hash}", () =>
        ScalarByHash("SELECT data FROM utxo_commitments WHERE hash = $hash", hash) is byte[] bytes
            ? UtxoCommitment.Deserialize(bytes) ?? throw new NodeStorageException($"{Path}: the stored UTXO commitment of block {hash} is not a valid commitment; the file is damaged")
            : null);

    /// <summary>The commitment of the whole UTXO table as it is on disk (a full scan).</summary>
    public UtxoCommitment ComputeCommitment() => UtxoCommitment.Of(ReadAllCoins());

    /// <summary>
    /// Drops the UTXO set, the undo data and the commitments, and moves the tip back to <paramref name="genesis"/> with
    /// every other block no longer connected, in one transaction: the start of a reindex, which then connects the
    /// stored blocks again.
    /// </summary>
    public void ResetChainstate(Hash256 genesis)
    {
        using var batch = BeginWrite();
        Guard("dropping the UTXO set for a reindex", () =>
        {
            Execute("DELETE FROM utxo; DELETE FROM undo; DELETE FROM utxo_commitments;");
            Execute($"UPDATE block_index SET status = status & ~{(long)BlockStatus.ConnectedValid} WHERE height > 0");
            return 0;
        });
        batch.PutCommitment(genesis, new UtxoCommitment());
        batch.SetTip(genesis);
        batch.Commit();
    }

    /// <summary>Whether the transaction index table exists (the node ran with --txindex).</summary>
    public bool HasTxIndex() => Guard("looking for the transaction index", () =>
        (long)Scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'tx_index'")! > 0);

    /// <summary>The active tip the transaction index matches, or null when it has none recorded.</summary>
    public Hash256? ReadTxIndexTip() => Guard("reading the transaction index's tip", () =>
        ReadMeta(ChainSchema.MetaTxIndexTip) is byte[] bytes ? DecodeHash(bytes, "transaction index tip") : (Hash256?)null);

    /// <summary>The active block holding transaction <paramref name="txid"/> and its position there, from the index; null when not indexed.</summary>
    public (Hash256 Block, int Position)? ReadTxIndex(Hash256 txid) => Guard($"looking up transaction {txid} in the transaction index", () =>
    {
        using var command = Command("SELECT block_hash, position FROM tx_index WHERE txid = $txid");
        command.Parameters.AddWithValue("$txid", txid.ToArray());
        using var reader = command.ExecuteReader();
        return reader.Read() ? (DecodeHash((byte[])reader[0], "transaction index block hash"), reader.GetInt32(1)) : ((Hash256, int)?)null;
    });

    /// <summary>Drops the transaction index and its tip, in one transaction (a node started without --txindex).</summary>
    public void DropTxIndex()
    {
        using var batch = BeginWrite();
        batch.DropTxIndex();
        batch.Commit();
    }

    /// <inheritdoc/>
    public Coin? GetCoin(OutPoint outPoint) => Guard($"reading coin {outPoint}", () =>
    {
        using var command = Command("SELECT value, script, height, coinbase FROM utxo WHERE txid = $txid AND vout = $vout");
        command.Parameters.AddWithValue("$txid", outPoint.Txid.ToArray());
        command.Parameters.AddWithValue("$vout", (long)outPoint.Index);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadCoin(reader, 0) : null;
    });

    /// <summary>Every unspent output (a full scan: for audits and tests, not for validation).</summary>
    public IReadOnlyList<KeyValuePair<OutPoint, Coin>> ReadAllCoins() => Guard("reading the UTXO set", () =>
    {
        var coins = new List<KeyValuePair<OutPoint, Coin>>();
        using var command = Command("SELECT txid, vout, value, script, height, coinbase FROM utxo ORDER BY txid, vout");
        using var reader = command.ExecuteReader();
        while (reader.Read())
            coins.Add(new(new OutPoint(DecodeHash((byte[])reader[0], "coin txid"), (uint)reader.GetInt64(1)), ReadCoin(reader, 2)));
        return coins;
    });

    /// <summary>Count and total value of the UTXO set (a full scan).</summary>
    public UtxoStats ReadUtxoStats() => Guard("counting the UTXO set", () =>
    {
        using var command = Command("SELECT count(*), coalesce(sum(value), 0) FROM utxo");
        using var reader = command.ExecuteReader();
        reader.Read();
        return new UtxoStats(reader.GetInt64(0), reader.GetInt64(1));
    });

    private static Coin ReadCoin(SqliteDataReader reader, int first) =>
        new(new TxOut(reader.GetInt64(first), (byte[])reader[first + 1]), reader.GetInt32(first + 2), reader.GetInt64(first + 3) != 0);

    private object? ReadMeta(string key)
    {
        using var command = Command("SELECT value FROM meta WHERE key = $key");
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar();
    }

    private object? ScalarByHash(string sql, Hash256 hash)
    {
        using var command = Command(sql);
        command.Parameters.AddWithValue("$hash", hash.ToArray());
        return command.ExecuteScalar();
    }

    /// <summary>A command on this connection that joins the open write transaction, if any (SQLite requires it).</summary>
    internal SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return command;
    }

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteScalar();
    }

    private Hash256 DecodeHash(byte[] bytes, string what) =>
        bytes.Length == Hash256.Size ? new Hash256(bytes) : throw new NodeStorageException($"{Path}: {what} is {bytes.Length} bytes, not {Hash256.Size}; the file is damaged");

    /// <summary>Chain work as a fixed-width big-endian blob: byte order equals numeric order, so ORDER BY works.</summary>
    internal static byte[] EncodeWork(BigInteger work)
    {
        if (work.Sign < 0 || work.GetByteCount(isUnsigned: true) > 32) throw new ArgumentOutOfRangeException(nameof(work), "chain work must fit in 256 unsigned bits");
        var blob = new byte[32];
        work.TryWriteBytes(blob.AsSpan(32 - work.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return blob;
    }

    private BigInteger DecodeWork(byte[] blob) => blob.Length == 32
        ? new BigInteger(blob, isUnsigned: true, isBigEndian: true)
        : throw new NodeStorageException($"{Path}: a chain work value is {blob.Length} bytes, not 32; the file is damaged");

    /// <summary>Runs one storage step, turning SQLite and decoding failures into a one-line <see cref="NodeStorageException"/>.</summary>
    internal T Guard<T>(string action, Func<T> body)
    {
        try
        {
            return body();
        }
        catch (SqliteException e)
        {
            throw new NodeStorageException($"{Path}: {action}: {Describe(e)}", e);
        }
        catch (ChainFormatException e)
        {
            throw new NodeStorageException($"{Path}: {action}: a stored record does not decode ({e.Message}); the file is damaged", e);
        }
        catch (InvalidCastException e)
        {
            // SQLite columns are dynamically typed: a tampered row can hold text where a blob belongs.
            throw new NodeStorageException($"{Path}: {action}: a stored value has the wrong type; the file is damaged", e);
        }
    }

    private static string Describe(SqliteException e) => e.SqliteErrorCode switch
    {
        raw.SQLITE_NOTADB => "the file is not a SQLite database (or its header is destroyed)",
        raw.SQLITE_CORRUPT => "the database file is corrupt",
        raw.SQLITE_BUSY or raw.SQLITE_LOCKED => "the database is locked by another process (is another node using this datadir?)",
        raw.SQLITE_FULL => "the disk is full",
        raw.SQLITE_READONLY => "the database is read-only",
        raw.SQLITE_CANTOPEN => "the file cannot be opened (missing directory or no permission?)",
        _ => $"SQLite error {e.SqliteErrorCode}: {e.Message}",
    };

    public void Dispose()
    {
        _transaction?.Dispose();
        _transaction = null;
        _connection.Dispose();
    }
}
