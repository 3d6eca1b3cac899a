namespace TensorCash.Toolkit.Receipts;

/// <summary>
/// Every size a receipt, an epoch commitment or an opening may have. Checked before anything is allocated, so a hostile
/// length field can never make a verifier reserve more than these.
/// </summary>
public static class ReceiptLimits
{
    /// <summary>Kernel/runtime version string, ASCII.</summary>
    public const int MaxKernelVersionBytes = 64;

    /// <summary>An attestation quote. An Intel TDX quote with its certification data is about 5 KB; room for NVIDIA's report.</summary>
    public const int MaxQuoteBytes = 16 * 1024;

    /// <summary>Output positions one trace commitment may cover.</summary>
    public const int MaxTracePositions = 1 << 20;

    /// <summary>Receipts (jobs) one node may commit in one epoch.</summary>
    public const int MaxReceiptsPerEpoch = 1 << 24;

    /// <summary>
    /// Audit path nodes: the tree over at most 2^24 receipts or 2^20 positions is at most 24 levels deep. Paths longer
    /// than this are refused before they are read.
    /// </summary>
    public const int MaxPathLength = 32;

    /// <summary>The data-availability pointer of an epoch commitment (a URI or a content hash).</summary>
    public const int MaxDaPointerBytes = 128;

    /// <summary>A whole encoded receipt: the fixed fields, the kernel version and the largest quote.</summary>
    public const int MaxReceiptBytes = 512 + MaxKernelVersionBytes + MaxQuoteBytes;
}
