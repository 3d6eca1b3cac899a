using System.Globalization;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Registry;
using TensorCash.Proving;

namespace TensorCash.RegistryBench;

/// <summary>
/// The fairness tables of bench/results/registry-fairness.md: models 1×, 4× and 16× builtin:tiny's cost mining one
/// chain, with the measured ms per window of each (a file saved by this bench's --save) and D_m exactly as consensus
/// computes it (<see cref="ModelCost"/> on the model's descriptor and the network's profile). Expected share = the
/// model's machines over all machines (equal hardware: a unit of compute is a machine-second).
/// </summary>
public static class FairnessReport
{
    public static void Write(IReadOnlyDictionary<(string Model, int Window), List<double>> times, IReadOnlyList<string> models, ChainParams parameters,
        int minBlocksPerModel, int seed, TextWriter output)
    {
        int window = parameters.ProofWindowSize;
        var profile = ChainParams.BuiltinTinyProfile(window);
        var rows = models.Select(name =>
        {
            var model = BenchModel.Parse(name);
            var descriptor = name == BenchModel.Tiny.Name ? ChainParams.BuiltinTinyDescriptor : ModelIdentity.DescriptorOf(model.Spec.ToConfig());
            ulong cost = ModelCost.CostUnits(descriptor, (byte)model.DType, profile);
            var samples = times[(name, window)];
            return (Name: name, Ms: Median(samples), Cost: cost, Difficulty: ModelCost.Difficulty(cost, parameters));
        }).ToList();
        double tinyMs = rows[0].Ms;
        ulong tinyCost = rows[0].Cost;

        output.WriteLine($"Network {parameters.Network} (W = {window}, ASERT spacing {parameters.TargetSpacingSeconds} s, half-life {parameters.AsertHalfLifeSeconds} s), " +
                         $"N = {parameters.ModelNormaliser:N0}, C_ref = {parameters.Registry.ReferenceCost:N0}; seed {seed}.");
        output.WriteLine();
        output.WriteLine("| model | ms/window (median) | × tiny (time) | cost units | × tiny (cost) | D_m / N |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Ms:0.00} | {r.Ms / tinyMs:0.00} | {r.Cost:N0} | {(double)r.Cost / tinyCost:0.00} | {(double)r.Difficulty / parameters.ModelNormaliser:0.000} |"));

        foreach (var (label, machines) in new (string, int[])[]
                 {
                     ("equal compute: one machine per model", rows.Select(_ => 1).ToArray()),
                     ("unequal compute: machines 1 : 2 : 4", rows.Select((_, i) => 1 << i).ToArray()),
                 })
        {
            int total = machines.Sum();
            int counted = (int)Math.Ceiling(minBlocksPerModel * (double)total / machines.Min()); // the smallest expected share still gets minBlocksPerModel
            var simulated = rows.Select((r, i) => new SimulatedModel(r.Name, r.Ms / 1000, r.Difficulty, machines[i])).ToList();
            var shares = FairnessSimulation.Run(simulated, parameters, counted, warmupBlocks: 1_000, seed);
            Table(output, $"{label}, D_m from the consensus formula ({counted:N0} blocks counted after 1,000 warm-up)", shares, machines);
        }

        // Control: the same race with no model adjustment (every D_m = N) must come out unfair, or the simulation
        // could not tell a fair D_m from an unfair one.
        var control = rows.Select(r => new SimulatedModel(r.Name, r.Ms / 1000, parameters.ModelNormaliser, 1)).ToList();
        var controlShares = FairnessSimulation.Run(control, parameters, 3 * minBlocksPerModel, warmupBlocks: 1_000, seed);
        Table(output, "control: no model adjustment (every D_m = N), equal compute", controlShares, rows.Select(_ => 1).ToArray());
    }

    private static void Table(TextWriter output, string title, IReadOnlyList<SimulatedShare> shares, int[] machines)
    {
        output.WriteLine();
        output.WriteLine($"**{title}**");
        output.WriteLine();
        output.WriteLine("| model | machines | blocks | expected share | measured share | measured / expected − 1 |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        for (int i = 0; i < shares.Count; i++)
        {
            var s = shares[i];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {machines[i]} | {s.Blocks:N0} | {s.ExpectedShare:P1} | {s.Share:P1} | {s.Deviation:+0.0%;-0.0%} |"));
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
