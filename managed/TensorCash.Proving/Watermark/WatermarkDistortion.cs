namespace TensorCash.Proving.Watermark;

/// <summary>How far one step's watermarked distribution q is from the plain one p, at the same temperature.</summary>
public readonly record struct StepDistortion(double KlQP, double TotalVariation, double GreenMassPlain, double GreenMassWatermarked);

/// <summary>
/// The effect of the bias on one next-token distribution: p = softmax(l/τ), q = softmax((l + δ·green)/τ), both over
/// the full vocabulary in double precision. KL(q‖p) is the information an observer who knows the key and the logits
/// gains per token; TV is the largest change in any event's probability. Measurement only, not consensus.
/// </summary>
public static class WatermarkDistortion
{
    public static StepDistortion Measure(ReadOnlySpan<float> logits, ReadOnlySpan<bool> green, double delta, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0");
        if (logits.Length != green.Length || logits.IsEmpty) throw new ArgumentException("logits and mask must be non-empty and the same length");
        double max = double.NegativeInfinity;
        foreach (float l in logits) max = Math.Max(max, l);
        double shift = max + Math.Max(delta, 0);
        double zp = 0, zq = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            zp += Math.Exp((logits[i] - shift) / temperature);
            zq += Math.Exp((logits[i] + (green[i] ? delta : 0) - shift) / temperature);
        }
        double kl = 0, tv = 0, gp = 0, gq = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double lp = (logits[i] - shift) / temperature - Math.Log(zp);
            double lq = (logits[i] + (green[i] ? delta : 0) - shift) / temperature - Math.Log(zq);
            double p = Math.Exp(lp), q = Math.Exp(lq);
            if (q > 0) kl += q * (lq - lp);
            tv += Math.Abs(q - p);
            if (green[i]) { gp += p; gq += q; }
        }
        return new StepDistortion(kl, tv / 2, gp, gq);
    }
}
