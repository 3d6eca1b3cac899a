using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>
/// Random pools, built from a seed: random spends of confirmed coins (some immature coinbases) and of each other's
/// outputs (chains, double spends, orphans), with random fees, lock times, relative locks, sigop-heavy and dust
/// outputs, offered to a pool with a random cap. Each round builds a template under random size and sigop limits and
/// connects it with the block rules; between rounds, blocks with rival spends and reorganisations happen. Whatever
/// the pool accepted, every template must connect, and the pool must stay self-consistent.
/// </summary>
public class MempoolProperties
{
    [Test]
    public void TemplatesFromRandomPoolsAlwaysConnect() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed => Run(seed)).Check(Config.QuickThrowOnFailure.WithMaxTest(60));

    private static bool Run(int seed)
    {
        var random = new Random(seed);
        var chain = new TestChain();
        long maxBytes = random.Next(2) == 0 ? MempoolPolicy.DefaultMaxPoolBytes : random.Next(300, 3_000);
        var pool = new TransactionPool(Parameters, maxBytes);
        var spendable = new List<(OutPoint OutPoint, long Value)>();
        for (int i = 0; i < 12; i++)
        {
            bool coinbase = random.Next(4) == 0;
            int height = coinbase ? chain.TipHeight - random.Next(0, 4) : random.Next(1, chain.TipHeight + 1);
            long value = random.Next(20_000, 500_000);
            spendable.Add((chain.Fund(value, height, coinbase), value));
        }

        int rounds = random.Next(1, 5);
        for (int round = 0; round < rounds; round++)
        {
            int offers = random.Next(0, 30);
            for (int t = 0; t < offers; t++)
            {
                var tx = RandomTransaction(random, spendable, chain);
                chain.Offer(pool, tx);
                // Spent coins mostly leave the list; the rest make double spends.
                if (pool.Contains(tx.Txid) && random.Next(4) != 0) spendable.RemoveAll(s => tx.Inputs.Any(i => i.Prevout == s.OutPoint));
                // A rejected transaction's outputs are offered to later spends now and then, as orphans would be.
                if (!pool.Contains(tx.Txid) && random.Next(5) != 0) continue;
                for (int o = 0; o < tx.Outputs.Count; o++)
                    if (tx.Outputs[o].ScriptPubKey.SequenceEqual(OpTrue)) spendable.Add((Out(tx, (uint)o), tx.Outputs[o].Value));
            }
            AssertConsistent(pool, chain, maxBytes, $"seed {seed} round {round} after offers");

            bool unlimited = random.Next(3) == 0;
            int maxBlockBytes = unlimited ? Parameters.MaxBlockBytes : random.Next(286, 1_500); // from 30 bytes above an empty block (184-byte header, 72-byte coinbase)
            int maxSigOps = unlimited ? Parameters.MaxBlockSigOps : random.Next(0, 12);
            var template = chain.Template(pool, maxBlockBytes, maxSigOps, extraNonce: (ulong)round);
            Assert.That(template.TransactionBytes, Is.LessThanOrEqualTo(maxBlockBytes), $"seed {seed} round {round}");
            Assert.That(template.SigOps, Is.LessThanOrEqualTo(maxSigOps), $"seed {seed} round {round}");
            if (unlimited) Assert.That(template.Entries, Has.Count.EqualTo(pool.Count), $"seed {seed} round {round}: room for all");
            Assert.That(chain.Connect(ToBlock(template)), Is.Null, $"seed {seed} round {round}: template must connect");
            Assert.That(pool.BlockConnected(template.Transactions), Is.Empty, $"seed {seed} round {round}");
            spendable.Add((Out(template.Coinbase), template.Coinbase.Outputs[0].Value));
            AssertConsistent(pool, chain, maxBytes, $"seed {seed} round {round} after the template's block");

            if (random.Next(3) == 0)
            {
                // Someone else's block spends a random confirmed coin, possibly one the pool spends too.
                var coin = chain.Coins.Coins.Where(c => c.Value.Output.ScriptPubKey.SequenceEqual(OpTrue))
                    .Where(c => !c.Value.IsCoinbase || chain.NextHeight - c.Value.Height >= Parameters.CoinbaseMaturity)
                    .OrderBy(_ => random.Next()).FirstOrDefault();
                if (coin.Value is not null)
                {
                    var rival = Spend(coin.Key, coin.Value.Output.Value / 2, coin.Value.Output.Value / 2);
                    pool.BlockConnected(chain.Mine(rival).Transactions);
                    spendable.Add((Out(rival, 0), rival.Outputs[0].Value));
                    AssertConsistent(pool, chain, maxBytes, $"seed {seed} round {round} after a rival block");
                }
            }
            if (random.Next(3) == 0)
            {
                var disconnected = chain.DisconnectTip();
                pool.BlocksDisconnected(disconnected.Transactions, chain.Coins, chain.NextHeight, chain.MedianTimePast, MedianTimePastAt);
                AssertConsistent(pool, chain, maxBytes, $"seed {seed} round {round} after a reorganisation");
            }
        }
        return true;
    }

    private static Transaction RandomTransaction(Random random, List<(OutPoint OutPoint, long Value)> spendable, TestChain chain)
    {
        int inputCount = Math.Min(spendable.Count, random.Next(1, 4));
        // Half the picks come from the newest outputs, which builds unconfirmed chains.
        (OutPoint OutPoint, long Value) Pick() => spendable[random.Next(2) == 0 ? random.Next(Math.Max(0, spendable.Count - 8), spendable.Count) : random.Next(spendable.Count)];
        var inputs = Enumerable.Range(0, inputCount).Select(_ => Pick()).DistinctBy(s => s.OutPoint).ToArray();
        long available = inputs.Sum(i => i.Value);
        long fee = random.Next(10) == 0 ? random.Next(0, 80) : random.Next(80, 3_000);
        int version = random.Next(4) == 0 ? 2 : 1;
        uint sequence = random.Next(5) switch
        {
            0 => (uint)random.Next(0, 3),                                   // relative height lock (version 2)
            1 => SequenceLocks.TypeFlag | (uint)random.Next(0, 3),          // relative time lock (version 2)
            2 => 0xFFFF_FFFE,                                               // lock time enforced
            _ => TxIn.SequenceFinal,
        };
        uint lockTime = random.Next(4) == 0 ? (uint)(chain.TipHeight + random.Next(-2, 3)) : 0;

        int outputCount = random.Next(8) == 0 ? 1 : random.Next(2, 4);
        var outputs = new List<TxOut>();
        long remaining = available - fee;
        for (int o = 0; o < outputCount; o++)
        {
            long value = o == outputCount - 1 ? remaining : remaining / (outputCount - o) + random.Next(-200, 200);
            value = Math.Clamp(value, 0, Math.Max(remaining, 0));
            byte[] script = random.Next(6) == 0 ? [0xac] : OpTrue;
            outputs.Add(new TxOut(random.Next(40) == 0 ? random.Next(0, 474) : value, script));
            remaining -= value;
        }
        return new Transaction(version, inputs.Select(i => new TxIn(i.OutPoint, [], sequence)).ToArray(), outputs, lockTime);
    }

    /// <summary>Totals match the entries, the cap holds, no coin is spent twice, and every input is a chain coin or an earlier entry's output with the recorded fee.</summary>
    private static void AssertConsistent(TransactionPool pool, TestChain chain, long maxBytes, string context)
    {
        var snapshot = pool.Snapshot();
        var info = pool.GetInfo();
        Assert.That(info.Count, Is.EqualTo(snapshot.Count), context);
        Assert.That(info.Bytes, Is.EqualTo(snapshot.Sum(e => (long)e.Size)), context);
        Assert.That(info.TotalFees, Is.EqualTo(snapshot.Sum(e => e.Fee)), context);
        Assert.That(info.Bytes, Is.LessThanOrEqualTo(maxBytes), context);

        var created = new Dictionary<OutPoint, long>();
        var spent = new HashSet<OutPoint>();
        foreach (var entry in snapshot)
        {
            var tx = entry.Transaction;
            long valueIn = 0;
            foreach (var input in tx.Inputs)
            {
                Assert.That(spent.Add(input.Prevout), Is.True, $"{context}: {input.Prevout} spent twice");
                if (chain.Coins.GetCoin(input.Prevout) is { } coin) valueIn += coin.Output.Value;
                else if (created.TryGetValue(input.Prevout, out long value)) valueIn += value;
                else Assert.Fail($"{context}: {tx.Txid} spends {input.Prevout}, which is neither confirmed nor made by an earlier entry");
            }
            Assert.That(entry.Fee, Is.EqualTo(valueIn - tx.Outputs.Sum(o => o.Value)), context);
            Assert.That(entry.Size, Is.EqualTo(tx.SerializedSize), context);
            for (int o = 0; o < tx.Outputs.Count; o++) created[new OutPoint(tx.Txid, (uint)o)] = tx.Outputs[o].Value;
        }
    }
}
