using NUnit.Framework;
using TensorCash.Cli;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Engine.Tokenization;
using TensorCash.Tests.Cli;

namespace TensorCash.Tests.BuiltinSmall;

/// <summary>
/// builtin:small through the seams the commands use (ModelResolver, the CLI): it loads with its own BPE tokenizer
/// (tiny and nano keep the byte tokenizer), generates the same tokens for the same seed, and writes text rather than
/// noise; a missing model file is a one-line error naming the file.
/// </summary>
[Category("Runtime")]
public class SmallGenerationTests
{
    private const string Prompt = "And God said";

    /// <summary>`generate -m builtin:small -p "And God said" --seed 1 -n 32` on the final export (regenerate when the model changes).</summary>
    private static readonly int[] ExpectedTokens =
        [320, 258, 341, 44, 756, 488, 454, 44, 559, 341, 59, 438, 379, 334, 1053, 268, 622, 378, 303, 394, 874, 320, 258, 496, 268, 432, 46, 10, 890, 1274, 536, 474];

    private static int[] Generate(ModelWeights weights, ITokenizer tokenizer, int maxTokens)
    {
        using var transformer = Transformer.Create(weights, threads: 2);
        var request = new GenerationRequest(tokenizer.Encode(Prompt), new StandardSampler(new SamplingOptions { Seed = 1 }), maxTokens,
            new HashSet<int> { SmallModel.Eos });
        return new Generator(transformer).Generate(request).Tokens;
    }

    [Test]
    public void ResolverGivesBuiltinSmallItsBpeTokenizerAndTheOthersBytes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BuiltinModels.Names, Does.Contain(BuiltinModels.SmallName));
            Assert.That(ModelResolver.LoadTokenizer(BuiltinModels.SmallName), Is.InstanceOf<GgufTokenizer>());
            Assert.That(ModelResolver.LoadTokenizer(BuiltinModels.SmallName).Encode(Prompt), Is.EqualTo(SmallModel.Encode(Prompt)));
            Assert.That(ModelResolver.LoadTokenizer(BuiltinModels.TinyName), Is.InstanceOf<ByteTokenizer>());
            Assert.That(ModelResolver.LoadTokenizer(BuiltinModels.NanoName), Is.InstanceOf<ByteTokenizer>());
        });
    }

    [Test]
    public void SameSeedGivesTheSameTokensAndReadableText()
    {
        var tokenizer = ModelResolver.LoadTokenizer(BuiltinModels.SmallName);
        int[] first, second;
        using (var weights = ModelResolver.LoadWeights(BuiltinModels.SmallName)) first = Generate(weights, tokenizer, 32);
        using (var weights = ModelResolver.LoadWeights(BuiltinModels.SmallName)) second = Generate(weights, tokenizer, 32);
        string text = tokenizer.Decode(first, skipSpecialTokens: true);
        TestContext.Out.WriteLine($"ids [{string.Join(", ", first)}]\ntext {Prompt}{text}");
        Assert.That(second, Is.EqualTo(first), "two runs with seed 1");
        Assert.That(first, Is.EqualTo(ExpectedTokens), "the tokens seed 1 gave when the model was shipped");

        // A weak readability check: random weights over a 4096-token vocabulary give mostly non-letters.
        int letters = text.Count(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or ' ');
        Assert.That(text.Length, Is.GreaterThan(40));
        Assert.That((double)letters / text.Length, Is.GreaterThan(0.85), $"mostly letters and spaces: \"{text}\"");
    }

    [Test]
    public void CliGenerateOnBuiltinSmallPrintsTheSameText()
    {
        var run = CliRun.Of("generate", "-m", "builtin:small", "--prompt", Prompt, "--seed", "1", "--max-tokens", "32", "--threads", "1");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        var tokenizer = ModelResolver.LoadTokenizer(BuiltinModels.SmallName);
        Assert.That(run.Stdout.TrimEnd('\n'), Is.EqualTo(tokenizer.Decode(ExpectedTokens, skipSpecialTokens: true)));
    }

    [Test]
    public void InspectShowsTheTrainedShape()
    {
        var run = CliRun.Of("model", "inspect", "builtin:small");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        Assert.That(run.Stdout, Does.Contain("4096").And.Contain("tensorcash-small.gguf"));
    }

    [Test]
    public void AMissingModelFileIsAClearError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "tc-no-such-dir-" + Guid.NewGuid().ToString("N"), BuiltinModels.SmallGgufFileName);
        var error = Assert.Throws<ModelFormatException>(() => BuiltinModels.RequireSmallFile(missing))!;
        Assert.That(error.Message, Does.StartWith("builtin:small: its model file is missing").And.Contain(missing).And.Contain("builtin/small/"));
        Assert.That(BuiltinModels.RequireSmallFile(SmallModel.Gguf), Is.EqualTo(SmallModel.Gguf), "the shipped file is there");
    }
}
