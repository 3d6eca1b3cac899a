namespace TensorCash.Node.Mempool;

/// <summary>
/// A fee rate in base units per 1000 bytes (Core's CFeeRate): the unit policy thresholds are stated and reported in.
/// Ordering decisions between transactions and packages do not round through it; they use <see cref="Compare"/>,
/// which is exact.
/// </summary>
public readonly record struct FeeRate(long PerKilobyte)
{
    private const int BytesPerKilobyte = 1_000;

    /// <summary>The rate of paying <paramref name="fee"/> for <paramref name="bytes"/> bytes, rounded down (0 for no bytes).</summary>
    public static FeeRate Of(long fee, long bytes) =>
        bytes <= 0 ? new(0) : new(Saturate((Int128)fee * BytesPerKilobyte / bytes));

    /// <summary>
    /// The fee this rate asks of <paramref name="bytes"/> bytes, rounded down but at least 1 for a positive rate, as Core
    /// does, so a positive minimum can never be met with a zero fee.
    /// </summary>
    public long FeeFor(long bytes)
    {
        Int128 fee = (Int128)PerKilobyte * bytes / BytesPerKilobyte;
        if (fee == 0 && bytes > 0 && PerKilobyte > 0) fee = 1;
        return Saturate(fee);
    }

    /// <summary>Compares the rates feeA/bytesA and feeB/bytesB exactly (cross-multiplied; sizes must be positive).</summary>
    public static int Compare(long feeA, long bytesA, long feeB, long bytesB) =>
        ((Int128)feeA * bytesB).CompareTo((Int128)feeB * bytesA);

    public static FeeRate Max(FeeRate a, FeeRate b) => a.PerKilobyte >= b.PerKilobyte ? a : b;

    public override string ToString() => $"{PerKilobyte}/kB";

    private static long Saturate(Int128 value) => (long)Int128.Clamp(value, long.MinValue, long.MaxValue);
}
