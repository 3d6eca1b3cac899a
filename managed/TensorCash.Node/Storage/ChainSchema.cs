namespace TensorCash.Node.Storage;

/// <summary>
/// The chainstate database layout. Hashes are stored in their serialized byte order (as on the wire), chain work
/// as a 32-byte big-endian unsigned integer so SQLite's memcmp ordering of blobs is numeric ordering.
/// Changing any table is a new <see cref="Version"/>; a node refuses a database whose version it does not know.
/// </summary>
internal static class ChainSchema
{
    /// <summary>The layout this node writes and reads.</summary>
    public const long Version = 1;

    /// <summary>SQLite's application_id header field ("TCCS"): marks the file as a TensorCash chainstate.</summary>
    public const int ApplicationId = 0x54434353;

    public const string MetaSchemaVersion = "schema_version";
    public const string MetaGenesis = "genesis";
    public const string MetaNetwork = "network";
    public const string MetaTip = "tip";

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
}
