using System.Security.Cryptography;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.BuiltinSmall;

/// <summary>
/// builtin:small's tokenizer three ways: the vocabulary its GGUF embeds (run as llama.cpp runs it), its tokenizer.json
/// through our BPE, and transformers.js (@lenml/tokenizers) on the same tokenizer.json, whose ids
/// fixtures/tokenizers/builtin-small-ids.json holds (bench/tokenizer-fixtures/make-small-ids.mjs). The texts are the
/// shared tokenizer texts plus King James verses, punctuation, digits, non-ASCII text, whitespace runs and "".
/// </summary>
public class SmallTokenizerTests
{
    private static readonly Lazy<GgufTokenizer> Gguf = new(() => GgufTokenizer.Load(SmallModel.Gguf));
    private static readonly Lazy<BpeTokenizer> Json = new(() => TokenizerLoader.Load(SmallModel.TokenizerJson));

    public sealed record Case(string Name, string Text, int[] Ids, int[] IdsWithSpecialTokens)
    {
        public override string ToString() => Name;
    }

    private static string FixturePath(string dir) => Path.Combine(dir, "fixtures", "tokenizers", "builtin-small-ids.json");

    public static IEnumerable<Case> Cases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath(Path.GetDirectoryName(typeof(SmallTokenizerTests).Assembly.Location)!)));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Case(c.GetProperty("name").GetString()!, c.GetProperty("text").GetString()!,
            c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            c.GetProperty("idsWithSpecialTokens").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToList();
    }

    [Test]
    public void FixtureWasMadeFromTheShippedTokenizerJson()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath(TestContext.CurrentContext.TestDirectory)));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(SmallModel.TokenizerJson))),
            Is.EqualTo(doc.RootElement.GetProperty("tokenizer_sha256").GetString()),
            "tokenizer.json changed: re-run bench/tokenizer-fixtures/make-small-ids.mjs");
        Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(30));
    }

    [Test]
    public void SpecialTokensAreBosAndEos()
    {
        Assert.Multiple(() =>
        {
            Assert.That((Gguf.Value.VocabSize, Gguf.Value.BosTokenId, Gguf.Value.EosTokenId), Is.EqualTo((4096, SmallModel.Bos, SmallModel.Eos)), "GGUF");
            Assert.That((Json.Value.BosTokenId, Json.Value.EosTokenId), Is.EqualTo(((int?)SmallModel.Bos, (int?)SmallModel.Eos)), "tokenizer.json");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void GgufTokenizerJsonAndTransformersJsGiveTheSameIds(Case c)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Json.Value.Encode(c.Text, addSpecialTokens: false), Is.EqualTo(c.Ids), "tokenizer.json vs transformers.js, no special tokens");
            Assert.That(Json.Value.Encode(c.Text, addSpecialTokens: true), Is.EqualTo(c.IdsWithSpecialTokens), "tokenizer.json vs transformers.js, with BOS");
            Assert.That(Gguf.Value.Encode(c.Text, addSpecialTokens: false), Is.EqualTo(c.Ids), "GGUF vs transformers.js, no special tokens");
            Assert.That(Gguf.Value.Encode(c.Text, addSpecialTokens: true), Is.EqualTo(c.IdsWithSpecialTokens), "GGUF vs transformers.js, with BOS");
        });
    }

    // Decoding with skipSpecialTokens drops the "<s>"/"</s>" strings a text contains, by design.
    private static IEnumerable<Case> CasesWithoutSpecialStrings() => Cases().Where(c => !c.Text.Contains("<s>") && !c.Text.Contains("</s>"));

    [TestCaseSource(nameof(CasesWithoutSpecialStrings))]
    public void GgufDecodeGivesTheTextBack(Case c)
    {
        Assert.That(Gguf.Value.Decode(c.IdsWithSpecialTokens, skipSpecialTokens: true), Is.EqualTo(c.Text));
    }
}
