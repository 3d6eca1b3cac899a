using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;

namespace TensorCash.Tests.Chain.Ledger;

/// <summary>
/// Random valid chains, built from a seed: each block's transactions spend random mature coins, including outputs made
/// earlier in the same block, into random splits (some OP_RETURN), and the coinbase claims subsidy plus fees. The net
/// changes must equal a naive transaction-by-transaction replay, and disconnecting in reverse must give back every
/// earlier UTXO set exactly.
/// </summary>
public class ConnectDisconnectProperties
{
    private static readonly ChainParams Parameters = Params(maturity: 2, initialSubsidy: 5_000, halvingInterval: 3);
    private static long Mtp(int height) => 1_700_000_000L + 600L * height;

    [Test]
    public void DisconnectingInReverseRestoresEveryEarlierSet() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => RunChain(seed)).Check(Config.QuickThrowOnFailure.WithMaxTest(60));

    private static bool RunChain(int seed)
    {
        var random = new Random(seed);
        var view = new MemoryCoinView();
        for (int i = 0; i < 4; i++) Fund(view, random.Next(1, 5000), height: 0, coinbase: i % 2 == 0);
        var snapshots = new List<Dictionary<OutPoint, Coin>> { new(view.Coins) };
        var connected = new List<(Block Block, BlockUndo Undo)>();

        int blocks = random.Next(1, 12);
        for (int height = 1; height <= blocks; height++)
        {
            var block = RandomBlock(random, view, height);
            Assert.That(BlockRules.CheckBlock(block, Parameters), Is.Null, $"seed {seed} height {height}");
            Assert.That(BlockRules.ContextualCheckBlock(block, height, Mtp(height - 1), Parameters), Is.Null);
            var outcome = BlockConnector.Connect(block, height, view, Parameters, Mtp);
            Assert.That(outcome.Violation, Is.Null, $"seed {seed} height {height}");

            var expected = Replay(snapshots[^1], block, height);
            view.Apply(outcome.Changes!);
            Assert.That(SameSet(view.Coins, expected), Is.True, $"seed {seed} height {height}: connect differs from replay");
            var undo = BlockUndo.Deserialize(outcome.Undo!.Serialize());
            Assert.That(undo.SpentCoins, Is.EqualTo(outcome.Undo.SpentCoins));
            snapshots.Add(new(view.Coins));
            connected.Add((block, undo));
        }

        for (int i = connected.Count - 1; i >= 0; i--)
        {
            view.Apply(BlockConnector.Disconnect(connected[i].Block, connected[i].Undo));
            Assert.That(SameSet(view.Coins, snapshots[i]), Is.True, $"seed {seed}: disconnecting block {i + 1}");
        }
        return true;
    }

    private static Block RandomBlock(Random random, MemoryCoinView view, int height)
    {
        // Spendable: mature coins of the set, then outputs of this block's earlier transactions as they appear.
        var pool = view.Coins
            .Where(c => !c.Value.IsCoinbase || height - c.Value.Height >= Parameters.CoinbaseMaturity)
            .Select(c => (c.Key, c.Value.Output.Value)).OrderBy(_ => random.Next()).ToList();
        var transactions = new List<Transaction>();
        long fees = 0;
        int count = random.Next(0, 6);
        for (int t = 0; t < count && pool.Count > 0; t++)
        {
            int inputs = Math.Min(pool.Count, random.Next(1, 4));
            var spent = new List<(OutPoint OutPoint, long Value)>();
            for (int i = 0; i < inputs; i++)
            {
                int pick = random.Next(pool.Count);
                spent.Add(pool[pick]);
                pool.RemoveAt(pick);
            }
            long available = spent.Sum(s => s.Value);
            long fee = random.Next(0, 3) == 0 ? 0 : random.NextInt64(0, available / 4 + 1);
            var outputs = Split(random, available - fee);
            var tx = new Transaction(random.Next(1, 3), spent.Select(s => new TxIn(s.OutPoint, [], RandomSequence(random))).ToArray(), outputs, 0);
            transactions.Add(tx);
            fees += fee;
            for (int o = 0; o < outputs.Length; o++)
                if (outputs[o].ScriptPubKey[0] != 0x6a) pool.Add((new OutPoint(tx.Txid, (uint)o), outputs[o].Value));
        }
        long subsidy = Parameters.InitialSubsidy >> (height / Parameters.SubsidyHalvingInterval);
        long claimed = random.Next(0, 4) == 0 ? random.NextInt64(0, subsidy + fees + 1) : subsidy + fees;
        var coinbase = Coinbase(height, Split(random, claimed), tag: (byte)random.Next(256));
        return Block([coinbase, .. transactions]);
    }

    /// <summary>Relative locks that are always satisfied here (disabled, or zero blocks), so BIP68 runs on every input.</summary>
    private static uint RandomSequence(Random random) => random.Next(3) switch
    {
        0 => TxIn.SequenceFinal,
        1 => 0,
        _ => SequenceLocks.DisableFlag | (uint)random.Next(1, 100),
    };

    private static TxOut[] Split(Random random, long total)
    {
        int parts = random.Next(1, 4);
        var outputs = new List<TxOut>();
        long left = total;
        for (int p = 0; p < parts - 1; p++)
        {
            long value = random.NextInt64(0, left + 1);
            outputs.Add(new TxOut(value, OpTrue));
            left -= value;
        }
        outputs.Add(new TxOut(left, OpTrue));
        if (random.Next(4) == 0) outputs.Insert(random.Next(outputs.Count + 1), new TxOut(0, OpReturn));
        return outputs.ToArray();
    }

    /// <summary>The obvious model: apply each transaction in turn to a copy of the set.</summary>
    private static Dictionary<OutPoint, Coin> Replay(Dictionary<OutPoint, Coin> before, Block block, int height)
    {
        var set = new Dictionary<OutPoint, Coin>(before);
        foreach (var tx in block.Transactions)
        {
            if (!tx.IsCoinbase)
                foreach (var input in tx.Inputs) Assert.That(set.Remove(input.Prevout), Is.True);
            for (int o = 0; o < tx.Outputs.Count; o++)
                if (tx.Outputs[o].ScriptPubKey[0] != 0x6a) set.Add(new OutPoint(tx.Txid, (uint)o), new Coin(tx.Outputs[o], height, tx.IsCoinbase));
        }
        return set;
    }
}
