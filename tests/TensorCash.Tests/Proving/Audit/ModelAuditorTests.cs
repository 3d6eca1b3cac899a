using System.Diagnostics;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Proving;
using TensorCash.Proving.Audit;

namespace TensorCash.Tests.Proving.Audit;

/// <summary>The weight audit: builtin models pass, each hollow model fails with the check that describes its defect.</summary>
public class ModelAuditorTests
{
    private static AuditReport Audit(ModelWeights weights, AuditOptions? options = null) =>
        ModelAuditor.Audit(weights, ModelIdentity.Compute(weights), options);

    private static AuditReport Audit(ModelTensors model)
    {
        using var weights = HollowModels.Build(model);
        return Audit(weights);
    }

    [TestCase(BuiltinModels.TinyName)]
    [TestCase(BuiltinModels.NanoName)]
    public void BuiltinModelsPassQuickly(string name)
    {
        using var weights = BuiltinModels.Load(name);
        var identity = ModelIdentity.Compute(weights);
        ModelAuditor.Audit(weights, identity); // warm-up (JIT)
        var clock = Stopwatch.StartNew();
        var report = ModelAuditor.Audit(weights, identity);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.That(report.Passed, Is.True, string.Join("\n", report.Findings));
        Assert.That(report.Findings, Is.Empty, string.Join("\n", report.Findings));
        Assert.That(report.Checks.Select(c => c.Check), Is.EqualTo(Enum.GetValues<AuditCheck>()));
        Assert.That(report.Checks.Single(c => c.Check == AuditCheck.FileSize).Status, Is.EqualTo(AuditStatus.Skipped));
        Assert.That(report.Checks.Where(c => c.Check != AuditCheck.FileSize).Select(c => c.Status), Is.All.EqualTo(AuditStatus.Pass));
        Assert.That(report.ModelIdHex, Is.EqualTo(identity.Hex));
        Assert.That(report.WeightDType, Is.EqualTo(TensorDType.F32));
        Assert.That(report.Probes!.LayerUpdates, Has.Count.EqualTo(weights.Config.LayerCount));
        Assert.That(report.Probes.MeanEntropyNats, Is.GreaterThan(0.1));
        Assert.That(seconds, Is.LessThan(2.0), "a builtin model audits in well under a second (2 s allows a loaded test machine)");
    }

    [Test]
    public void TheReportIsTheSameAtAnyThreadCount()
    {
        using var weights = HollowModels.Build(HollowModels.Rank1Wq());
        var identity = ModelIdentity.Compute(weights);
        var one = ModelAuditor.Audit(weights, identity, new AuditOptions { Threads = 1 });
        var three = ModelAuditor.Audit(weights, identity, new AuditOptions { Threads = 3 });
        Assert.That(three.Probes!.LayerUpdates, Is.EqualTo(one.Probes!.LayerUpdates));
        Assert.That(three.Probes.MeanEntropyNats, Is.EqualTo(one.Probes.MeanEntropyNats));
        Assert.That(three.Findings.Select(f => f.ToString()), Is.EqualTo(one.Findings.Select(f => f.ToString())));
        Assert.That(three.Checks, Is.EqualTo(one.Checks));
    }

    [Test]
    public void TheHealthyBaseModelPasses()
    {
        var report = Audit(HollowModels.Healthy());
        Assert.That(report.Passed, Is.True, string.Join("\n", report.Findings));
    }

    [Test]
    public void AZeroedWDownIsAZeroTensor()
    {
        var report = Audit(HollowModels.ZeroedWDown(layer: 0));
        Assert.That(report.Passed, Is.False);
        var zero = report.Failures.Single(f => f.Check == AuditCheck.ZeroTensor);
        Assert.That(zero.Tensor, Is.EqualTo("layers.0.w_down"));
        Assert.That(zero.TensorIndices, Is.EqualTo(new[] { LeafIndex(report, "layers.0.w_down") }));
        Assert.That(report.Failures.Select(f => f.Check), Has.No.Member(AuditCheck.RankDeficient), "a zero tensor is reported once");
        Assert.That(report.Failures.Select(f => f.Check), Has.No.Member(AuditCheck.DeadLayer), "attention still updates layer 0");
    }

    [Test]
    public void ADuplicatedLayerIsFoundTensorByTensor()
    {
        var report = Audit(HollowModels.DuplicatedLayer());
        var duplicates = report.Failures.Where(f => f.Check == AuditCheck.DuplicateTensor).ToList();
        Assert.That(duplicates.Select(f => f.Tensor), Is.EqualTo(new[] { "layers.0.wq", "layers.0.wk", "layers.0.wv", "layers.0.wo", "layers.0.w_gate", "layers.0.w_up", "layers.0.w_down" }));
        foreach (var d in duplicates)
        {
            string suffix = d.Tensor!["layers.0.".Length..];
            Assert.That(d.TensorIndices, Is.EqualTo(new[] { LeafIndex(report, "layers.0." + suffix), LeafIndex(report, "layers.1." + suffix) }));
        }
        // The norm vectors are duplicated too: a warning, not a failure.
        Assert.That(report.Findings.Where(f => f.Check == AuditCheck.DuplicateTensor && f.Severity == AuditSeverity.Warn).Select(f => f.Tensor),
            Is.EqualTo(new[] { "layers.0.attn_norm", "layers.0.ffn_norm" }));
    }

    [Test]
    public void AnIdentityWoIsFound()
    {
        var report = Audit(HollowModels.IdentityWo(layer: 1));
        var f = report.Failures.Single(x => x.Check == AuditCheck.IdentityMatrix);
        Assert.That(f.Tensor, Is.EqualTo("layers.1.wo"));
        Assert.That(f.Message, Does.Contain("identity"));
        Assert.That(f.TensorIndices, Is.EqualTo(new[] { LeafIndex(report, "layers.1.wo") }));
    }

    [Test]
    public void ARank1WqIsRankDeficient()
    {
        var report = Audit(HollowModels.Rank1Wq(layer: 0));
        var f = report.Failures.Single(x => x.Check == AuditCheck.RankDeficient);
        Assert.That(f.Tensor, Is.EqualTo("layers.0.wq"));
        Assert.That(f.Message, Does.Match("rank about [12] "));
        Assert.That(report.Failures.Count(), Is.EqualTo(1), string.Join("\n", report.Findings));
    }

    [Test]
    public void ARank1WqStoredInBf16IsStillRankDeficient()
    {
        using var weights = HollowModels.Build(HollowModels.Rank1Wq(layer: 0), TensorDType.BF16);
        var report = Audit(weights);
        Assert.That(report.Failures.Select(f => (f.Check, f.Tensor)), Is.EqualTo(new[] { (AuditCheck.RankDeficient, (string?)"layers.0.wq") }));
    }

    [Test]
    public void ADeadLayerIsBothZeroTensorsAndADeadLayer()
    {
        var report = Audit(HollowModels.DeadLayer(layer: 1));
        Assert.That(report.Failures.Where(f => f.Check == AuditCheck.ZeroTensor).Select(f => f.Tensor), Is.EqualTo(new[] { "layers.1.wo", "layers.1.w_down" }));
        var dead = report.Failures.Single(f => f.Check == AuditCheck.DeadLayer);
        Assert.That(dead.Tensor, Is.EqualTo("layers.1"));
        Assert.That(report.Probes!.LayerUpdates[1], Is.EqualTo(0));
        Assert.That(report.Probes.LayerUpdates[0], Is.GreaterThan(1e-3));
        var identity = report.Descriptor.ExpectedTensors().Select((t, i) => (t, i)).Where(x => x.t.Role.StartsWith("layers.1.")).Select(x => x.i);
        Assert.That(dead.TensorIndices, Is.EqualTo(identity));
    }

    [Test]
    public void AConstantLmHeadIsFound()
    {
        var report = Audit(HollowModels.ConstantLmHead());
        var f = report.Failures.First(x => x.Check == AuditCheck.LmHead);
        Assert.That(f.Tensor, Is.EqualTo("output"));
        Assert.That(f.Message, Does.Contain("constant across the vocabulary"));
        Assert.That(report.Checks.Single(c => c.Check == AuditCheck.LmHead).Status, Is.EqualTo(AuditStatus.Fail));
    }

    [Test]
    public void AConstantMatrixIsNearConstantAndAConstantNormAWarning()
    {
        var model = HollowModels.Healthy()
            .Replace(HollowModels.Name(0, HfTensorNames.WUp), t => Enumerable.Repeat(0.25f, (int)t.ElementCount).ToArray())
            .Replace(HollowModels.Name(0, HfTensorNames.FfnNorm), t => Enumerable.Repeat(1f, (int)t.ElementCount).ToArray());
        var report = Audit(model);
        var constant = report.Findings.Where(f => f.Check == AuditCheck.NearConstant).ToList();
        Assert.That(constant.Select(f => (f.Tensor, f.Severity)), Is.EqualTo(new[] { ((string?)"layers.0.ffn_norm", AuditSeverity.Warn), ("layers.0.w_up", AuditSeverity.Fail) }));
    }

    [Test]
    public void NonFiniteWeightsFail()
    {
        var report = Audit(HollowModels.Healthy().Replace(HollowModels.Name(1, HfTensorNames.WGate), t =>
        {
            var v = t.Values();
            v[5] = float.NaN;
            return v;
        }));
        Assert.That(report.Failures.Select(f => (f.Check, f.Tensor)), Has.Member((AuditCheck.NonFinite, (string?)"layers.1.w_gate")));
    }

    [Test]
    public void MixedMatrixDTypesFailTheLayoutCheck()
    {
        // Q8_0 in memory keeps rows that are not whole 32-blocks in F16 (as the GGUF writer does): d_ff 80 makes w_down F16.
        using var weights = RandomModelFactory.CreateWeights(HollowModels.Spec with { FeedForwardDim = 80 }, TensorDType.Q8_0);
        var identity = ModelIdentity.Compute(weights);
        Assert.That(identity.HasUniformWeightDType, Is.False);
        var e = Assert.Throws<ModelFormatException>(() => _ = identity.WeightDType)!;
        Assert.That(e.Message, Does.Contain("mix dtypes"));
        var report = ModelAuditor.Audit(weights, identity, new AuditOptions { RunProbes = false });
        var layout = report.Failures.Single(f => f.Check == AuditCheck.Layout);
        Assert.That(layout.TensorIndices, Is.EqualTo(new[] { LeafIndex(report, "layers.0.w_down"), LeafIndex(report, "layers.1.w_down") }));
        Assert.That(report.WeightDType, Is.Null);
    }

    [Test]
    public void FileSizeIsCheckedAgainstTheTensors()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tc-audit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string gguf = Path.Combine(dir, "m.gguf");
            RandomModelFiles.Write(HollowModels.Spec, TensorDType.F32, gguf);
            using (var weights = ModelLoader.Load(gguf))
            {
                var report = Audit(weights);
                Assert.That(report.Passed, Is.True, string.Join("\n", report.Findings));
                Assert.That(report.FileBytes, Is.EqualTo(new FileInfo(gguf).Length));
                Assert.That(report.FileBytes, Is.GreaterThanOrEqualTo(report.WeightBytes));
            }
            // 20 MiB of padding is more than 1 % + 16 MiB of this model.
            using (var f = new FileStream(gguf, FileMode.Open)) f.SetLength(f.Length + (20L << 20));
            using (var weights = ModelLoader.Load(gguf))
            {
                var report = Audit(weights, new AuditOptions { RunProbes = false });
                Assert.That(report.Failures.Single().Check, Is.EqualTo(AuditCheck.FileSize));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int LeafIndex(AuditReport report, string role) =>
        report.Descriptor.ExpectedTensors().Select((t, i) => (t, i)).Single(x => x.t.Role == role).i;
}
