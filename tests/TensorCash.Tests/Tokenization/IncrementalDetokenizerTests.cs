using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

public class IncrementalDetokenizerTests
{
    private static IEnumerable<TestCaseData> Tokenizers()
    {
        yield return new TestCaseData("byte");
        foreach (var v in TokenizerFixtures.VocabularyNames) yield return new TestCaseData(v);
    }

    private static ITokenizer Get(string name) => name == "byte" ? new ByteTokenizer() : TokenizerFixtures.Load(name);

    [TestCaseSource(nameof(Tokenizers))]
    public void StreamedPiecesConcatenateToTheFullDecodeAndNeverHoldGarbage(string name)
    {
        var tokenizer = Get(name);
        foreach (var (caseName, text) in TokenizerFixtures.Texts)
        {
            var ids = tokenizer.Encode(text, addSpecialTokens: true);
            var stream = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: true);
            var pieces = new List<string>();
            foreach (int id in ids) pieces.Add(stream.Push(id));
            pieces.Add(stream.Flush());

            Assert.That(string.Concat(pieces), Is.EqualTo(tokenizer.Decode(ids, skipSpecialTokens: true)), $"{name} / {caseName}");
            Assert.That(pieces, Has.None.Contains("\uFFFD"), $"{name} / {caseName}");
        }
    }

    [Test]
    public void MultiByteCharacterIsHeldUntilComplete()
    {
        var stream = new IncrementalDetokenizer(new ByteTokenizer());
        // 🤖 is F0 9F A4 96.
        Assert.That(new[] { stream.Push(0xF0), stream.Push(0x9F), stream.Push(0xA4) }, Is.All.Empty);
        Assert.That(stream.Push(0x96), Is.EqualTo("🤖"));
        Assert.That(stream.Push('!'), Is.EqualTo("!"));
    }

    [Test]
    public void SentencePieceWordSpacesSurviveStreaming()
    {
        var tokenizer = TokenizerFixtures.Load("lenml-llama2");
        var stream = new IncrementalDetokenizer(tokenizer);
        var pieces = tokenizer.Encode("Hello big world").Select(stream.Push).ToList();
        Assert.That(pieces, Is.EqualTo(new[] { "", "Hello", " big", " world" }));
    }

    [Test]
    public void FlushReleasesAnIncompleteTail()
    {
        var stream = new IncrementalDetokenizer(new ByteTokenizer());
        Assert.That(stream.Push(0xE4), Is.Empty);
        Assert.That(stream.Flush(), Is.EqualTo("\uFFFD"));
    }
}
