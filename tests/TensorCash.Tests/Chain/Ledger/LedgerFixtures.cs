using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Ledger;

/// <summary>
/// Builders for ledger tests. Every spendable output is locked by OP_TRUE and spent by an empty scriptSig, so the
/// tests need nothing from the script interpreter but that one case. Amounts and limits are small so each limit can
/// be reached with a few bytes.
/// </summary>
internal static class LedgerFixtures
{
    public static readonly byte[] OpTrue = [0x51];
    public static readonly byte[] OpReturn = [0x6a, 0x01, 0x2a];

    public static ChainParams Params(int maturity = 3, long maxMoney = 1_000_000, int maxBlockBytes = 20_000, int maxSigOps = 40,
        long initialSubsidy = 5_000, int halvingInterval = 4)
    {
        var genesis = new Block(Header(Hash256.Zero), [], [], []);
        return new ChainParams
        {
            Network = Network.Regtest,
            Genesis = genesis,
            PowLimit = (BigInteger.One << 255) - 1,
            TargetSpacingSeconds = 600,
            AsertHalfLifeSeconds = 3600,
            VdfDiscriminantBits = ChainParams.Regtest.VdfDiscriminantBits,
            VdfTicks = ChainParams.Regtest.VdfTicks,
            CoinbaseMaturity = maturity,
            InitialSubsidy = initialSubsidy,
            SubsidyHalvingInterval = halvingInterval,
            MaxMoney = maxMoney,
            MaxBlockBytes = maxBlockBytes,
            MaxBlockSigOps = maxSigOps,
            Bech32Hrp = "tcrt",
            DefaultRpcPort = 1,
            DefaultP2pPort = 2,
            MessageStart = 0x01020304,
            Models = new Dictionary<Hash256, RegisteredModel>(),
            ModelNormaliser = 1,
            Registry = ChainParams.Regtest.Registry,
        };
    }

    public static BlockHeader Header(Hash256 merkleRoot) =>
        new(1, Hash256.Zero, merkleRoot, 1_700_000_000, 0x207fffff, 0x207fffff, Hash256.Zero, Hash256.Zero, 0, Hash256.Zero, 0);

    /// <summary>A block whose header commits to the Merkle root of <paramref name="transactions"/>.</summary>
    public static Block Block(params Transaction[] transactions) =>
        new(Header(MerkleTree.BlockRoot(transactions, out _)), [], transactions, []);

    /// <summary>A BIP34-valid coinbase; <paramref name="tag"/> goes after the height so coinbases of one height can differ.</summary>
    public static Transaction Coinbase(int height, long value, byte tag = 0, uint lockTime = 0) =>
        Coinbase(height, [new TxOut(value, OpTrue)], tag, lockTime);

    public static Transaction Coinbase(int height, TxOut[] outputs, byte tag = 0, uint lockTime = 0) =>
        new(1, [new TxIn(OutPoint.Null, [.. CoinbaseHeight.Prefix(height), tag])], outputs, lockTime);

    /// <summary>Spends <paramref name="prevouts"/> with empty scriptSigs into OP_TRUE outputs of <paramref name="values"/>.</summary>
    public static Transaction Spend(OutPoint[] prevouts, long[] values, int version = 1, uint sequence = TxIn.SequenceFinal, uint lockTime = 0) =>
        new(version, prevouts.Select(p => new TxIn(p, [], sequence)).ToArray(), values.Select(v => new TxOut(v, OpTrue)).ToArray(), lockTime);

    public static Transaction Spend(OutPoint prevout, params long[] values) => Spend([prevout], values);

    private static int _fundCounter;

    /// <summary>Puts a fresh OP_TRUE coin into <paramref name="view"/> and returns where it is.</summary>
    public static OutPoint Fund(MemoryCoinView view, long value, int height = 0, bool coinbase = false)
    {
        var outPoint = new OutPoint(Hashes.Sha256d(BitConverter.GetBytes(Interlocked.Increment(ref _fundCounter))), 0);
        view.Add(outPoint, new Coin(new TxOut(value, OpTrue), height, coinbase));
        return outPoint;
    }

    public static OutPoint Out(Transaction tx, uint index = 0) => new(tx.Txid, index);

    public static bool SameSet(IReadOnlyDictionary<OutPoint, Coin> a, IReadOnlyDictionary<OutPoint, Coin> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out var other) && other.Equals(entry.Value));
}
