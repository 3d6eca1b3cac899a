using TensorCash.Engine.Model;
using TensorCash.Proof.Models;

namespace TensorCash.Proving.Audit;

/// <summary>The weight audit's checks (docs/protocol/registry.md §5 and §6), in the order a report lists them.</summary>
public enum AuditCheck
{
    /// <summary>The files' total size against the tensors' bytes: no more than 1 % + 16 MiB over, never under.</summary>
    FileSize,
    /// <summary>Every 2-D tensor has one dtype (a registration names it) and every 1-D tensor is F32 or that dtype.</summary>
    Layout,
    /// <summary>No NaN or infinity anywhere.</summary>
    NonFinite,
    /// <summary>No tensor other than a q/k/v bias is all zero.</summary>
    ZeroTensor,
    /// <summary>No matrix is the identity, diagonal, or has at most one nonzero per row (a permutation or selection).</summary>
    IdentityMatrix,
    /// <summary>No two tensors with the same role suffix (wq, w_down, …) hold the same bytes.</summary>
    DuplicateTensor,
    /// <summary>No matrix is (nearly) one value repeated; 1-D tensors that are constant are a warning.</summary>
    NearConstant,
    /// <summary>Every matrix has rank at least k = min(rows, cols, 32) by a randomized sketch.</summary>
    RankDeficient,
    /// <summary>Every layer changes the residual stream on the probe prompts.</summary>
    DeadLayer,
    /// <summary>The LM head's logits on the probes vary over the vocabulary and the positions, with entropy above 0.1 nats.</summary>
    LmHead,
}

public enum AuditSeverity
{
    /// <summary>The model is hollow or unusable: the audit fails.</summary>
    Fail,
    /// <summary>Suspicious but possibly legitimate (a constant norm vector, duplicated norm weights): reported, does not fail.</summary>
    Warn,
}

/// <summary>What a check said about one model: passed, warned, failed, or skipped (e.g. no files for a builtin model).</summary>
public enum AuditStatus { Pass, Warn, Fail, Skipped }

/// <summary>
/// One problem the audit found. <see cref="TensorIndices"/> are leaf indices in <see cref="ModelIdentity.Leaves"/> order
/// (<see cref="ModelDescriptor.ExpectedTensors"/>), so a fraud proof (registry.md §4) can be built from a finding:
/// a zero tensor names one index, a duplicate names two or more, a dead layer names all of that layer's tensors.
/// </summary>
public sealed record AuditFinding(AuditCheck Check, AuditSeverity Severity, string? Tensor, string Message, IReadOnlyList<int> TensorIndices)
{
    public override string ToString() => $"{(Severity == AuditSeverity.Fail ? "FAIL" : "WARN")} {Check}: {Message}";
}

/// <summary>One line of the report per check.</summary>
public sealed record AuditCheckResult(AuditCheck Check, AuditStatus Status, string Summary);

/// <summary>What the probes measured: the relative residual update of each layer, and the LM head's statistics.</summary>
public sealed record ProbeSummary(
    IReadOnlyList<int[]> Prompts,
    /// <summary>Per layer: sqrt(Σ‖x_out − x_in‖²) / sqrt(Σ‖x_in‖²) over every position of every probe.</summary>
    IReadOnlyList<double> LayerUpdates,
    /// <summary>Mean over positions of the entropy of softmax(logits), in nats.</summary>
    double MeanEntropyNats,
    /// <summary>Mean over positions of the largest probability.</summary>
    double MeanTopProbability);

/// <summary>
/// The weight audit of one model (<see cref="ModelAuditor.Audit"/>): identity, sizes, every check's status and the
/// findings. Every number is a deterministic function of the weights (fixed-order double arithmetic, seeds from the
/// model id), so every node that audits the same model prints the same report.
/// </summary>
public sealed record AuditReport(
    string Source,
    string ModelIdHex,
    ModelDescriptor Descriptor,
    string TensorRootHex,
    /// <summary>The dtype of the 2-D tensors, or null if they mix dtypes (a <see cref="AuditCheck.Layout"/> failure).</summary>
    TensorDType? WeightDType,
    int TensorCount,
    long ParameterCount,
    /// <summary>2 × the weights multiplied per token (attention and MLP projections, LM head).</summary>
    long MatmulFlopsPerToken,
    /// <summary>4 × layers × heads × head dim: FLOPs per attended position per token.</summary>
    long AttentionFlopsPerPosition,
    /// <summary>Σ of the tensors' byte lengths (what the files must at least hold).</summary>
    long WeightBytes,
    /// <summary>Σ of the model files' sizes; null for a model without files (builtin, in memory).</summary>
    long? FileBytes,
    /// <summary>The most the files may hold: <see cref="WeightBytes"/> + 1 % + 16 MiB.</summary>
    long MaxFileBytes,
    IReadOnlyList<AuditCheckResult> Checks,
    IReadOnlyList<AuditFinding> Findings,
    ProbeSummary? Probes)
{
    /// <summary>No finding of severity <see cref="AuditSeverity.Fail"/>.</summary>
    public bool Passed => Findings.All(f => f.Severity != AuditSeverity.Fail);

    public IEnumerable<AuditFinding> Failures => Findings.Where(f => f.Severity == AuditSeverity.Fail);
}

/// <summary>
/// Thresholds and effort of the audit. The defaults are what `tensorcash model audit` runs; results do not depend on
/// <see cref="Threads"/>.
/// </summary>
public sealed record AuditOptions
{
    public static AuditOptions Default { get; } = new();

    /// <summary>Threads for the tensor scans and the probe forward (speed only: the report is the same at any count).</summary>
    public int Threads { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Probe prompts derived from the model id, and their length in tokens.</summary>
    public int ProbeCount { get; init; } = 2;
    public int ProbeTokens { get; init; } = 16;
    /// <summary>False skips the forward probes (dead layers, LM head): tensor checks only.</summary>
    public bool RunProbes { get; init; } = true;
    /// <summary>The rank sketch's k: min(rows, cols, this).</summary>
    public int SketchColumns { get; init; } = 32;
    /// <summary>
    /// A sketch column is dependent when its Gram–Schmidt residual falls below this fraction of its norm. F32: 1e-6; a
    /// 16-bit or Q8_0 matrix that is low-rank before rounding is only low-rank to its rounding error, so the tolerance
    /// is max(this, 4 × the dtype's unit roundoff): 2^-9 for F16, 2^-6 for BF16 and Q8_0.
    /// </summary>
    public double RankTolerance { get; init; } = 1e-6;
    /// <summary>A layer is dead when its relative residual update on the probes is below this.</summary>
    public double DeadLayerThreshold { get; init; } = 1e-6;
    /// <summary>The mean entropy of the probes' next-token distributions must exceed this (nats).</summary>
    public double MinMeanEntropyNats { get; init; } = 0.1;
    /// <summary>A tensor is near-constant when the standard deviation of its elements is below this fraction of their RMS.</summary>
    public double NearConstantRelativeStd { get; init; } = 1e-4;
    /// <summary>Files may exceed the tensors' bytes by this fraction plus <see cref="FileSizeSlackBytes"/> (headers, metadata, vocabulary).</summary>
    public double FileSizeSlack { get; init; } = 0.01;
    public long FileSizeSlackBytes { get; init; } = 16L << 20;

    public double RankToleranceFor(TensorDType dtype) => Math.Max(RankTolerance, dtype switch
    {
        TensorDType.F16 => 4.0 / (1 << 11),
        TensorDType.BF16 or TensorDType.Q8_0 => 4.0 / (1 << 8),
        _ => 0,
    });
}
