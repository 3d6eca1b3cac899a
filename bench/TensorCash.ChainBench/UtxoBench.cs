using System.Diagnostics;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Storage;

namespace TensorCash.ChainBench;

/// <summary>Coins per second of one UTXO store at one batch size (a batch is one Apply, or one committed SQLite transaction).</summary>
public sealed record UtxoThroughput(string Store, int Batch, int Coins, double AddsPerSecond, double LookupHitsPerSecond,
    double LookupMissesPerSecond, double MixedPerSecond, double RemovesPerSecond);

/// <summary>
/// UTXO-set throughput of the in-memory view (<see cref="MemoryCoinView.Apply"/>) and of the SQLite chainstate
/// (<see cref="ChainWriteBatch.ApplyCoinChanges"/>, one committed transaction per batch, as the node commits one per
/// block): adds, point lookups (present and absent coins), block-like batches that remove and add, then removals.
/// </summary>
public sealed class UtxoBench(int coins, int seed)
{
    /// <summary>1,000 coins per batch, and 100 (a block of this chain changes about 100 coins).</summary>
    public static readonly int[] BatchSizes = [1000, 100];
    public static int LargestBatch => BatchSizes.Max();
    /// <summary>Point lookups per kind (hit, miss): enough for a stable rate, few enough to stay quick on SQLite.</summary>
    private const int Lookups = 20_000;

    /// <summary>A store as the benchmark drives it: apply one batch of changes, look up one coin.</summary>
    private sealed record Store(Action<CoinChanges> Apply, Func<OutPoint, Coin?> Get);

    public List<UtxoThroughput> Run(TextWriter progress)
    {
        var random = new Random(seed);
        var initial = MakeCoins(coins, random);
        var replacements = MakeCoins(coins / 2, random);
        var absent = MakeCoins(Lookups, random).Select(c => c.Key).ToArray();
        var rows = new List<UtxoThroughput>();

        // Warm-up rounds (JIT, SQLite statement paths) on throwaway stores; not reported.
        var warm = MakeCoins(2 * LargestBatch, random);
        Measure("warm-up", LargestBatch, warm, warm[..LargestBatch], absent[..100], new MemoryStore().Store);
        WithDatabase(store => Measure("warm-up", LargestBatch, warm, warm[..LargestBatch], absent[..100], store));

        foreach (int batch in BatchSizes)
        {
            progress.WriteLine($"  MemoryCoinView, batches of {batch}");
            rows.Add(Measure("MemoryCoinView", batch, initial, replacements, absent, new MemoryStore().Store));
            progress.WriteLine($"  SQLite ChainDatabase, batches of {batch}");
            rows.Add(WithDatabase(store => Measure("SQLite ChainDatabase", batch, initial, replacements, absent, store)));
        }
        return rows;
    }

    private sealed class MemoryStore
    {
        private readonly MemoryCoinView _view = new();
        public Store Store => new(_view.Apply, _view.GetCoin);
    }

    private static UtxoThroughput WithDatabase(Func<Store, UtxoThroughput> body)
    {
        var directory = Directory.CreateTempSubdirectory("tc-chainbench-utxo-").FullName;
        try
        {
            using var database = ChainDatabase.Open(Path.Combine(directory, ChainDatabase.FileName));
            return body(new Store(changes =>
            {
                using var batch = database.BeginWrite();
                batch.ApplyCoinChanges(changes);
                batch.Commit();
            }, database.GetCoin));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Adds <paramref name="initial"/>; looks up present and absent coins; then block-like batches each remove
    /// batch/2 of the oldest coins and add batch/2 of <paramref name="replacements"/>; then removes everything left.
    /// </summary>
    private static UtxoThroughput Measure(string name, int batch, KeyValuePair<OutPoint, Coin>[] initial,
        KeyValuePair<OutPoint, Coin>[] replacements, OutPoint[] absent, Store store)
    {
        var adds = Time(() =>
        {
            foreach (var chunk in initial.Chunk(batch)) store.Apply(new CoinChanges(chunk, []));
        });

        var present = initial.Select(c => c.Key).ToArray();
        var probe = new Random(1);
        var hits = Enumerable.Range(0, Math.Min(Lookups, absent.Length)).Select(_ => present[probe.Next(present.Length)]).ToArray();
        var hitTime = Time(() =>
        {
            foreach (var outPoint in hits)
                if (store.Get(outPoint) is null) throw new InvalidOperationException($"{name}: coin {outPoint} was added but is not found");
        });
        var missTime = Time(() =>
        {
            foreach (var outPoint in absent)
                if (store.Get(outPoint) is not null) throw new InvalidOperationException($"{name}: coin {outPoint} was never added but is found");
        });

        int half = batch / 2;
        int mixedBatches = replacements.Length / half;
        var mixed = Time(() =>
        {
            for (int b = 0; b < mixedBatches; b++)
                store.Apply(new CoinChanges(replacements[(b * half)..((b + 1) * half)], present[(b * half)..((b + 1) * half)]));
        });

        var remaining = present[(mixedBatches * half)..].Concat(replacements[..(mixedBatches * half)].Select(c => c.Key)).ToArray();
        var removes = Time(() =>
        {
            foreach (var chunk in remaining.Chunk(batch)) store.Apply(new CoinChanges([], chunk));
        });
        if (store.Get(remaining[0]) is not null) throw new InvalidOperationException($"{name}: coins are left after removing them all");

        return new UtxoThroughput(name, batch, initial.Length,
            initial.Length / adds.TotalSeconds, hits.Length / hitTime.TotalSeconds, absent.Length / missTime.TotalSeconds,
            2.0 * mixedBatches * half / mixed.TotalSeconds, remaining.Length / removes.TotalSeconds);
    }

    /// <summary>P2PKH coins, two outputs per random txid, as a wallet-heavy chain's UTXO set looks.</summary>
    private static KeyValuePair<OutPoint, Coin>[] MakeCoins(int count, Random random)
    {
        var result = new KeyValuePair<OutPoint, Coin>[count];
        var txid = new byte[Hash256.Size];
        var keyHash = new byte[20];
        for (int i = 0; i < count; i++)
        {
            if (i % 2 == 0) random.NextBytes(txid);
            random.NextBytes(keyHash);
            var output = new TxOut(1_000 + random.NextInt64(5_000_000_000), ScriptTemplates.PayToPubKeyHash(keyHash));
            result[i] = new(new OutPoint(new Hash256(txid), (uint)(i % 2)), new Coin(output, 1 + random.Next(1_000_000), random.Next(10) == 0));
        }
        return result;
    }

    private static TimeSpan Time(Action body)
    {
        long start = Stopwatch.GetTimestamp();
        body();
        return Stopwatch.GetElapsedTime(start);
    }
}
