using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Running totals of normalized deviations n_i = |Δ_i| / τ_i, per kind of value (evidence, statistics, sketch), for the
/// aggregate test and for calibration reports.
/// </summary>
public sealed class DeviationTally
{
    private readonly Dictionary<RejectReason, (double Max, double SumSquares, long Count)> _byKind = new();

    public long Count => _byKind.Values.Sum(k => k.Count);

    public double Max => _byKind.Count == 0 ? 0 : _byKind.Values.Max(k => k.Max);

    /// <summary>The aggregate statistic: mean of n_i² over every value added (0 when none).</summary>
    public double MeanSquare => Count == 0 ? 0 : _byKind.Values.Sum(k => k.SumSquares) / Count;

    public void Add(RejectReason kind, double normalized)
    {
        var k = _byKind.GetValueOrDefault(kind);
        _byKind[kind] = (Math.Max(k.Max, normalized), k.SumSquares + normalized * normalized, k.Count + 1);
    }

    /// <summary>The kind of value contributing most to the aggregate, to name it in a rejection.</summary>
    public RejectReason DominantKind() => _byKind.MaxBy(k => k.Value.SumSquares).Key;

}
