using Microsoft.Data.Sqlite;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Storage;

/// <summary>
/// One atomic change to the chainstate (one SQLite transaction): storing a block, connecting or disconnecting
/// one block together with the tip move, marking blocks failed. Disposing without <see cref="Commit"/> rolls
/// everything back, so an exception part-way leaves the database as it was.
/// </summary>
public sealed class ChainWriteBatch : IDisposable
{
    private readonly ChainDatabase _database;
    private readonly SqliteTransaction _transaction;
    private bool _finished;

    internal ChainWriteBatch(ChainDatabase database, SqliteTransaction transaction)
    {
        _database = database;
        _transaction = transaction;
    }

    /// <summary>
    /// Adds a block's index row and its full serialized bytes, and its encoded model-registry actions when it has any
    /// (<paramref name="registryActions"/> null or empty: none), so a block is never stored without them.
    /// </summary>
    public void AddBlock(BlockIndexRecord record, Block block, byte[]? registryActions = null) => Run($"storing block {record.Hash}", () =>
    {
        if (registryActions is { Length: > 0 })
        {
            using var actions = _database.Command("INSERT INTO registry_actions (hash, data) VALUES ($hash, $data)");
            actions.Parameters.AddWithValue("$hash", record.Hash.ToArray());
            actions.Parameters.AddWithValue("$data", registryActions);
            actions.ExecuteNonQuery();
        }
        using (var index = _database.Command(
            "INSERT INTO block_index (hash, prev_hash, height, header, chain_work, status, sequence) VALUES ($hash, $prev, $height, $header, $work, $status, $sequence)"))
        {
            index.Parameters.AddWithValue("$hash", record.Hash.ToArray());
            index.Parameters.AddWithValue("$prev", record.Header.PrevBlock.ToArray());
            index.Parameters.AddWithValue("$height", record.Height);
            index.Parameters.AddWithValue("$header", record.Header.Serialize());
            index.Parameters.AddWithValue("$work", ChainDatabase.EncodeWork(record.ChainWork));
            index.Parameters.AddWithValue("$status", (long)record.Status);
            index.Parameters.AddWithValue("$sequence", record.Sequence);
            index.ExecuteNonQuery();
        }
        using var data = _database.Command("INSERT INTO blocks (hash, data) VALUES ($hash, $data)");
        data.Parameters.AddWithValue("$hash", record.Hash.ToArray());
        data.Parameters.AddWithValue("$data", block.Serialize());
        data.ExecuteNonQuery();
    });

    public void SetStatus(Hash256 hash, BlockStatus status) => Run($"updating the status of block {hash}", () =>
    {
        using var command = _database.Command("UPDATE block_index SET status = $status WHERE hash = $hash");
        command.Parameters.AddWithValue("$status", (long)status);
        command.Parameters.AddWithValue("$hash", hash.ToArray());
        if (command.ExecuteNonQuery() != 1) throw new NodeStorageException($"{_database.Path}: block {hash} has no index entry to update");
    });

    public void PutUndo(Hash256 hash, BlockUndo undo) => Run($"storing the undo data of block {hash}", () =>
    {
        using var command = _database.Command("INSERT OR REPLACE INTO undo (hash, data) VALUES ($hash, $data)");
        command.Parameters.AddWithValue("$hash", hash.ToArray());
        command.Parameters.AddWithValue("$data", undo.Serialize());
        command.ExecuteNonQuery();
    });

    public void DeleteUndo(Hash256 hash) => Run($"deleting the undo data of block {hash}", () =>
    {
        using var command = _database.Command("DELETE FROM undo WHERE hash = $hash");
        command.Parameters.AddWithValue("$hash", hash.ToArray());
        command.ExecuteNonQuery();
    });

    /// <summary>
    /// Writes a block's effect on the UTXO set as the ledger defines <see cref="CoinChanges"/>: removals first, then
    /// additions. A removal of a coin that is not there, or an addition of one that already is, means the stored UTXO
    /// set disagrees with the chain; that fails the whole batch instead of silently diverging.
    /// </summary>
    /// <param name="commitment">When given, updated with every coin removed (as it was stored) and added.</param>
    public void ApplyCoinChanges(CoinChanges changes, UtxoCommitment? commitment = null) => Run("updating the UTXO set", () =>
    {
        using (var delete = _database.Command("DELETE FROM utxo WHERE txid = $txid AND vout = $vout RETURNING value, script, height, coinbase"))
        {
            var txid = delete.Parameters.Add("$txid", SqliteType.Blob);
            var vout = delete.Parameters.Add("$vout", SqliteType.Integer);
            foreach (var outPoint in changes.Removed)
            {
                txid.Value = outPoint.Txid.ToArray();
                vout.Value = (long)outPoint.Index;
                using var reader = delete.ExecuteReader();
                if (!reader.Read())
                    throw new NodeStorageException($"{_database.Path}: coin {outPoint} should be unspent but is not in the UTXO set; the chainstate is inconsistent");
                commitment?.Remove(outPoint, new Coin(new TxOut(reader.GetInt64(0), (byte[])reader[1]), reader.GetInt32(2), reader.GetInt64(3) != 0));
            }
        }
        using var insert = _database.Command(
            "INSERT OR IGNORE INTO utxo (txid, vout, value, script, height, coinbase) VALUES ($txid, $vout, $value, $script, $height, $coinbase)");
        var insertTxid = insert.Parameters.Add("$txid", SqliteType.Blob);
        var insertVout = insert.Parameters.Add("$vout", SqliteType.Integer);
        var value = insert.Parameters.Add("$value", SqliteType.Integer);
        var script = insert.Parameters.Add("$script", SqliteType.Blob);
        var height = insert.Parameters.Add("$height", SqliteType.Integer);
        var coinbase = insert.Parameters.Add("$coinbase", SqliteType.Integer);
        foreach (var (outPoint, coin) in changes.Added)
        {
            insertTxid.Value = outPoint.Txid.ToArray();
            insertVout.Value = (long)outPoint.Index;
            value.Value = coin.Output.Value;
            script.Value = coin.Output.ScriptPubKey;
            height.Value = coin.Height;
            coinbase.Value = coin.IsCoinbase ? 1L : 0L;
            if (insert.ExecuteNonQuery() != 1)
                throw new NodeStorageException($"{_database.Path}: coin {outPoint} is created again while still unspent; the chainstate is inconsistent");
            commitment?.Add(outPoint, coin);
        }
    });

    /// <summary>Stores the UTXO commitment after block <paramref name="hash"/> (replacing any).</summary>
    public void PutCommitment(Hash256 hash, UtxoCommitment commitment) => Run($"storing the UTXO commitment of block {hash}", () =>
    {
        using var command = _database.Command("INSERT OR REPLACE INTO utxo_commitments (hash, data) VALUES ($hash, $data)");
        command.Parameters.AddWithValue("$hash", hash.ToArray());
        command.Parameters.AddWithValue("$data", commitment.Serialize());
        command.ExecuteNonQuery();
    });

    public void DeleteCommitment(Hash256 hash) => Run($"deleting the UTXO commitment of block {hash}", () =>
    {
        using var command = _database.Command("DELETE FROM utxo_commitments WHERE hash = $hash");
        command.Parameters.AddWithValue("$hash", hash.ToArray());
        command.ExecuteNonQuery();
    });

    public void SetTip(Hash256 hash) => SetMeta(ChainSchema.MetaTip, hash.ToArray());

    /// <summary>Drops the transaction index table and its tip, if there are any.</summary>
    public void DropTxIndex() => Run("dropping the transaction index", () =>
    {
        using var command = _database.Command(ChainSchema.DropTxIndex);
        command.ExecuteNonQuery();
    });

    /// <summary>Creates the (empty) transaction index table.</summary>
    public void CreateTxIndex() => Run("creating the transaction index", () =>
    {
        using var command = _database.Command(ChainSchema.CreateTxIndex);
        command.ExecuteNonQuery();
    });

    /// <summary>Indexes every transaction of <paramref name="block"/> (connected as <paramref name="hash"/>) by txid, with its position.</summary>
    public void IndexTransactions(Hash256 hash, Block block) => Run($"indexing the transactions of block {hash}", () =>
    {
        using var command = _database.Command("INSERT OR REPLACE INTO tx_index (txid, block_hash, position) VALUES ($txid, $block, $position)");
        var txid = command.Parameters.Add("$txid", SqliteType.Blob);
        command.Parameters.AddWithValue("$block", hash.ToArray());
        var position = command.Parameters.Add("$position", SqliteType.Integer);
        for (int i = 0; i < block.Transactions.Count; i++)
        {
            txid.Value = block.Transactions[i].Txid.ToArray();
            position.Value = i;
            command.ExecuteNonQuery();
        }
    });

    /// <summary>Removes the index rows of <paramref name="block"/>'s transactions that point at it (it was disconnected).</summary>
    public void UnindexTransactions(Hash256 hash, Block block) => Run($"removing the transactions of block {hash} from the transaction index", () =>
    {
        using var command = _database.Command("DELETE FROM tx_index WHERE txid = $txid AND block_hash = $block");
        var txid = command.Parameters.Add("$txid", SqliteType.Blob);
        command.Parameters.AddWithValue("$block", hash.ToArray());
        foreach (var tx in block.Transactions)
        {
            txid.Value = tx.Txid.ToArray();
            command.ExecuteNonQuery();
        }
    });

    /// <summary>Records the active tip the transaction index now matches.</summary>
    public void SetTxIndexTip(Hash256 hash) => SetMeta(ChainSchema.MetaTxIndexTip, hash.ToArray());

    /// <summary>Records which chain the database belongs to, so a datadir is never reused for another network.</summary>
    public void SetChainIdentity(string network, Hash256 genesis)
    {
        SetMeta(ChainSchema.MetaNetwork, network);
        SetMeta(ChainSchema.MetaGenesis, genesis.ToArray());
    }

    internal void SetMeta(string key, object value) => Run($"writing metadata '{key}'", () =>
    {
        using var command = _database.Command("INSERT OR REPLACE INTO meta (key, value) VALUES ($key, $value)");
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    });

    /// <summary>Makes every change of the batch durable at once (see <see cref="ChainDatabase"/> on durability).</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        Run("committing", () => _transaction.Commit());
        Finish();
    }

    private void Run(string action, Action body)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _database.Guard(action, () =>
        {
            body();
            return 0;
        });
    }

    private void Finish()
    {
        _finished = true;
        _transaction.Dispose();
        _database.EndWrite(_transaction);
    }

    /// <summary>Rolls back whatever was not committed.</summary>
    public void Dispose()
    {
        if (!_finished) Finish();
    }
}
