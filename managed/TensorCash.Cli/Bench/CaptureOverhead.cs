using TensorCash.Engine.Generation;
using TensorCash.Engine.Runtime;
using TensorCash.Proving;

namespace TensorCash.Cli.Bench;

/// <summary>Plain and proof-bearing generation alternated on one transformer, so drift (other load, frequency) hits both alike.</summary>
public static class CaptureOverhead
{
    public static void Measure(TextWriter output, Transformer transformer, ProofGenerator prover, ProveRequest request,
        SamplingOptions plain, int repeats, CancellationToken cancellation)
    {
        var generator = new Generator(transformer);
        var plainRates = new List<double>();
        var proofRates = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var plainRun = generator.Generate(new GenerationRequest(request.Prompt, new StandardSampler(plain), request.Profile.SaltTokens + request.Profile.WindowSize), null, cancellation);
            plainRates.Add(plainRun.Stats.DecodeTokensPerSecond);
            proofRates.Add(prover.Prove(request, cancellation).Stats.DecodeTokensPerSecond);
        }
        double plainMedian = Median(plainRates), proofMedian = Median(proofRates);
        output.WriteLine($"capture overhead: plain {plainMedian:F2} tok/s, proof {proofMedian:F2} tok/s (medians of {repeats} alternating runs), " +
                         $"overhead {(1 - proofMedian / plainMedian) * 100:F2}%");
        output.WriteLine($"  plain runs: {string.Join(", ", plainRates.Select(r => r.ToString("F2")))}");
        output.WriteLine($"  proof runs: {string.Join(", ", proofRates.Select(r => r.ToString("F2")))}");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
