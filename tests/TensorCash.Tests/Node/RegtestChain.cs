using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Node;

/// <summary>
/// One branch of a regtest block tree built for chainstate tests: blocks that pass the header and block rules, with
/// a BIP34 coinbase paying the subsidy to OP_TRUE (so spends need no signatures) and no proof (tests plug in a
/// proof check that accepts everything). Branches fork off each other by height; the branch id goes into each
/// coinbase so that blocks of different branches differ.
/// </summary>
internal sealed class RegtestChain
{
    public static readonly ChainParams Parameters = ChainParams.Regtest;
    public static readonly byte[] OpTrue = [0x51];
    /// <summary>A node clock well after every test block's time, so none is "time-too-new".</summary>
    public static readonly long Now = Parameters.Genesis.Header.Time + 100_000_000L;
    public const long Spacing = 120;

    private readonly List<Block> _blocks;
    private readonly byte _branch;

    public RegtestChain() : this([Parameters.Genesis], 0) { }

    private RegtestChain(List<Block> blocks, byte branch)
    {
        _blocks = blocks;
        _branch = branch;
    }

    /// <summary>Blocks by height, genesis first.</summary>
    public IReadOnlyList<Block> Blocks => _blocks;
    public Block Tip => _blocks[^1];
    public int Height => _blocks.Count - 1;

    /// <summary>A new branch sharing this one's blocks up to <paramref name="height"/>.</summary>
    public RegtestChain ForkAt(int height, byte branch) => new(_blocks.Take(height + 1).ToList(), branch);

    /// <summary>Appends a valid block holding <paramref name="spends"/> after the coinbase.</summary>
    public Block Mine(params Transaction[] spends)
    {
        var block = Build(Tip.Header, Height + 1, spends, _branch);
        _blocks.Add(block);
        return block;
    }

    /// <summary>Appends a block built elsewhere (a mined template) whose parent is <see cref="Tip"/>.</summary>
    public void Append(Block block)
    {
        if (block.Header.PrevBlock != Tip.Header.Hash) throw new ArgumentException("the block does not extend this branch's tip");
        _blocks.Add(block);
    }

    /// <summary>
    /// Appends a block with nVersion <paramref name="version"/> (support signals) on model <paramref name="model"/>
    /// (default builtin:tiny) of difficulty <paramref name="difficulty"/> (its D_m; default: the genesis table's).
    /// </summary>
    public Block MineWith(int version, Hash256? model = null, ulong? difficulty = null, params Transaction[] spends)
    {
        var block = Build(Tip.Header, Height + 1, spends, _branch, version, model, difficulty);
        _blocks.Add(block);
        return block;
    }

    /// <summary>Appends <paramref name="count"/> coinbase-only blocks (for example to mature the first coinbases).</summary>
    public RegtestChain MineEmpty(int count)
    {
        for (int i = 0; i < count; i++) Mine();
        return this;
    }

    /// <summary>Output 0 of the coinbase at <paramref name="height"/> and its value.</summary>
    public (OutPoint OutPoint, long Value) Coinbase(int height) =>
        (new OutPoint(_blocks[height].Transactions[0].Txid, 0), _blocks[height].Transactions[0].Outputs[0].Value);

    public static Block Build(BlockHeader parent, int height, IReadOnlyList<Transaction> spends, byte branch = 0, int version = 1,
        Hash256? model = null, ulong? difficulty = null)
    {
        byte[] scriptSig = [.. CoinbaseHeight.Prefix(height), branch];
        var coinbase = new Transaction(1, [new TxIn(OutPoint.Null, scriptSig)], [new TxOut(Subsidy.GetBlockSubsidy(height, Parameters), OpTrue)], 0);
        Transaction[] transactions = [coinbase, .. spends];
        return Seal(new BlockHeader(version, parent.Hash, MerkleTree.BlockRoot(transactions, out _), parent.Time + (uint)Spacing,
            Parameters.PowLimitBits, 0, model ?? ChainParams.BuiltinTinyModelId, Hash256.Zero, 0, Hash256.Zero, 0), transactions, difficulty);
    }

    /// <summary>
    /// Fills in nAdjBits and the VDF tick on the parent (real: BlockVdf.Evaluate, memoized per parent), and grinds the
    /// nonce until the hash meets the target (about two tries on regtest). Only tests may do this: a real header's nonce
    /// is derived from its proof.
    /// </summary>
    public static Block Seal(BlockHeader header, IReadOnlyList<Transaction> transactions, ulong? difficulty = null)
    {
        uint adjBits = TargetCalculator.AdjustedBits(header.Bits, difficulty ?? Parameters.Models[header.ModelId].Difficulty, Parameters);
        var target = CompactBits.DecodeTarget(adjBits)!.Value;
        var tick = BlockVdf.Evaluate(header.PrevBlock, Parameters);
        header = header with { AdjBits = adjBits, VdfOutput = tick.Output, VdfTicks = tick.Ticks };
        while (header.Hash.ToBigInteger() > target) header = header with { Nonce = header.Nonce + 1 };
        return new Block(header, tick.Evidence, transactions, []);
    }

    /// <summary>A transaction spending <paramref name="inputs"/> (all OP_TRUE outputs) into equal OP_TRUE outputs, paying no fee.</summary>
    public static Transaction Spend(IReadOnlyList<(OutPoint OutPoint, long Value)> inputs, int outputs = 2)
    {
        long total = inputs.Sum(i => i.Value);
        var outs = Enumerable.Range(0, outputs).Select(o => new TxOut(total / outputs + (o == 0 ? total % outputs : 0), OpTrue)).ToArray();
        return new Transaction(1, inputs.Select(i => new TxIn(i.OutPoint, [])).ToArray(), outs, 0);
    }

    /// <summary>Output <paramref name="index"/> of <paramref name="tx"/> as a spendable input.</summary>
    public static (OutPoint OutPoint, long Value) Output(Transaction tx, int index) => (new OutPoint(tx.Txid, (uint)index), tx.Outputs[index].Value);

    /// <summary>The UTXO set of a chain computed from scratch: every block after genesis connected in order to an in-memory view.</summary>
    public static IReadOnlyDictionary<OutPoint, Coin> Replay(IEnumerable<Block> blocksAfterGenesis)
    {
        var view = new MemoryCoinView();
        int height = 1;
        foreach (var block in blocksAfterGenesis)
        {
            var outcome = BlockConnector.Connect(block, height++, view, Parameters);
            if (outcome.Violation is not null) throw new InvalidOperationException($"replay: {outcome.Violation}");
            view.Apply(outcome.Changes!);
        }
        return view.Coins;
    }
}
