using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;

namespace TensorCash.RegistryBench;

/// <summary>One model's miners in the simulation: how long one proof window takes on one machine, its D_m, and how many machines run it.</summary>
public sealed record SimulatedModel(string Name, double SecondsPerWindow, ulong Difficulty, int Machines);

/// <summary>What one model got: blocks, share, and share expected from its machines' fraction of all machines.</summary>
public sealed record SimulatedShare(string Name, int Blocks, double Share, double ExpectedShare)
{
    public double Deviation => Share / ExpectedShare - 1;
}

/// <summary>
/// Block race between models mining the same chain, driven by measured per-window times: each machine runs proof
/// windows back to back, each window is one draw against its model's T_adj = T_base·N/D_m, and a new block restarts
/// every machine (a window in progress is abandoned, as a real miner does when its parent is no longer the tip). T_base
/// follows the network's own ASERT through <see cref="TargetCalculator.NextBits"/>, and T_adj goes through the same
/// compact encoding the header check uses, so the simulation's targets are exactly the consensus ones. The only model
/// is the race itself: window counts are geometric (inverse-transform sampling from a seeded generator).
/// </summary>
public static class FairnessSimulation
{
    private static readonly double TwoTo256 = Math.Pow(2, 256);

    /// <param name="warmupBlocks">Blocks run before counting, while ASERT moves T_base from genesis to the simulated hashrate.</param>
    public static IReadOnlyList<SimulatedShare> Run(IReadOnlyList<SimulatedModel> models, ChainParams parameters, int countedBlocks, int warmupBlocks, int seed)
    {
        var random = new Random(seed);
        var parent = parameters.Genesis.Header;
        var times = new List<long> { parent.Time };
        double now = parent.Time;
        var blocks = new int[models.Count];
        int totalMachines = models.Sum(m => m.Machines);
        for (int height = 1; height <= warmupBlocks + countedBlocks; height++)
        {
            long mtp = MedianOfLast(times, 11);
            uint bits = TargetCalculator.NextBits(new HeaderContext(height, parent, mtp, (long)now), parameters);
            var baseTarget = CompactBits.DecodeTarget(bits)!.Value;
            int winner = -1;
            double soonest = double.MaxValue;
            for (int m = 0; m < models.Count; m++)
            {
                var adjusted = CompactBits.DecodeTarget(CompactBits.Encode(TargetCalculator.AdjustedTarget(baseTarget, models[m].Difficulty, parameters)))!.Value;
                double p = (double)adjusted / TwoTo256;
                for (int machine = 0; machine < models[m].Machines; machine++)
                {
                    double seconds = Windows(p, random) * models[m].SecondsPerWindow;
                    if (seconds < soonest) { soonest = seconds; winner = m; }
                }
            }
            now += soonest;
            if (height > warmupBlocks) blocks[winner]++;
            parent = parent with { PrevBlock = new Hash256(BitConverter.GetBytes((long)height).Concat(new byte[24]).ToArray()), Time = (uint)now, Bits = bits };
            times.Add(parent.Time);
        }
        return models.Select((m, i) => new SimulatedShare(m.Name, blocks[i], (double)blocks[i] / countedBlocks, (double)m.Machines / totalMachines)).ToList();
    }

    /// <summary>Windows until the first success, each succeeding with probability p: geometric on {1, 2, ...}.</summary>
    private static double Windows(double p, Random random)
    {
        if (p >= 1) return 1;
        double u = 1 - random.NextDouble(); // (0, 1]
        double log1MinusP = p < 1e-6 ? -p - p * p / 2 : Math.Log(1 - p); // log(1 - p) without cancellation for small p
        return Math.Floor(Math.Log(u) / log1MinusP) + 1;
    }

    private static long MedianOfLast(List<long> times, int span)
    {
        var last = times.Skip(Math.Max(0, times.Count - span)).OrderBy(t => t).ToList();
        return last[last.Count / 2];
    }
}
