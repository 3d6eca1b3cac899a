using TensorCash.Toolkit.Receipts;
using TensorCash.Toolkit.Vrf;

namespace TensorCash.Toolkit.Selection;

/// <summary>
/// Which jobs of an epoch commitment are opened, and which position of each job's trace, from one verified VRF output
/// beta over <see cref="SelectionInput.Alpha"/>(Jobs, beacon, epoch, node, 0).
/// <para>
/// Jobs: a partial Fisher-Yates shuffle of 0..n-1 driven by <see cref="UniformStream"/>, its first k entries sorted;
/// every k-subset is equally likely. Position of job j: a uniform draw in [0, trace length) from a stream seeded by beta
/// and j, so positions of different jobs are independent and a node cannot predict them when it commits.
/// </para>
/// <para>
/// Why this cannot be biased: beta is the unique VRF output for (key, alpha) (RFC 9381 full uniqueness with
/// validate_key), alpha is fixed before the beacon, and the derivation below is a public deterministic function of
/// beta. The only freedom left is not to publish, which the protocol treats as failure to sample.
/// </para>
/// </summary>
public static class JobSampling
{
    /// <summary>k distinct job indices out of n, ascending.</summary>
    public static int[] Jobs(ReadOnlySpan<byte> beta, int jobCount, int sampleCount)
    {
        RequireBeta(beta);
        if (jobCount is < 1 or > ReceiptLimits.MaxReceiptsPerEpoch)
            throw new ArgumentOutOfRangeException(nameof(jobCount), $"job count {jobCount} is outside 1..{ReceiptLimits.MaxReceiptsPerEpoch}");
        if (sampleCount < 0 || sampleCount > jobCount)
            throw new ArgumentOutOfRangeException(nameof(sampleCount), $"cannot sample {sampleCount} of {jobCount} jobs");
        var stream = new UniformStream([.. beta, 0x4A]); // 'J'
        // Only the touched entries of the permutation are stored, so k draws cost O(k) memory whatever n is.
        var swapped = new Dictionary<int, int>();
        var chosen = new int[sampleCount];
        for (int i = 0; i < sampleCount; i++)
        {
            int j = i + (int)stream.Below((ulong)(jobCount - i));
            int atJ = swapped.GetValueOrDefault(j, j);
            swapped[j] = swapped.GetValueOrDefault(i, i);
            chosen[i] = atJ;
        }
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>The position of job <paramref name="jobIndex"/>'s trace to open: uniform in [0, traceLength).</summary>
    public static int Position(ReadOnlySpan<byte> beta, int jobIndex, int traceLength)
    {
        RequireBeta(beta);
        if (jobIndex < 0) throw new ArgumentOutOfRangeException(nameof(jobIndex), "job index must be non-negative");
        if (traceLength is < 1 or > ReceiptLimits.MaxTracePositions)
            throw new ArgumentOutOfRangeException(nameof(traceLength), $"trace length {traceLength} is outside 1..{ReceiptLimits.MaxTracePositions}");
        var seed = new byte[beta.Length + 5];
        beta.CopyTo(seed);
        seed[beta.Length] = 0x50; // 'P'
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(seed.AsSpan(beta.Length + 1), (uint)jobIndex);
        return (int)new UniformStream(seed).Below((ulong)traceLength);
    }

    private static void RequireBeta(ReadOnlySpan<byte> beta)
    {
        if (beta.Length != EcVrf.OutputSize) throw new ArgumentException($"a VRF output is {EcVrf.OutputSize} bytes, not {beta.Length}");
    }
}
