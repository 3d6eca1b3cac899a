namespace TensorCash.Node.Mempool;

/// <summary>
/// The pool's totals for getmempoolinfo: transaction count, serialized bytes, sum of fees, the size cap, the fee rate a
/// newcomer must pay now (the larger of the relay minimum and the rolling minimum set by evictions), and the relay minimum.
/// </summary>
public sealed record MempoolInfo(int Count, long Bytes, long TotalFees, long MaxBytes, FeeRate MinimumFeeRate, FeeRate MinimumRelayFeeRate);
