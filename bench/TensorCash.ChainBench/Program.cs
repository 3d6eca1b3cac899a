// Chain benchmarks (the chain issue): blocks validated per second, split between tier-1 proof checks, tier-2 replay
// and the ledger (header rules, CheckBlock, ContextualCheckBlock, Connect with script and signature checks, the
// SQLite write), and UTXO-set throughput of the in-memory view and the SQLite chainstate.
//
//   dotnet run -c Release --project bench/TensorCash.ChainBench -- [--blocks 300] [--threads 2] [--txs 30] [--utxo-coins 100000] [--seed 20261122]
//
// First it mines a regtest chain in memory with the real miner on builtin:tiny (not timed): coinbases pay P2PKH keys
// of a wallet, and once coinbases mature every block carries signed spends. Then it validates the serialized blocks
// phase by phase with the node's own functions, and measures the UTXO stores. Progress goes to stderr, the markdown
// report to stdout.
//
//   dotnet run -c Release --project bench/TensorCash.ChainBench -- secp256k1 [--signatures 2000] [--rounds 7] [--seed 20261122]
//
// runs only the ECDSA comparison (issue 12): verifications with NBitcoin.Secp256k1 against the previous OpenSSL path,
// side by side in one process (bench/results/secp256k1.md).
using System.Diagnostics;
using TensorCash.Chain.Consensus;
using TensorCash.ChainBench;
using TensorCash.Node.Mining;

if (args.Length > 0 && args[0] == "secp256k1")
{
    int signatures = 2000, rounds = 7, seed = 20261122;
    for (int i = 1; i + 1 < args.Length; i += 2)
    {
        int value = int.Parse(args[i + 1]);
        switch (args[i])
        {
            case "--signatures": signatures = value; break;
            case "--rounds": rounds = value; break;
            case "--seed": seed = value; break;
            default: throw new ArgumentException($"unknown option {args[i]} (secp256k1 [--signatures 2000] [--rounds 7] [--seed 20261122])");
        }
    }
    string before = LoadAverage();
    var comparison = Secp256k1Comparison.Measure(signatures, rounds, new Random(seed), Console.Error);
    Console.WriteLine($"| implementation | µs per verification | verifications/s |");
    Console.WriteLine($"| --- | ---: | ---: |");
    Console.WriteLine($"| OpenSSL (BCL ECDsa, previous) | {comparison.OpenSslMicroseconds:F1} | {1e6 / comparison.OpenSslMicroseconds:N0} |");
    Console.WriteLine($"| NBitcoin.Secp256k1 (now) | {comparison.NBitcoinMicroseconds:F1} | {1e6 / comparison.NBitcoinMicroseconds:N0} |");
    Console.WriteLine();
    Console.WriteLine($"Speed-up: {comparison.Ratio:F2}x ({signatures} distinct signatures, median of {rounds} alternating rounds; " +
                      $"load average before {before}, after {LoadAverage()}).");
    return;
}

var options = ChainBenchOptions.Parse(args);
var parameters = ChainParams.Regtest;
var progress = Console.Error;
var wall = Stopwatch.StartNew();
string loadBefore = LoadAverage();

using var model = InferenceModel.Load("builtin:tiny", options.Threads);
var random = new Random(options.Seed);

progress.WriteLine($"mining {options.Blocks} regtest blocks on builtin:tiny ({options.Threads} threads)");
var wallet = new BenchWallet(keyCount: 32, parameters.CoinbaseMaturity, random);
var chain = new RegtestChainBuilder(model, parameters, wallet).Build(options.Blocks, options.TransactionsPerBlock, progress);

progress.WriteLine("validating");
var validation = new ValidationBench(parameters, new BlockProofVerifier(parameters, [model]));
validation.Run(chain.Blocks, progress);

progress.WriteLine("cost of one input check");
var inputCost = InputCheckCost.Measure(repetitions: 200, random);

progress.WriteLine($"UTXO throughput, {options.UtxoCoins:N0} coins");
var utxo = new UtxoBench(options.UtxoCoins, options.Seed).Run(progress);

string loadAfter = LoadAverage();
Console.WriteLine(MarkdownReport.Format(options, parameters, chain, validation, inputCost, utxo, loadBefore, loadAfter));
progress.WriteLine($"done in {wall.Elapsed.TotalSeconds:F1} s");

// The first three fields of /proc/loadavg; the machine is shared, so the report says how busy it was.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown (no /proc/loadavg)";
