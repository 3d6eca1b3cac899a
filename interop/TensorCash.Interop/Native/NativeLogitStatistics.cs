using System.Runtime.InteropServices;

namespace TensorCash.Interop;

/// <summary>
/// tc_logit_statistics: the statistics and sketch a proof step commits to, in one native pass over a logit row
/// (definition in tensorcash.h and docs/protocol/proof-of-inference.md §4.1; the bits do not depend on the ISA).
/// </summary>
public static unsafe partial class NativeLogitStatistics
{
    /// <summary>Outputs per row: logsumexp, entropy, sampled probability, then 16 sketch buckets (TC_LOGIT_STATISTICS_COUNT).</summary>
    public const int OutputCount = 19;

    /// <param name="negate">⌈n/8⌉ bytes; bit v % 8 of byte v / 8 set means entry v enters its sketch bucket negated.</param>
    public static void Compute(ReadOnlySpan<float> logits, int sampled, ReadOnlySpan<byte> negate, Span<float> output)
    {
        if (logits.IsEmpty) throw new ArgumentException("the logit row is empty", nameof(logits));
        if ((uint)sampled >= (uint)logits.Length) throw new ArgumentOutOfRangeException(nameof(sampled), sampled, $"outside [0, {logits.Length})");
        if (negate.Length < (logits.Length + 7) / 8)
            throw new ArgumentException($"needs {(logits.Length + 7) / 8} bytes for {logits.Length} entries, has {negate.Length}", nameof(negate));
        if (output.Length < OutputCount) throw new ArgumentException($"needs {OutputCount} floats, has {output.Length}", nameof(output));
        fixed (float* pl = logits)
        fixed (byte* pn = negate)
        fixed (float* po = output)
            NativeStatus.Check(tc_logit_statistics(pl, logits.Length, sampled, pn, po), "tc_logit_statistics");
    }

    [LibraryImport(NativeLibrary.Lib, EntryPoint = "tc_logit_statistics")]
    private static partial int tc_logit_statistics(float* logits, int n, int sampled, byte* negate, float* output);
}
