using TensorCash.Engine.Model;

namespace TensorCash.Engine.Runtime;

/// <summary>
/// RoPE inverse frequencies, shared by the native backend (passed at model creation) and the float64
/// reference so both rotate by exactly the same angles.
/// </summary>
public static class RopeFrequencies
{
    /// <summary>
    /// inv_freq[i] = theta^(-2i/head_dim) for i &lt; head_dim/2 (DeterministicMath.Pow, the same bits on every platform;
    /// docs/protocol/proof-of-inference.md §4.2), then the Llama 3.1 "llama3" rescaling when
    /// the config has one: long wavelengths are slowed down by Factor, short ones kept, and the band in
    /// between interpolated smoothly (only + - * / and comparisons; 2 pi is the constant 2 * Math.PI).
    /// </summary>
    public static double[] Compute(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.HeadDim < 2 || config.HeadDim % 2 != 0)
            throw new ArgumentException($"HeadDim must be even and >= 2, got {config.HeadDim}", nameof(config));
        if (!(config.RopeTheta > 0) || double.IsInfinity(config.RopeTheta))
            throw new ArgumentException($"RopeTheta must be positive and finite, got {config.RopeTheta}", nameof(config));

        int half = config.HeadDim / 2;
        var inv = new double[half];
        // DeterministicMath.Pow, not Math.Pow: these feed every logit, so they must not depend on the C library (§4.2).
        for (int i = 0; i < half; i++) inv[i] = DeterministicMath.Pow(config.RopeTheta, -2.0 * i / config.HeadDim);
        if (config.RopeScaling is { } s) ApplyLlama3(inv, s);
        return inv;
    }

    private static void ApplyLlama3(double[] inv, Llama3RopeScaling s)
    {
        if (!(s.Factor > 0) || !(s.LowFreqFactor > 0) || !(s.HighFreqFactor > s.LowFreqFactor) || s.OriginalMaxPositionEmbeddings <= 0)
            throw new ArgumentException(
                $"invalid llama3 rope scaling: factor={s.Factor}, low_freq_factor={s.LowFreqFactor}, " +
                $"high_freq_factor={s.HighFreqFactor}, original_max_position_embeddings={s.OriginalMaxPositionEmbeddings}");
        double original = s.OriginalMaxPositionEmbeddings;
        double lowFreqWavelen = original / s.LowFreqFactor;
        double highFreqWavelen = original / s.HighFreqFactor;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen < highFreqWavelen) continue;
            if (wavelen > lowFreqWavelen)
            {
                inv[i] /= s.Factor;
                continue;
            }
            double smooth = (original / wavelen - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
            inv[i] = (1 - smooth) * inv[i] / s.Factor + smooth * inv[i];
        }
    }
}
