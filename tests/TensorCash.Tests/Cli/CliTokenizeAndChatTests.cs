using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.Cli;

/// <summary>`tensorcash tokenize`, `generate --tokens` without a tokenizer, and `generate --chat/--system/--messages`.</summary>
public class CliTokenizeAndChatTests
{
    private const string Template =
        "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}";

    private string _dir = null!;
    private string _gguf = null!;
    private string _ggufWithTemplate = null!;

    [OneTimeSetUp]
    public void WriteModels()
    {
        _dir = Directory.CreateTempSubdirectory("tc-cli-tok-").FullName;
        var spec = new RandomModelSpec { Layers = 1, Seed = 5 };
        _gguf = Path.Combine(_dir, "bytes.gguf");
        RandomModelFiles.Write(spec, TensorDType.F32, _gguf);
        _ggufWithTemplate = Path.Combine(_dir, "chat.gguf");
        GgufWriter.Write(RandomModelFactory.Create(spec), _ggufWithTemplate, TensorDType.F32,
            GgufVocabulary.ByteLevel(spec.VocabSize) with { ChatTemplate = Template });
    }

    [OneTimeTearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TokenizePrintsIdAndPieceLinesLikeLlamaTokenize()
    {
        // The default random GGUF embeds a byte-level "gpt2" vocabulary: ids 0-255 are the bytes, no merges, no BOS added.
        var run = CliRun.Of("tokenize", "-m", _gguf, "Hi é");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(run.StdoutLines, Is.EqualTo(new[] { "    72 -> 'H'", "   105 -> 'i'", "    32 -> ' '", "   195 -> '<c3>'", "   169 -> '<a9>'" }));
        });
    }

    [Test]
    public void TokenizeIdsOnlyPrintsAList()
    {
        var run = CliRun.Of("tokenize", "-m", _gguf, "--ids-only", "--show-count", "ab");
        Assert.That(run.StdoutLines, Is.EqualTo(new[] { "[97, 98]", "Total number of tokens: 2" }));
    }

    [Test]
    public void TokenizeParsesControlTokensUnlessToldNotTo()
    {
        // <|bos|> is id 256, a control token of the byte-level vocabulary.
        Assert.Multiple(() =>
        {
            Assert.That(CliRun.Of("tokenize", "-m", _gguf, "--ids-only", "a<|bos|>").StdoutLines, Is.EqualTo(new[] { "[97, 256]" }));
            Assert.That(CliRun.Of("tokenize", "-m", _gguf, "--ids-only", "--no-parse-special", "a<|bos|>").StdoutLines[0],
                Is.EqualTo("[97, 60, 124, 98, 111, 115, 124, 62]"));
        });
    }

    [Test]
    public void TokenizeRejectsNoParseSpecialForATokenizerJson()
    {
        var run = CliRun.Of("tokenize", "-m", "builtin:tiny", "--no-parse-special", "a");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2));
            Assert.That(run.Stderr, Does.Contain("--no-parse-special applies to GGUF tokenizers only"));
        });
    }

    [Test]
    public void GenerateWithTokensNeedsNoTokenizer()
    {
        string hf = Path.Combine(_dir, "hf-no-tokenizer");
        RandomModelFiles.Write(new RandomModelSpec { Layers = 1, Seed = 5 }, TensorDType.F32, hf);
        var run = CliRun.Of("generate", "-m", hf, "--tokens", "1,2,3", "-n", "3", "--temperature", "0");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
            Assert.That(run.Stdout.Trim(), Does.Match(@"^\d+,\d+,\d+$"));
            Assert.That(run.Stderr, Does.Contain("the model has no tokenizer: printing token ids"));
        });
        var prompt = CliRun.Of("generate", "-m", hf, "--prompt", "hi", "-n", "1");
        Assert.Multiple(() =>
        {
            Assert.That(prompt.ExitCode, Is.EqualTo(2));
            Assert.That(prompt.Stderr, Does.Contain("this model has no tokenizer"));
        });
    }

    [Test]
    public void GenerateChatRendersTheGgufTemplate()
    {
        var run = CliRun.Of("generate", "-m", _ggufWithTemplate, "--system", "S", "--chat", "Hi", "-n", "1", "--temperature", "0",
            "--emit", "ids", "--stats", "json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        // "<system>S<user>Hi<assistant>" is 28 bytes, one byte token each, and the template adds no BOS.
        using var stats = JsonDocument.Parse(run.StdoutLines[^1]);
        Assert.That(stats.RootElement.GetProperty("prompt_tokens").GetInt32(), Is.EqualTo("<system>S<user>Hi<assistant>".Length));
    }

    [Test]
    public void GenerateMessagesFileRendersTheWholeConversation()
    {
        string file = Path.Combine(_dir, "conversation.json");
        File.WriteAllText(file, """[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":"c"}]""");
        var run = CliRun.Of("generate", "-m", _ggufWithTemplate, "--messages", file, "-n", "1", "--temperature", "0", "--emit", "ids", "--stats", "json");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        using var stats = JsonDocument.Parse(run.StdoutLines[^1]);
        Assert.That(stats.RootElement.GetProperty("prompt_tokens").GetInt32(), Is.EqualTo("<user>a<assistant>b<user>c<assistant>".Length));
    }

    [Test]
    public void GenerateChatWithoutATemplateIsAUsageError()
    {
        var run = CliRun.Of("generate", "-m", _gguf, "--chat", "Hi", "-n", "1");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2));
            Assert.That(run.Stderr, Does.Contain("has no chat template"));
        });
    }

    [TestCase("--system", "S", "--prompt", "x", ExpectedResult = "--system goes with --chat")]
    [TestCase("--chat", "x", "--prompt", "y", ExpectedResult = "give exactly one of")]
    public string GenerateInputOptionsAreExclusive(params string[] options)
    {
        var run = CliRun.Of(["generate", "-m", _ggufWithTemplate, .. options]);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        return new[] { "--system goes with --chat", "give exactly one of" }.First(m => run.Stderr.Contains(m));
    }

    [Test]
    public void GenerateMessagesRejectsAMalformedFile()
    {
        string file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, """{"role":"user"}""");
        var run = CliRun.Of("generate", "-m", _ggufWithTemplate, "--messages", file, "-n", "1");
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(2));
            Assert.That(run.Stderr, Does.Contain("expected a JSON array of objects"));
        });
    }
}
