using System.Text;
using NUnit.Framework;
using TensorCash.Cli;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Cli;

public class StreamingDetokenizerTests
{
    /// <summary>One token per UTF-8 byte plus BOS/EOS, like the builtin model's tokenizer; decoding invalid bytes gives U+FFFD.</summary>
    private sealed class Utf8ByteTokenizer : ITokenizer
    {
        public int VocabSize => 258;
        public int? BosTokenId => 256;
        public int? EosTokenId => 257;
        public int[] Encode(string text, bool addSpecialTokens = true) =>
            [.. addSpecialTokens ? [256] : Array.Empty<int>(), .. Encoding.UTF8.GetBytes(text).Select(b => (int)b)];
        public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
        {
            var bytes = new List<byte>();
            foreach (int id in ids) if (id < 256) bytes.Add((byte)id);
            return Encoding.UTF8.GetString(bytes.ToArray());
        }
    }

    [TestCase("plain ascii")]
    [TestCase("naïve café — ✓ 日本語 🎉 done")]
    public void PiecesConcatenateToTheFullTextAndNeverSplitACharacter(string text)
    {
        var tokenizer = new Utf8ByteTokenizer();
        var detokenizer = new StreamingDetokenizer(tokenizer);
        var pieces = tokenizer.Encode(text, addSpecialTokens: false).Select(detokenizer.Push).ToList();
        pieces.Add(detokenizer.Flush());

        Assert.That(string.Concat(pieces), Is.EqualTo(text));
        Assert.That(pieces, Has.None.Contain('\uFFFD'));
    }

    [Test]
    public void HoldsBackAPartialCharacterUntilItCompletes()
    {
        var detokenizer = new StreamingDetokenizer(new Utf8ByteTokenizer());
        // "é" is C3 A9.
        Assert.That(detokenizer.Push(0xC3), Is.Empty);
        Assert.That(detokenizer.Push(0xA9), Is.EqualTo("é"));
    }

    [Test]
    public void SpecialTokensPrintNothingAndATruncatedCharacterFlushesAsReplacement()
    {
        var detokenizer = new StreamingDetokenizer(new Utf8ByteTokenizer());
        Assert.That(detokenizer.Push(256), Is.Empty);
        Assert.That(detokenizer.Push('A'), Is.EqualTo("A"));
        Assert.That(detokenizer.Push(0xE2), Is.Empty);
        Assert.That(detokenizer.Push(257), Is.Empty);
        Assert.That(detokenizer.Flush(), Is.EqualTo("\uFFFD"));
    }
}
