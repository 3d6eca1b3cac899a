using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// Summary statistics and the sketch of one step's full logit vector. Miner and verifier run this same code,
/// in a fixed order in double precision, so on the same backend the values are bitwise reproducible; across
/// backends tier 2 compares them within a tolerance.
/// </summary>
public static class LogitStatistics
{
    public static StepStatistics Compute(ReadOnlySpan<float> logits, int sampledToken, LogitSketch sketch)
    {
        double max = double.NegativeInfinity;
        foreach (float l in logits) if (l > max) max = l;
        double sum = 0, weighted = 0;
        foreach (float l in logits)
        {
            double e = Math.Exp(l - max);
            sum += e;
            weighted += e * (l - max);
        }
        double logSumExp = max + Math.Log(sum);
        // H = log Z - E[l] with l shifted by max: H = log(sum) - weighted/sum.
        double entropy = Math.Log(sum) - weighted / sum;
        double sampledProbability = Math.Exp(logits[sampledToken] - logSumExp);
        return new StepStatistics(
            BitConverter.SingleToUInt32Bits((float)logSumExp),
            BitConverter.SingleToUInt32Bits((float)entropy),
            BitConverter.SingleToUInt32Bits((float)sampledProbability),
            sketch.Project(logits));
    }
}
