using TensorCash.Interop;
using TensorCash.Proof.Transcript;

namespace TensorCash.Proving;

/// <summary>
/// Summary statistics and the sketch of one step's full logit vector, in one native pass (tc_logit_statistics;
/// definition in docs/protocol/proof-of-inference.md §4.1). Miner and verifier run this same code; its bits do not
/// depend on the ISA or the thread count, so on the same backend the values are bitwise reproducible; across
/// backends tier 2 compares them within a tolerance.
/// </summary>
public static class LogitStatistics
{
    public static StepStatistics Compute(ReadOnlySpan<float> logits, int sampledToken, LogitSketch sketch)
    {
        if (logits.Length != sketch.VocabSize)
            throw new ArgumentException($"expected {sketch.VocabSize} logits, got {logits.Length}", nameof(logits));
        Span<float> output = stackalloc float[NativeLogitStatistics.OutputCount];
        NativeLogitStatistics.Compute(logits, sampledToken, sketch.NegateBits, output);
        var sketchBits = new uint[StepStatistics.SketchLength];
        for (int j = 0; j < sketchBits.Length; j++) sketchBits[j] = BitConverter.SingleToUInt32Bits(output[3 + j]);
        return new StepStatistics(
            BitConverter.SingleToUInt32Bits(output[0]),
            BitConverter.SingleToUInt32Bits(output[1]),
            BitConverter.SingleToUInt32Bits(output[2]),
            sketchBits);
    }
}
