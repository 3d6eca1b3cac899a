using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Engine.Tokenization;

namespace TensorCash.Tests.Tokenization;

public class ByteTokenizerTests
{
    private readonly ByteTokenizer _tokenizer = new();

    [Test]
    public void EncodesUtf8BytesAfterBos()
    {
        Assert.That(_tokenizer.Encode("aé🤖"), Is.EqualTo(new[] { 256, 0x61, 0xC3, 0xA9, 0xF0, 0x9F, 0xA4, 0x96 }));
        Assert.That(_tokenizer.Encode("aé", addSpecialTokens: false), Is.EqualTo(new[] { 0x61, 0xC3, 0xA9 }));
        Assert.That((_tokenizer.VocabSize, _tokenizer.BosTokenId, _tokenizer.EosTokenId), Is.EqualTo((258, 256, 257)));
    }

    [Test]
    public void EveryFixtureTextRoundTrips()
    {
        foreach (var (name, text) in TokenizerFixtures.Texts)
            Assert.That(_tokenizer.Decode(_tokenizer.Encode(text), skipSpecialTokens: true), Is.EqualTo(text), name);
    }

    [Test]
    public void AnyStringWithoutLoneSurrogatesRoundTrips()
    {
        Prop.ForAll<string>(s =>
        {
            if (s is null || HasLoneSurrogate(s)) return true;
            return _tokenizer.Decode(_tokenizer.Encode(s), skipSpecialTokens: true) == s;
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void SpecialTokensAreShownOrSkipped()
    {
        int[] ids = [256, 0x68, 0x69, 257];
        Assert.That(_tokenizer.Decode(ids), Is.EqualTo("<s>hi</s>"));
        Assert.That(_tokenizer.Decode(ids, skipSpecialTokens: true), Is.EqualTo("hi"));
    }

    [Test]
    public void InvalidUtf8BecomesReplacementCharacters()
    {
        Assert.That(_tokenizer.Decode([0xE4, 0xB8, 0x80, 0x41]), Is.EqualTo("\u4E00A"), "the complete sequence decodes");
        // A cut-short 3-byte sequence, then a stray continuation byte, each followed by valid text.
        Assert.That(_tokenizer.Decode([0xE4, 0xB8, 0x41]), Is.EqualTo("\uFFFDA"));
        Assert.That(_tokenizer.Decode([0x80, 0x41]), Is.EqualTo("\uFFFDA"));
    }

    [Test]
    public void IdsOutsideTheVocabularyAreSkipped() =>
        Assert.That(_tokenizer.Decode([-1, 0x41, 258, 1000]), Is.EqualTo("A"));

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }
}
