using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Chain.Ledger;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>
/// A chain for mempool tests: an in-memory UTXO set at a tip height, a median-time-past that grows 600 s per block,
/// and blocks that are really connected (CheckBlock, ContextualCheckBlock, Connect) and can be disconnected again.
/// Spendable outputs are OP_TRUE spent by an empty scriptSig (all the temporary script verifier accepts); a one-input,
/// two-output spend is 71 bytes, so 71 base units meets the 1000/kB relay minimum, and 474 is the smallest non-dust
/// OP_TRUE output.
/// </summary>
internal sealed class TestChain(int tipHeight = 100)
{
    public const long Subsidy = 5_000_000_000;
    public static readonly ChainParams Parameters = LedgerFixtures.Params(maturity: 2, maxMoney: 2_100_000_000_000_000,
        maxBlockBytes: 1_000_000, maxSigOps: 20_000, initialSubsidy: Subsidy, halvingInterval: 1_000_000);
    public static readonly byte[] OpTrue = LedgerFixtures.OpTrue;

    private readonly Stack<(Block Block, BlockUndo Undo)> _connected = new();
    private byte _coinbaseTag;

    public MemoryCoinView Coins { get; } = new();
    public int TipHeight { get; private set; } = tipHeight;
    public int NextHeight => TipHeight + 1;
    public long MedianTimePast => MedianTimePastAt(TipHeight);

    public static long MedianTimePastAt(int height) => 1_700_000_000L + 600L * height;

    public OutPoint Fund(long value, int height = 1, bool coinbase = false) => LedgerFixtures.Fund(Coins, value, height, coinbase);

    public MempoolAcceptResult Offer(TransactionPool pool, Transaction tx) =>
        pool.Accept(tx, Coins, NextHeight, MedianTimePast, MedianTimePastAt);

    public BlockTemplate Template(TransactionPool pool, int maxBlockBytes = 1_000_000, int maxSigOps = 20_000, ulong extraNonce = 0) =>
        BlockTemplateBuilder.Build(pool, Coins, NextHeight, MedianTimePast, Subsidy, OpTrue, maxBlockBytes, maxSigOps, extraNonce, MedianTimePastAt);

    /// <summary>The first rule <paramref name="block"/> breaks as the next block, or null after connecting it.</summary>
    public RuleViolation? Connect(Block block)
    {
        var violation = BlockRules.CheckBlock(block, Parameters) ?? BlockRules.ContextualCheckBlock(block, NextHeight, MedianTimePast, Parameters);
        if (violation is not null) return violation;
        var outcome = BlockConnector.Connect(block, NextHeight, Coins, Parameters, MedianTimePastAt);
        if (outcome.Violation is not null) return outcome.Violation;
        Coins.Apply(outcome.Changes!);
        _connected.Push((block, outcome.Undo!));
        TipHeight++;
        return null;
    }

    public static Block ToBlock(BlockTemplate template) => LedgerFixtures.Block([.. template.Transactions]);

    /// <summary>Connects a block of <paramref name="transactions"/> after a coinbase that claims nothing.</summary>
    public Block Mine(params Transaction[] transactions)
    {
        var block = LedgerFixtures.Block([LedgerFixtures.Coinbase(NextHeight, 0, _coinbaseTag++), .. transactions]);
        Assert.That(Connect(block), Is.Null, "test block must connect");
        return block;
    }

    public Block DisconnectTip()
    {
        var (block, undo) = _connected.Pop();
        Coins.Apply(BlockConnector.Disconnect(block, undo));
        TipHeight--;
        return block;
    }

    /// <summary>Spends <paramref name="prevouts"/> with empty scriptSigs into OP_TRUE outputs of <paramref name="values"/>.</summary>
    public static Transaction Spend(OutPoint[] prevouts, long[] values, int version = 1, uint sequence = TxIn.SequenceFinal, uint lockTime = 0) =>
        LedgerFixtures.Spend(prevouts, values, version, sequence, lockTime);

    public static Transaction Spend(OutPoint prevout, params long[] values) => Spend([prevout], values);

    public static OutPoint Out(Transaction tx, uint index = 0) => new(tx.Txid, index);
}
