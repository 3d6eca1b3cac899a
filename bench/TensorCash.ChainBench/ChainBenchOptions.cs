namespace TensorCash.ChainBench;

/// <summary>Command-line settings; every one has a default that keeps the whole run to a few minutes on 2 cores.</summary>
public sealed record ChainBenchOptions(int Blocks, int Threads, int TransactionsPerBlock, int UtxoCoins, int Seed)
{
    public const string Usage = "[--blocks 300] [--threads 2] [--txs 30] [--utxo-coins 100000] [--seed 20261122]";

    public static ChainBenchOptions Parse(string[] args)
    {
        int blocks = 300, threads = 2, txs = 30, utxoCoins = 100_000, seed = 20261122;
        for (int i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length) throw new ArgumentException($"missing value after {args[i]} (usage: {Usage})");
            if (!int.TryParse(args[i + 1], out int value) || value < 0)
                throw new ArgumentException($"{args[i]} needs a non-negative integer, got '{args[i + 1]}'");
            switch (args[i])
            {
                case "--blocks": blocks = value; break;
                case "--threads": threads = value; break;
                case "--txs": txs = value; break;
                case "--utxo-coins": utxoCoins = value; break;
                case "--seed": seed = value; break;
                default: throw new ArgumentException($"unknown option {args[i]} (usage: {Usage})");
            }
        }
        if (blocks < 1 || threads < 1) throw new ArgumentException("--blocks and --threads must be at least 1");
        if (utxoCoins < 2 * UtxoBench.LargestBatch)
            throw new ArgumentException($"--utxo-coins must be at least {2 * UtxoBench.LargestBatch} (two of the largest batches)");
        return new ChainBenchOptions(blocks, threads, txs, utxoCoins, seed);
    }
}
