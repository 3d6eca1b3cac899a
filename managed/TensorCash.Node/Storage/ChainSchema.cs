namespace TensorCash.Node.Storage;

/// <summary>
/// The chainstate database layout. Hashes are stored in their serialized byte order (as on the wire), chain work
/// as a 32-byte big-endian unsigned integer so SQLite's memcmp ordering of blobs is numeric ordering.
/// Changing any table is a new <see cref="Version"/>; a node refuses a database whose version is newer than its own,
/// and upgrades an older one in place with <see cref="Migrations"/> (each step one transaction).
/// </summary>
internal static class ChainSchema
{
    /// <summary>
    /// The layout this node writes and reads. 1: index, blocks, undo, UTXO set, meta. 2: adds
    /// <c>registry_actions</c> (the model registry's actions of each stored block that has any). 3: adds
    /// <c>utxo_commitments</c> (the <see cref="UtxoCommitment"/> of the UTXO set after each connected block).
    /// </summary>
    public const long Version = 3;

    /// <summary>The oldest layout this node can upgrade from.</summary>
    public const long OldestUpgradable = 1;

    /// <summary>SQLite's application_id header field ("TCCS"): marks the file as a TensorCash chainstate.</summary>
    public const int ApplicationId = 0x54434353;

    public const string MetaSchemaVersion = "schema_version";
    public const string MetaGenesis = "genesis";
    public const string MetaNetwork = "network";
    public const string MetaTip = "tip";
    /// <summary>The active tip the transaction index matches; it moves in the same transaction as the tip.</summary>
    public const string MetaTxIndexTip = "txindex_tip";

    /// <summary>
    /// The optional transaction index (<c>--txindex</c>): txid to the active block holding it and its position there.
    /// Not part of <see cref="Version"/>: it exists only while a node runs with the index, and <see cref="MetaTxIndexTip"/>
    /// says which tip it matches, so a node that ran without the index (or an older node, which leaves the table alone)
    /// is detected at the next start with it, and the index is built again.
    /// </summary>
    public const string CreateTxIndex = """
        CREATE TABLE tx_index (
            txid       BLOB PRIMARY KEY,
            block_hash BLOB NOT NULL,
            position   INTEGER NOT NULL
        ) WITHOUT ROWID;
        """;

    public const string DropTxIndex = $"DROP TABLE IF EXISTS tx_index; DELETE FROM meta WHERE key = '{MetaTxIndexTip}';";

    /// <summary>
    /// Small rows that are looked up by key (index, UTXO, meta) are WITHOUT ROWID tables clustered on their key;
    /// blocks and undo data are large, so they stay ordinary rowid tables (SQLite's advice for rows over a
    /// twentieth of a page).
    /// </summary>
    public const string CreateTables = """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE block_index (
            hash       BLOB PRIMARY KEY,
            prev_hash  BLOB NOT NULL,
            height     INTEGER NOT NULL,
            header     BLOB NOT NULL,
            chain_work BLOB NOT NULL,
            status     INTEGER NOT NULL,
            sequence   INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE blocks (
            hash BLOB PRIMARY KEY,
            data BLOB NOT NULL
        );

        CREATE TABLE undo (
            hash BLOB PRIMARY KEY,
            data BLOB NOT NULL
        );

        CREATE TABLE registry_actions (
            hash BLOB PRIMARY KEY,
            data BLOB NOT NULL
        );

        CREATE TABLE utxo_commitments (
            hash BLOB PRIMARY KEY,
            data BLOB NOT NULL
        );

        CREATE TABLE utxo (
            txid     BLOB NOT NULL,
            vout     INTEGER NOT NULL,
            value    INTEGER NOT NULL,
            script   BLOB NOT NULL,
            height   INTEGER NOT NULL,
            coinbase INTEGER NOT NULL,
            PRIMARY KEY (txid, vout)
        ) WITHOUT ROWID;
        """;

    /// <summary>
    /// The upgrade from version <c>key</c> to <c>key + 1</c> (its SQL part). 1 → 2: the registry table, empty: a datadir written
    /// before the registry holds no registrations (its blocks were accepted by a node that did not know them), so every
    /// stored block's registry is the genesis table carried forward by its headers' signals alone.
    /// </summary>
    public static readonly IReadOnlyDictionary<long, string> Migrations = new Dictionary<long, string>
    {
        [1] = """
            CREATE TABLE registry_actions (
                hash BLOB PRIMARY KEY,
                data BLOB NOT NULL
            );
            """,
        // 2 -> 3: the table; ChainDatabase.Upgrade then computes the tip's commitment from the current UTXO set, in the
        // same transaction (blocks below the tip get theirs when a disconnect reaches them).
        [2] = """
            CREATE TABLE utxo_commitments (
                hash BLOB PRIMARY KEY,
                data BLOB NOT NULL
            );
            """,
    };
}
