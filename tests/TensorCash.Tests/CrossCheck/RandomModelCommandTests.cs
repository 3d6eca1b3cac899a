using NUnit.Framework;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Tests.Cli;

namespace TensorCash.Tests.CrossCheck;

/// <summary>`tensorcash model random` is the generator bench/llamacpp/make-fixtures.sh calls: given its flags it writes the very files the fixtures record.</summary>
public class RandomModelCommandTests
{
    private ScratchDirectory _scratch = null!;

    [SetUp]
    public void CreateScratch() => _scratch = new ScratchDirectory();

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    [TestCaseSource(typeof(LlamaCppFixtures), nameof(LlamaCppFixtures.All))]
    public void FixtureFlagsRebuildTheGgufLlamaCppEvaluated(LlamaCppFixture fixture)
    {
        string path = _scratch.File(fixture.Name + ".gguf");
        var run = CliRun.Of(["model", "random", "--out", path, .. fixture.GeneratorArgs]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.Stdout, Does.StartWith($"wrote {path}"));
        Assert.That(GeneratedModels.Sha256(path), Is.EqualTo(fixture.GgufSha256));
    }

    [Test]
    public void WritesAHuggingFaceDirectoryThatLoadsWithTheRequestedShape()
    {
        string dir = _scratch.File("hf");
        var run = CliRun.Of("model", "random", "--out", dir, "--arch", "qwen2", "--layers", "1", "--d-model", "32", "--heads", "4",
            "--kv-heads", "1", "--ff", "48", "--vocab", "40", "--dtype", "bf16", "--rope-scaling-llama3", "8,1,4,64", "--tied", "--seed", "9");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        using var weights = ModelLoader.Load(dir);
        var c = weights.Config;
        Assert.That((c.Architecture, c.LayerCount, c.ModelDim, c.HeadCount, c.KvHeadCount, c.HeadDim, c.FeedForwardDim, c.VocabSize),
            Is.EqualTo((ModelArchitecture.Qwen2, 1, 32, 4, 1, 8, 48, 40)));
        Assert.That(c.TiedEmbeddings && c.AttentionBias, Is.True);
        Assert.That(c.RopeScaling, Is.EqualTo(new Llama3RopeScaling(8, 1, 4, 64)));
        Assert.That(weights.Layers[0].Wq.DType, Is.EqualTo(TensorDType.BF16));
    }

    [Test]
    public void HelpNamesEveryGeneratorFlag()
    {
        var run = CliRun.Of("model", "random", "--help");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        foreach (var flag in new[] { "--out", "--arch", "--layers", "--d-model", "--heads", "--kv-heads", "--head-dim", "--ff", "--vocab", "--context",
                     "--rope-theta", "--rms-eps", "--dtype", "--seed", "--rope-scaling-llama3", "--tied" })
            Assert.That(run.Stdout, Does.Contain(flag));
    }

    [TestCase("hf", "--dtype q8_0", "--dtype q8_0 cannot be stored as safetensors")]
    [TestCase("m.gguf", "--heads 4 --kv-heads 3", "--heads 4 must be a multiple of --kv-heads 3")]
    [TestCase("m.gguf", "--head-dim 15", "head size 15 must be even")]
    [TestCase("m.gguf", "--d-model 30", "--d-model 30 is not a multiple of --heads 4")]
    [TestCase("m.gguf", "--layers 0", "--layers must be >= 1 (got 0)")]
    [TestCase("m.gguf", "--rms-eps -1", "--rms-eps must be a positive number (got '-1')")]
    [TestCase("m.gguf", "--rope-theta ten", "--rope-theta must be a positive number (got 'ten')")]
    [TestCase("m.gguf", "--rope-scaling-llama3 8,4,1,64", "--rope-scaling-llama3 '8,4,1,64': expected FACTOR,LOW,HIGH,ORIGINAL_CONTEXT")]
    [TestCase("m.gguf", "--dtype q4_0", "'q4_0'")]
    [TestCase("no/such/dir/m.gguf", "", "does not exist")]
    public void BadFlagsAreAUsageErrorOnOneLine(string output, string flags, string expected)
    {
        var run = CliRun.Of(["model", "random", "--out", _scratch.File(output), .. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.Stderr);
        Assert.That(run.StderrLines, Has.Length.EqualTo(1), run.Stderr);
        Assert.That(run.Stderr, Does.StartWith("tensorcash model random: error: ").And.Contain(expected));
        Assert.That(Directory.EnumerateFileSystemEntries(_scratch.Path), Is.Empty, "nothing is written on a usage error");
    }

    [Test]
    public void RefusesANonEmptyDirectory()
    {
        string dir = _scratch.File("taken");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "keep.txt"), "x");
        var run = CliRun.Of("model", "random", "--out", dir);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Does.Contain("is a directory that is not empty"));
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
    }
}
