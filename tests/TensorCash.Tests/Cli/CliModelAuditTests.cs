using System.Text.Json;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Cli;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;
using TensorCash.Tests.Proving.Audit;

namespace TensorCash.Tests.Cli;

/// <summary>`tensorcash model audit` end to end: builtin models pass (exit 0), a hollow model file fails (exit 3).</summary>
[Category("Runtime")]
public class CliModelAuditTests
{
    private string _dir = "";

    [SetUp] public void SetUp() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "tc-cli-audit-" + Guid.NewGuid().ToString("N")));
    [TearDown] public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void BuiltinTinyPassesWithEveryCheckListed()
    {
        var run = CliRun.Of("model", "audit", "builtin:tiny", "--threads", "1");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Stdout + run.Stderr);
        Assert.That(run.Stdout, Does.Contain($"model id:      {ChainParams.BuiltinTinyModelIdHex}\n"));
        Assert.That(run.Stdout, Does.Contain("architecture:  Llama, 4 layers, d_model 128, 4 heads (kv 2, head_dim 32), d_ff 352, vocab 264, context 2048, tied"));
        Assert.That(run.Stdout, Does.Contain("file bytes:    none (builtin or in-memory model)"));
        foreach (var check in new[] { "file-size", "layout", "non-finite", "zero-tensor", "identity-matrix", "duplicate-tensor", "near-constant", "rank-deficient", "dead-layer", "lm-head" })
            Assert.That(run.Stdout, Does.Match($@"\n  (PASS|SKIP)\s+{check} "), check);
        Assert.That(run.Stdout, Does.Contain("verdict:       PASS"));
        Assert.That(run.Stderr, Is.Empty);
    }

    [Test]
    public void JsonOnBuiltinNano()
    {
        var run = CliRun.Of("model", "audit", "builtin:nano", "--json");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("layers").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("weight_dtype").GetString(), Is.EqualTo("f32"));
        Assert.That(root.GetProperty("checks").GetArrayLength(), Is.EqualTo(10));
        Assert.That(root.GetProperty("findings").GetArrayLength(), Is.EqualTo(0));
        Assert.That(root.GetProperty("probes").GetProperty("layer_updates").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("model_id").GetString(), Has.Length.EqualTo(64));
    }

    [Test]
    public void AHollowModelFileFailsWithExitCode3()
    {
        string path = Path.Combine(_dir, "hollow.gguf");
        GgufWriter.Write(HollowModels.ZeroedWDown(layer: 1), path, TensorDType.F32, GgufVocabulary.ByteLevel(HollowModels.Spec.VocabSize));
        var run = CliRun.Of("model", "audit", path);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.AuditFailed), run.Stdout + run.Stderr);
        Assert.That(run.Stdout, Does.Match(@"\n  FAIL\s+zero-tensor\s+layers\.1\.w_down is all zero"));
        Assert.That(run.Stdout, Does.Match(@"\n  PASS\s+file-size "));
        Assert.That(run.Stdout, Does.Contain("verdict:       FAIL"));

        var json = CliRun.Of("model", "audit", path, "--json");
        Assert.That(json.ExitCode, Is.EqualTo(ExitCodes.AuditFailed));
        using var doc = JsonDocument.Parse(json.Stdout);
        var finding = doc.RootElement.GetProperty("findings").EnumerateArray().Single();
        Assert.That(finding.GetProperty("check").GetString(), Is.EqualTo("zero-tensor"));
        Assert.That(finding.GetProperty("tensor").GetString(), Is.EqualTo("layers.1.w_down"));
        Assert.That(finding.GetProperty("tensor_indices").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(new[] { 2 + 1 + 9 + 8 }));
    }

    [Test]
    public void AModelWrittenByModelRandomPasses()
    {
        string path = Path.Combine(_dir, "random.gguf");
        Assert.That(CliRun.Of("model", "random", "--out", path, "--layers", "2", "--d-model", "64", "--heads", "4", "--kv-heads", "2", "--ff", "96").ExitCode, Is.EqualTo(0));
        var run = CliRun.Of("model", "audit", path);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.Stdout + run.Stderr);
        Assert.That(run.Stdout, Does.Match(@"\n  PASS\s+file-size\s+files [\d,]+ bytes"));
    }

    [Test]
    public void AMissingPathIsAUsageError()
    {
        var run = CliRun.Of("model", "audit", Path.Combine(_dir, "nope.gguf"));
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(run.Stderr, Does.Contain("model not found"));
        Assert.That(run.Stdout, Is.Empty);
    }

    [Test]
    public void AnUnreadableFileIsAFailureNotACrash()
    {
        string path = Path.Combine(_dir, "junk.gguf");
        File.WriteAllBytes(path, new byte[100]);
        var run = CliRun.Of("model", "audit", path);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(run.Stderr, Does.Contain("junk.gguf"));
    }

    [Test]
    public void HelpExplainsTheChecksAndDm()
    {
        var run = CliRun.Of("model", "audit", "--help");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.Stdout, Does.Contain("D_m").And.Contain("rank").And.Contain("registry.md").And.Contain("--json"));
    }
}
