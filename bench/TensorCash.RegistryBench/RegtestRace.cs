using System.Diagnostics;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mining;
using TensorCash.Node.Registry;

namespace TensorCash.RegistryBench;

/// <summary>What the race gave one model: blocks in the final active chain after activation, and its D_m.</summary>
public sealed record RaceShare(string Model, ulong Difficulty, int Blocks, double Share);

/// <summary>
/// The real thing on regtest: one node, builtin:nano registered through the registry (deposit, support, lock-in,
/// activation) on top of builtin:tiny, then two miners racing on the same chainstate, one per model, each on one
/// engine thread, each abandoning its window when the other's block moves the tip. Every block is fully validated
/// (tier 1 and replay) on the way in. With a fair D_m the two shares are equal, because the two miners have equal
/// compute (one core each).
/// </summary>
public static class RegtestRace
{
    public static IReadOnlyList<RaceShare> Run(int raceBlocks, TextWriter progress)
    {
        string dir = Directory.CreateTempSubdirectory("tc-race-").FullName;
        try
        {
            return RunIn(dir, raceBlocks, progress);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IReadOnlyList<RaceShare> RunIn(string dir, int raceBlocks, TextWriter progress)
    {
        var host = NodeHost.Open(new NodeOptions { Network = Network.Regtest, DataDirectory = dir, Models = ["builtin:tiny", "builtin:nano"], Threads = 1 });
        try
        {
            return Race(host, raceBlocks, progress);
        }
        finally
        {
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static IReadOnlyList<RaceShare> Race(NodeHost host, int raceBlocks, TextWriter progress)
    {
        var parameters = host.Parameters;
        var nano = host.Models.Single(m => m.Spec == "builtin:nano");
        var script = host.CoinbaseScript;
        host.Generate(parameters.CoinbaseMaturity + 1, script);
        var registration = RegistrationBuilder.Build(nano, parameters);
        host.Payments.Send(script, parameters.Registry.MinimumDeposit, host.Payments.DefaultFeeRate, [new TxOut(0, RegistryScripts.ForRegistration(registration))]);
        while (host.Chain.Registry.ActiveModel(nano.Id) is null)
        {
            if (host.Chain.Tip.Height > 400) throw new InvalidOperationException($"builtin:nano is not active at height {host.Chain.Tip.Height}");
            host.Generate(1, script);
        }
        int start = host.Chain.Tip.Height;
        progress.WriteLine($"builtin:nano active at height {start + 1}; racing for {raceBlocks} blocks, one miner per model, one thread each");

        using var stop = new CancellationTokenSource();
        // One-token prompts: a window's cost is then the window itself, not a prefill of the growing text paid once per block
        // (regtest blocks take a few windows, so a per-block prefill would favour the model that needs more windows).
        var miners = host.Models.Select(m => new MiningService(host.Chain, parameters, new MiningModels([m]), host.ContentPaying(script)) { PromptTokens = 1 }).ToList();
        host.Chain.TipChanged += tip => { if (tip.Height - start >= raceBlocks) stop.Cancel(); };
        var clock = Stopwatch.StartNew();
        var threads = miners.Select(miner => new Thread(() =>
        {
            try { miner.Run(stop.Token); }
            catch (OperationCanceledException) { }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        progress.WriteLine($"raced {host.Chain.Tip.Height - start} blocks in {clock.Elapsed.TotalSeconds:F1} s");

        var counts = new Dictionary<string, int>();
        for (int h = start + 1; h <= host.Chain.Tip.Height; h++)
        {
            var header = host.Chain.GetHeader(host.Chain.GetBlockHash(h)!.Value)!;
            string name = host.Chain.Registry.Find(header.ModelId)!.Name;
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        int total = counts.Values.Sum();
        return host.Models.Select(m =>
        {
            var entry = host.Chain.Registry.Find(m.Id)!;
            int blocks = counts.GetValueOrDefault(entry.Name);
            return new RaceShare(entry.Name, entry.Difficulty, blocks, (double)blocks / total);
        }).ToList();
    }
}
