namespace TensorCash.Proving.Watermark;

/// <summary>Detection of one token sequence: T scored tokens, |s|_G of them green, the z-score and the decision.</summary>
public sealed record WatermarkScore(int Scored, int Green, double Z, bool Detected, double Threshold);

/// <summary>
/// Detection from the token ids alone (Kirchenbauer et al. 2023, §3): under H0 (text written without the key) each
/// token is green with probability γ independently of the rest, so the green count of T tokens has mean γT and
/// variance Tγ(1−γ), and z = (|s|_G − γT) / sqrt(Tγ(1−γ)) is a one-sided score; the paper's threshold is z = 4
/// (one-sided normal tail ≈ 3·10⁻⁵). γ here is the list's exact fraction G/V. Token i is scored against the green
/// list of token i−1; the first token is scored only when the token before it (the prompt's last) is given.
/// No model, logits or key-holder cooperation beyond the key is needed.
/// </summary>
public static class WatermarkDetector
{
    /// <summary>The paper's threshold.</summary>
    public const double DefaultThreshold = 4.0;

    public static WatermarkScore Score(GreenList greenList, ReadOnlySpan<int> tokens, int? precedingToken = null, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(greenList);
        if (double.IsNaN(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), "threshold is NaN");
        int green = 0, scored = 0;
        for (int i = 0; i < tokens.Length; i++)
        {
            int? previous = i > 0 ? tokens[i - 1] : precedingToken;
            if (previous is null) continue;
            scored++;
            if (greenList.IsGreen(previous.Value, tokens[i])) green++;
        }
        double z = ZScore(green, scored, greenList.EffectiveGamma);
        return new WatermarkScore(scored, green, z, scored > 0 && z >= threshold, threshold);
    }

    /// <summary>(green − γT) / sqrt(Tγ(1−γ)); 0 when nothing was scored.</summary>
    public static double ZScore(int green, int scored, double gamma)
    {
        if (scored < 0 || green < 0 || green > scored) throw new ArgumentOutOfRangeException(nameof(green), $"need 0 <= green ({green}) <= scored ({scored})");
        if (!(gamma > 0 && gamma < 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in (0, 1)");
        if (scored == 0) return 0;
        return (green - gamma * scored) / Math.Sqrt(scored * gamma * (1 - gamma));
    }
}
