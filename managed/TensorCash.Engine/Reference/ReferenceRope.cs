using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;

namespace TensorCash.Engine.Reference;

/// <summary>
/// The float64 reference's own RoPE inverse frequencies. The backend's come from <see cref="RopeFrequencies"/>
/// (theta^(-2i/d) by a double-double pow); the reference derives them separately, as exp((-2i/d) · ln theta) with the
/// plain <see cref="DeterministicMath.Exp"/> and <see cref="DeterministicMath.Log"/>, and applies the Llama 3.1 rescaling
/// with its own code, written from the published definition (frequencies whose wavelength 2π/f exceeds
/// original/low_freq_factor are divided by factor, those below original/high_freq_factor kept, the band between
/// interpolated linearly in original/wavelength). So a mistake in either derivation shows up as a disagreement between
/// the reference and the backend (ReferenceRopeTests, the reference agreement tests) instead of being shared.
/// The two agree to about 1e-15 relative: exp/log each round once more than the double-double pow.
/// </summary>
public static class ReferenceRope
{
    public static double[] InverseFrequencies(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.HeadDim < 2 || config.HeadDim % 2 != 0)
            throw new ArgumentException($"HeadDim must be even and >= 2, got {config.HeadDim}", nameof(config));
        if (!(config.RopeTheta > 0) || double.IsInfinity(config.RopeTheta))
            throw new ArgumentException($"RopeTheta must be positive and finite, got {config.RopeTheta}", nameof(config));
        double lnTheta = DeterministicMath.Log(config.RopeTheta);
        var frequencies = new double[config.HeadDim / 2];
        for (int i = 0; i < frequencies.Length; i++)
            frequencies[i] = DeterministicMath.Exp(-(2.0 * i / config.HeadDim) * lnTheta);
        if (config.RopeScaling is { } scaling)
            for (int i = 0; i < frequencies.Length; i++) frequencies[i] = Rescale(frequencies[i], scaling);
        return frequencies;
    }

    private static double Rescale(double frequency, Llama3RopeScaling s)
    {
        if (!(s.Factor > 0) || !(s.LowFreqFactor > 0) || !(s.HighFreqFactor > s.LowFreqFactor) || s.OriginalMaxPositionEmbeddings <= 0)
            throw new ArgumentException($"invalid llama3 rope scaling {s}");
        double wavelength = 2 * Math.PI / frequency;
        double longest = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;   // beyond: slowed down by Factor
        double shortest = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor; // below: unchanged
        if (wavelength < shortest) return frequency;
        if (wavelength > longest) return frequency / s.Factor;
        double t = (s.OriginalMaxPositionEmbeddings / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return t * frequency + (1 - t) * (frequency / s.Factor);
    }
}
