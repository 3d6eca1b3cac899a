using TensorCash.Engine.Model;

namespace TensorCash.Engine.Formats.Gguf;

/// <summary>
/// llama.cpp stores Llama 3.1's "llama3" rope scaling not as parameters but as one divisor per RoPE
/// frequency (tensor rope_freqs.weight). This converts parameters to divisors (for writing) and recovers
/// the parameters from divisors (for reading), so GGUF and safetensors load to the same ModelConfig.
/// </summary>
public static class Llama3RopeFactors
{
    /// <summary>Used when the file does not say: Llama 3.1's original context. Only fixes the scale of the fit
    /// (the divisors depend on low/high factors only through their ratio to it), so it cannot change results.</summary>
    public const int DefaultOriginalContext = 8192;
    /// <summary>Recovered parameters must reproduce every stored divisor to this relative tolerance (float32 storage).</summary>
    private const double Tolerance = 1e-4;

    public static float[] Compute(Llama3RopeScaling s, double theta, int headDim)
    {
        var divisors = new float[headDim / 2];
        double lowWavelen = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        double highWavelen = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        for (int i = 0; i < divisors.Length; i++)
        {
            double wavelen = 2 * Math.PI / Frequency(theta, headDim, i);
            if (wavelen < highWavelen) divisors[i] = 1f;
            else if (wavelen > lowWavelen) divisors[i] = (float)s.Factor;
            else
            {
                double smooth = (s.OriginalMaxPositionEmbeddings / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
                divisors[i] = (float)(1 / ((1 - smooth) / s.Factor + smooth));
            }
        }
        return divisors;
    }

    /// <summary>The llama3 scaling that produces <paramref name="divisors"/>, null when they are all 1, or an error message.</summary>
    public static (Llama3RopeScaling? Scaling, string? Error) Fit(float[] divisors, double theta, int headDim, int originalContext)
    {
        if (divisors.Length != headDim / 2) return (null, $"has {divisors.Length} values, expected head_dim/2 = {headDim / 2}");
        double factor = Math.Round(divisors.Max(), 4);
        if (Math.Abs(factor - 1) < Tolerance && divisors.All(d => Math.Abs(d - 1) < Tolerance)) return (null, null);

        // In the transition band smooth = (orig/wavelen - low) / (high - low) is linear in orig/wavelen: fit a line.
        var points = new List<(double X, double Smooth)>();
        for (int i = 0; i < divisors.Length; i++)
        {
            double d = divisors[i];
            if (d > 1 + Tolerance && d < factor * (1 - Tolerance))
                points.Add((originalContext * Frequency(theta, headDim, i) / (2 * Math.PI), (1 / d - 1 / factor) / (1 - 1 / factor)));
        }
        var candidates = new List<(double Low, double High)> { (1, 4) }; // Llama 3.1's values, for bands too narrow to fit
        if (points.Count >= 2)
        {
            double meanX = points.Average(p => p.X), meanS = points.Average(p => p.Smooth);
            double slope = points.Sum(p => (p.X - meanX) * (p.Smooth - meanS)) / points.Sum(p => (p.X - meanX) * (p.X - meanX));
            double low = meanX - meanS / slope;
            candidates.Insert(0, (Math.Round(low, 4), Math.Round(low + 1 / slope, 4)));
        }
        foreach (var (low, high) in candidates)
        {
            if (!(low > 0 && high > low)) continue;
            var scaling = new Llama3RopeScaling(factor, low, high, originalContext);
            var recomputed = Compute(scaling, theta, headDim);
            if (recomputed.Zip(divisors).All(p => Math.Abs(p.First - p.Second) <= Tolerance * p.Second)) return (scaling, null);
        }
        return (null, "does not match any llama3 rope scaling (factor, low/high frequency factors)");
    }

    // The deterministic pow of RopeFrequencies, so the fitted parameters do not depend on the C library either.
    private static double Frequency(double theta, int headDim, int i) => 1.0 / Runtime.DeterministicMath.Pow(theta, 2.0 * i / headDim);
}
