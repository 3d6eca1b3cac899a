using System.Buffers.Binary;
using System.Globalization;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Engine.Reference;
using TensorCash.Engine.Runtime;
using TensorCash.Proof.Models;

namespace TensorCash.Proving.Audit;

/// <summary>
/// The local weight audit (docs/protocol/registry.md §5, §6; `tensorcash model audit`): a miner signals support for a
/// registered model only if it passes. Tensor checks read every weight once (decoded to double row by row); the probe
/// checks run the float64 <see cref="ReferenceTransformer"/> on <see cref="AuditOptions.ProbeCount"/> prompts of
/// <see cref="AuditOptions.ProbeTokens"/> tokens derived from the model id. Everything is fixed-order IEEE double
/// arithmetic with seeds from the model id, so the report is the same on every machine and at every thread count.
/// The audit cannot show that weights are useful; §6 lists what it catches and what it cannot.
/// </summary>
public static class ModelAuditor
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static AuditReport Audit(ModelWeights weights, ModelIdentity identity, AuditOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(identity);
        options ??= AuditOptions.Default;
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "threads must be at least 1");
        if (options.ProbeTokens is < 2 or > 256) throw new ArgumentOutOfRangeException(nameof(options), options.ProbeTokens, "probe length must be in 2..256");
        if (options.ProbeCount is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(options), options.ProbeCount, "probe count must be in 1..16");

        var tensors = ModelIdentity.TensorsInOrder(weights, identity.Descriptor);
        var leaves = identity.Leaves;
        if (leaves.Count != tensors.Count) throw new ArgumentException("the identity was computed from other weights (tensor count differs)", nameof(identity));
        for (int i = 0; i < leaves.Count; i++)
            if (leaves[i].Role != tensors[i].Role || leaves[i].ByteLength != tensors[i].View.ByteLength || leaves[i].DType != (byte)tensors[i].View.DType)
                throw new ArgumentException($"the identity was computed from other weights (tensor {i}, {leaves[i].Role}, differs)", nameof(identity));

        ulong seed = BinaryPrimitives.ReadUInt64LittleEndian(identity.Id);
        var findings = new List<AuditFinding>();
        var checks = new List<AuditCheckResult>();
        var inspection = ModelInspector.Inspect(weights);
        long weightBytes = leaves.Sum(l => l.ByteLength);

        // File size.
        var files = weights.Files.Distinct(StringComparer.Ordinal).Where(File.Exists).ToList();
        long? fileBytes = files.Count > 0 ? files.Sum(f => new FileInfo(f).Length) : null;
        long maxFileBytes = weightBytes + (long)Math.Ceiling(weightBytes * options.FileSizeSlack) + options.FileSizeSlackBytes;
        checks.Add(FileSizeCheck(fileBytes, weightBytes, maxFileBytes, findings));

        // Layout: one dtype for the matrices, 1-D tensors F32 or that dtype.
        checks.Add(LayoutCheck(tensors, identity, findings));

        // Tensor scans.
        var scans = new TensorScan[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var view = tensors[i].View;
            bool matrix = view.Shape.Length == 2;
            scans[i] = TensorScan.Run(view, matrix, options.SketchColumns, options.RankToleranceFor(view.DType),
                SplitMix64.Mix(seed ^ (0x5EE7_0000_0000UL + (ulong)i)), options.Threads);
        }
        checks.Add(TensorCheck(AuditCheck.NonFinite, findings, NonFinite(tensors, scans)));
        checks.Add(TensorCheck(AuditCheck.ZeroTensor, findings, Zero(leaves, scans)));
        checks.Add(TensorCheck(AuditCheck.IdentityMatrix, findings, IdentityLike(tensors, scans)));
        checks.Add(TensorCheck(AuditCheck.DuplicateTensor, findings, Duplicates(leaves, scans)));
        checks.Add(TensorCheck(AuditCheck.NearConstant, findings, NearConstant(leaves, scans, options)));
        checks.Add(TensorCheck(AuditCheck.RankDeficient, findings, RankDeficient(tensors, scans, options)));

        // Probes.
        ProbeSummary? probes = null;
        if (options.RunProbes)
        {
            cancellation.ThrowIfCancellationRequested();
            (probes, var logits) = RunProbes(weights, identity.Id, options);
            checks.Add(TensorCheck(AuditCheck.DeadLayer, findings, DeadLayers(identity.Descriptor, leaves, probes, options)));
            checks.Add(TensorCheck(AuditCheck.LmHead, findings, LmHead(weights, leaves, probes, logits, options)));
        }
        else
        {
            checks.Add(new AuditCheckResult(AuditCheck.DeadLayer, AuditStatus.Skipped, "probes not run"));
            checks.Add(new AuditCheckResult(AuditCheck.LmHead, AuditStatus.Skipped, "probes not run"));
        }

        return new AuditReport(
            weights.Source, identity.Hex, identity.Descriptor, Convert.ToHexString(identity.TensorRoot).ToLowerInvariant(),
            identity.HasUniformWeightDType ? identity.WeightDType : null, leaves.Count, inspection.ParameterCount,
            inspection.MatmulFlopsPerToken, inspection.AttentionFlopsPerPosition, weightBytes, fileBytes, maxFileBytes,
            checks, findings, probes);
    }

    /// <summary>The probe prompts of a model: <paramref name="count"/> prompts of <paramref name="length"/> tokens, uniform over the vocabulary, from the id's first 8 bytes.</summary>
    public static int[][] ProbePrompts(byte[] modelId, int vocab, int count, int length)
    {
        ulong seed = BinaryPrimitives.ReadUInt64LittleEndian(modelId);
        var prompts = new int[count][];
        for (int p = 0; p < count; p++)
        {
            var rng = new SplitMix64(SplitMix64.Mix(seed ^ (0x9B0B_E000_0000UL + (ulong)p)));
            prompts[p] = new int[length];
            for (int t = 0; t < length; t++) prompts[p][t] = (int)(rng.Next() % (ulong)vocab);
        }
        return prompts;
    }

    private static AuditCheckResult FileSizeCheck(long? fileBytes, long weightBytes, long maxFileBytes, List<AuditFinding> findings)
    {
        if (fileBytes is not { } actual)
            return new AuditCheckResult(AuditCheck.FileSize, AuditStatus.Skipped, "no model files (builtin or in-memory model)");
        string sizes = $"files {actual.ToString("N0", Inv)} bytes, tensors {weightBytes.ToString("N0", Inv)} bytes (at most {maxFileBytes.ToString("N0", Inv)} allowed)";
        if (actual < weightBytes)
        {
            findings.Add(new AuditFinding(AuditCheck.FileSize, AuditSeverity.Fail, null, $"{sizes}: the files are smaller than the tensors they hold", []));
            return new AuditCheckResult(AuditCheck.FileSize, AuditStatus.Fail, sizes);
        }
        if (actual > maxFileBytes)
        {
            findings.Add(new AuditFinding(AuditCheck.FileSize, AuditSeverity.Fail, null,
                $"{sizes}: {(actual - weightBytes).ToString("N0", Inv)} bytes beyond the tensors the engine uses (unused tensors or padding)", []));
            return new AuditCheckResult(AuditCheck.FileSize, AuditStatus.Fail, sizes);
        }
        return new AuditCheckResult(AuditCheck.FileSize, AuditStatus.Pass, sizes);
    }

    private static AuditCheckResult LayoutCheck(IReadOnlyList<(string Role, TensorView View)> tensors, ModelIdentity identity, List<AuditFinding> findings)
    {
        if (!identity.HasUniformWeightDType)
        {
            var groups = tensors.Select((t, i) => (t, i)).Where(x => x.t.View.Shape.Length == 2).GroupBy(x => x.t.View.DType).OrderByDescending(g => g.Count()).ToList();
            var minority = groups.Skip(1).SelectMany(g => g).Select(x => x.i).ToList();
            string text = "matrices mix dtypes: " + string.Join(", ", groups.Select(g => $"{g.Key} ({g.Count()}, e.g. {g.First().t.Role})"));
            findings.Add(new AuditFinding(AuditCheck.Layout, AuditSeverity.Fail, tensors[minority[0]].Role, text + "; a registration names one weight dtype", minority));
            return new AuditCheckResult(AuditCheck.Layout, AuditStatus.Fail, text);
        }
        var dtype = identity.WeightDType;
        var odd = tensors.Select((t, i) => (t, i)).Where(x => x.t.View.Shape.Length == 1 && x.t.View.DType != TensorDType.F32 && x.t.View.DType != dtype).ToList();
        foreach (var (t, i) in odd)
            findings.Add(new AuditFinding(AuditCheck.Layout, AuditSeverity.Fail, t.Role, $"{t.Role} is {t.View.DType}; a vector must be F32 or the weight dtype {dtype}", [i]));
        return odd.Count > 0
            ? new AuditCheckResult(AuditCheck.Layout, AuditStatus.Fail, $"{odd.Count} vectors in a third dtype")
            : new AuditCheckResult(AuditCheck.Layout, AuditStatus.Pass, $"{tensors.Count} tensors in canonical order, matrices {dtype}");
    }

    private static AuditCheckResult TensorCheck(AuditCheck check, List<AuditFinding> all, (List<AuditFinding> Found, string PassSummary) result)
    {
        all.AddRange(result.Found);
        var status = result.Found.Any(f => f.Severity == AuditSeverity.Fail) ? AuditStatus.Fail
            : result.Found.Count > 0 ? AuditStatus.Warn : AuditStatus.Pass;
        string summary = result.Found.Count == 0 ? result.PassSummary
            : result.Found.Count == 1 ? result.Found[0].Message
            : $"{result.Found.Count} findings; first: {result.Found[0].Message}";
        return new AuditCheckResult(check, status, summary);
    }

    private static (List<AuditFinding>, string) NonFinite(IReadOnlyList<(string Role, TensorView View)> tensors, TensorScan[] scans)
    {
        var found = new List<AuditFinding>();
        for (int i = 0; i < scans.Length; i++)
            if (scans[i].NonFinite > 0)
                found.Add(new AuditFinding(AuditCheck.NonFinite, AuditSeverity.Fail, tensors[i].Role,
                    $"{tensors[i].Role} has {scans[i].NonFinite.ToString("N0", Inv)} NaN or infinite elements", [i]));
        return (found, "every element finite");
    }

    private static (List<AuditFinding>, string) Zero(IReadOnlyList<TensorLeaf> leaves, TensorScan[] scans)
    {
        var found = new List<AuditFinding>();
        for (int i = 0; i < scans.Length; i++)
            if (scans[i].IsZero && !leaves[i].IsBias)
                found.Add(new AuditFinding(AuditCheck.ZeroTensor, AuditSeverity.Fail, leaves[i].Role,
                    $"{leaves[i].Role} is all zero ({scans[i].Elements.ToString("N0", Inv)} elements)", [i]));
        return (found, "no tensor is all zero (biases may be)");
    }

    private static (List<AuditFinding>, string) IdentityLike(IReadOnlyList<(string Role, TensorView View)> tensors, TensorScan[] scans)
    {
        var found = new List<AuditFinding>();
        for (int i = 0; i < scans.Length; i++)
        {
            var s = scans[i];
            var view = tensors[i].View;
            if (view.Shape.Length != 2 || s.IsZero || s.DenseRows > 0) continue;
            string role = tensors[i].Role;
            string what = s.Identity ? "is the identity matrix"
                : s.Diagonal ? "is a diagonal matrix"
                : "has at most one nonzero per row (a permutation, selection or scaled copy)";
            found.Add(new AuditFinding(AuditCheck.IdentityMatrix, AuditSeverity.Fail, role, $"{role} [{view.Rows} x {view.Cols}] {what}", [i]));
        }
        return (found, "no identity, diagonal or one-nonzero-per-row matrix");
    }

    private static (List<AuditFinding>, string) Duplicates(IReadOnlyList<TensorLeaf> leaves, TensorScan[] scans)
    {
        var found = new List<AuditFinding>();
        var groups = leaves.Select((l, i) => (l, i))
            .GroupBy(x => (x.l.RoleSuffix, Convert.ToHexString(x.l.DataHash), string.Join(",", x.l.Shape)))
            .Where(g => g.Count() > 1);
        foreach (var g in groups)
        {
            var members = g.OrderBy(x => x.i).ToList();
            var first = members[0].l;
            if (first.IsBias && scans[members[0].i].IsZero) continue; // zero biases are legitimately equal
            bool matrix = first.Shape.Length == 2;
            string others = string.Join(", ", members.Skip(1).Select(x => x.l.Role));
            found.Add(new AuditFinding(AuditCheck.DuplicateTensor, matrix ? AuditSeverity.Fail : AuditSeverity.Warn, first.Role,
                $"{others} {(members.Count == 2 ? "holds" : "hold")} the same bytes as {first.Role}", members.Select(x => x.i).ToList()));
        }
        found.Sort((a, b) => a.TensorIndices[0].CompareTo(b.TensorIndices[0]));
        return (found, "no two tensors of the same role hold the same bytes");
    }

    private static (List<AuditFinding>, string) NearConstant(IReadOnlyList<TensorLeaf> leaves, TensorScan[] scans, AuditOptions options)
    {
        var found = new List<AuditFinding>();
        for (int i = 0; i < scans.Length; i++)
        {
            var s = scans[i];
            if (s.IsZero || s.NonFinite > 0 || s.Elements < 2) continue;
            if (!(s.Std <= options.NearConstantRelativeStd * s.Rms)) continue;
            bool matrix = leaves[i].Shape.Length == 2;
            if (!matrix && leaves[i].IsBias) continue;
            string text = $"{leaves[i].Role} is {(s.Std == 0 ? "constant" : "nearly constant")}: mean {s.Mean.ToString("G6", Inv)}, std {s.Std.ToString("G3", Inv)} (relative {(s.Std / s.Rms).ToString("G3", Inv)})";
            found.Add(new AuditFinding(AuditCheck.NearConstant, matrix ? AuditSeverity.Fail : AuditSeverity.Warn, leaves[i].Role,
                matrix ? text : text + " (an untrained or folded norm vector)", [i]));
        }
        return (found, "no tensor is one value repeated");
    }

    private static (List<AuditFinding>, string) RankDeficient(IReadOnlyList<(string Role, TensorView View)> tensors, TensorScan[] scans, AuditOptions options)
    {
        var found = new List<AuditFinding>();
        int sketched = 0;
        for (int i = 0; i < scans.Length; i++)
        {
            var s = scans[i];
            if (s.SketchColumns == 0 || s.IsZero || s.NonFinite > 0) continue;
            sketched++;
            if (s.DependentColumns == 0) continue;
            var view = tensors[i].View;
            found.Add(new AuditFinding(AuditCheck.RankDeficient, AuditSeverity.Fail, tensors[i].Role,
                $"{tensors[i].Role} [{view.Rows} x {view.Cols}] has rank about {s.SketchColumns - s.DependentColumns} (< {s.SketchColumns}): " +
                $"{s.DependentColumns} of {s.SketchColumns} sketch columns dependent at tolerance {options.RankToleranceFor(view.DType).ToString("G3", Inv)}", [i]));
        }
        return (found, $"{sketched} matrices have rank at least min(rows, cols, {options.SketchColumns})");
    }

    /// <summary>The reference forward on each probe: per-layer relative updates, entropy statistics, and every position's logits.</summary>
    private static (ProbeSummary Summary, List<double[]> Logits) RunProbes(ModelWeights weights, byte[] modelId, AuditOptions options)
    {
        var c = weights.Config;
        var prompts = ProbePrompts(modelId, c.VocabSize, options.ProbeCount, options.ProbeTokens);
        var reference = new ReferenceTransformer(weights, options.Threads);
        var updateSquares = new double[c.LayerCount];
        var inputSquares = new double[c.LayerCount];
        double entropySum = 0, topSum = 0;
        int positions = 0;
        var logits = new List<double[]>();
        foreach (var prompt in prompts)
        {
            var rows = reference.Forward(prompt, (layer, before, after) =>
            {
                for (int t = 0; t < before.Length; t++)
                {
                    inputSquares[layer] += ReferenceMath.SumOfSquares(before[t]);
                    var delta = new double[before[t].Length];
                    for (int i = 0; i < delta.Length; i++) delta[i] = after[t][i] - before[t][i];
                    updateSquares[layer] += ReferenceMath.SumOfSquares(delta);
                }
            });
            for (int t = 0; t < prompt.Length; t++)
            {
                var row = new double[c.VocabSize];
                for (int v = 0; v < row.Length; v++) row[v] = rows[t, v];
                logits.Add(row);
                var (entropy, top) = EntropyAndTop(row);
                entropySum += entropy;
                topSum += top;
                positions++;
            }
        }
        var updates = new double[c.LayerCount];
        for (int l = 0; l < updates.Length; l++)
            updates[l] = inputSquares[l] > 0 ? Math.Sqrt(updateSquares[l]) / Math.Sqrt(inputSquares[l]) : (updateSquares[l] > 0 ? double.PositiveInfinity : 0);
        return (new ProbeSummary(prompts, updates, entropySum / positions, topSum / positions), logits);
    }

    /// <summary>Entropy (nats) and largest probability of softmax(logits), with <see cref="DeterministicMath"/>.</summary>
    private static (double Entropy, double Top) EntropyAndTop(double[] logits)
    {
        double max = double.NegativeInfinity;
        foreach (double v in logits) max = Math.Max(max, v);
        double sum = 0;
        var e = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++) sum += e[i] = DeterministicMath.Exp(logits[i] - max);
        double entropy = 0, top = 0;
        double logSum = DeterministicMath.Log(sum);
        for (int i = 0; i < logits.Length; i++)
        {
            double p = e[i] / sum;
            if (p > 0) entropy -= p * (logits[i] - max - logSum);
            top = Math.Max(top, p);
        }
        return (entropy, top);
    }

    private static (List<AuditFinding>, string) DeadLayers(ModelDescriptor descriptor, IReadOnlyList<TensorLeaf> leaves, ProbeSummary probes, AuditOptions options)
    {
        var found = new List<AuditFinding>();
        for (int l = 0; l < probes.LayerUpdates.Count; l++)
        {
            double u = probes.LayerUpdates[l];
            if (u >= options.DeadLayerThreshold) continue;
            string prefix = $"layers.{l}.";
            var indices = leaves.Select((x, i) => (x, i)).Where(x => x.x.Role.StartsWith(prefix, StringComparison.Ordinal)).Select(x => x.i).ToList();
            found.Add(new AuditFinding(AuditCheck.DeadLayer, AuditSeverity.Fail, $"layers.{l}",
                $"layer {l} leaves the residual stream unchanged on the probes (relative update {u.ToString("G3", Inv)} < {options.DeadLayerThreshold.ToString("G3", Inv)})", indices));
        }
        string min = probes.LayerUpdates.Count == 0 ? "" : $"; smallest relative update {probes.LayerUpdates.Min().ToString("G3", Inv)} (layer {IndexOfMin(probes.LayerUpdates)})";
        return (found, $"every layer of {descriptor.LayerCount} changes the residual stream{min}");
    }

    private static int IndexOfMin(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++) if (values[i] < values[best]) best = i;
        return best;
    }

    private static (List<AuditFinding>, string) LmHead(ModelWeights weights, IReadOnlyList<TensorLeaf> leaves, ProbeSummary probes, List<double[]> logits, AuditOptions options)
    {
        var found = new List<AuditFinding>();
        int headIndex = leaves.Select((x, i) => (x, i)).First(x => x.x.Role == (weights.Config.TiedEmbeddings ? "token_embedding" : "output")).i;
        string head = leaves[headIndex].Role;
        int[] indices = [headIndex];

        // Constant over the vocabulary: every logit of a position equal (relative to the largest magnitude).
        int flatPositions = 0;
        foreach (var row in logits)
        {
            double max = row.Max(), min = row.Min(), scale = Math.Max(1, row.Max(Math.Abs));
            if (max - min <= 1e-12 * scale) flatPositions++;
        }
        if (flatPositions == logits.Count)
            found.Add(new AuditFinding(AuditCheck.LmHead, AuditSeverity.Fail, head,
                $"the logits are constant across the vocabulary at every probe position ({head} gives every token the same score)", indices));

        // The same distribution at every position: centred logits equal to the first position's.
        else
        {
            var first = Centred(logits[0]);
            double scale = Math.Max(1, first.Max(Math.Abs));
            bool same = logits.Skip(1).All(row =>
            {
                var c = Centred(row);
                for (int i = 0; i < c.Length; i++) if (Math.Abs(c[i] - first[i]) > 1e-9 * scale) return false;
                return true;
            });
            if (same)
                found.Add(new AuditFinding(AuditCheck.LmHead, AuditSeverity.Fail, head,
                    "the next-token distribution is the same at every probe position: the output does not depend on the input", indices));
        }

        if (!(probes.MeanEntropyNats > options.MinMeanEntropyNats))
            found.Add(new AuditFinding(AuditCheck.LmHead, AuditSeverity.Fail, head,
                $"mean entropy {probes.MeanEntropyNats.ToString("G3", Inv)} nats ≤ {options.MinMeanEntropyNats.ToString("G3", Inv)}: the model (almost) always predicts one token", indices));

        // All mass on one token: the same token with probability ≥ 0.99 at every position.
        int? argmax = null;
        bool oneToken = true;
        foreach (var row in logits)
        {
            int best = 0;
            for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
            var (_, top) = EntropyAndTop(row);
            if (top < 0.99 || (argmax is { } a && a != best)) { oneToken = false; break; }
            argmax = best;
        }
        if (oneToken)
            found.Add(new AuditFinding(AuditCheck.LmHead, AuditSeverity.Fail, head,
                $"token {argmax} gets at least 99 % of the probability at every probe position", indices));

        return (found, $"logits vary over vocabulary and positions; mean entropy {probes.MeanEntropyNats.ToString("0.###", Inv)} nats, mean top probability {probes.MeanTopProbability.ToString("0.###", Inv)}");
    }

    private static double[] Centred(double[] row)
    {
        double mean = 0;
        foreach (double v in row) mean += v;
        mean /= row.Length;
        return row.Select(v => v - mean).ToArray();
    }
}
