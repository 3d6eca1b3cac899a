using System.Text;
using System.Text.Json;
using NUnit.Framework;
using TensorCash.Engine.Formats.Gguf;
using TensorCash.Engine.Formats.Safetensors;
using TensorCash.Engine.Model;
using TensorCash.Engine.Tokenization;
using TensorCash.FuzzTargets;
using TensorCash.Node.P2p.Protocol;
using TensorCash.Node.Rpc;

namespace TensorCash.Tests.Fuzz;

/// <summary>
/// Regression tests for what fuzzing found (bench/results/fuzzing.md): each input, which used to escape its parser
/// with an undocumented exception, is now refused with the parser's own rejection type and a message naming the problem.
/// The inputs also sit in the replayed corpus as crash-*.bin.
/// </summary>
public sealed class FuzzFindingTests
{
    private static string _dir = "";

    [SetUp]
    public void CreateScratch() => _dir = Directory.CreateTempSubdirectory("tc-fuzz-finding-").FullName;

    [TearDown]
    public void DeleteScratch() => Directory.Delete(_dir, recursive: true);

    private static string GgufWithOneTensor(ulong[] dims, uint type = GgmlType.F32)
    {
        string path = Path.Combine(_dir, "one.gguf");
        using (var file = File.Create(path))
            GgufFileWriter.Write(file, [], [new GgufTensorData("t", dims, type, 64, () => new byte[64])]);
        return path;
    }

    /// <summary>Found by the gguf target: the element count times the element size overflowed inside DTypeSizes (OverflowException).</summary>
    [TestCase(1UL << 62)]
    [TestCase(1UL << 61, 3UL)]
    public void AGgufTensorWhoseByteSizeOverflowsIsAFormatError(params ulong[] dims)
    {
        // Since the overlap check, Open already sizes every tensor, so the error may come from Open or from Find.
        string path = GgufWithOneTensor(dims);
        var e = Assert.Throws<ModelFormatException>(() => { using var file = GgufFile.Open(path); file.Find("t"); });
        Assert.That(e!.Message, Does.Contain("'t'").Or.Contain("t:"));
    }

    /// <summary>Found by the gguf target: a dimension above long.MaxValue became negative, so the tensor got a negative byte length.</summary>
    [TestCase(ulong.MaxValue)]
    [TestCase(1UL << 63, 1UL)]
    public void AGgufDimensionBeyondLongIsAFormatErrorNotANegativeSize(params ulong[] dims)
    {
        string path = GgufWithOneTensor(dims);
        Assert.Throws<ModelFormatException>(() => { using var file = GgufFile.Open(path); file.Find("t"); });
    }

    /// <summary>Found while writing the gguf target: offset + size wrapped past long.MaxValue, so a huge tensor passed the bounds check.</summary>
    [Test]
    public void AGgufTensorWhoseOffsetPlusSizeWrapsIsOutOfRange()
    {
        string path = Path.Combine(_dir, "two.gguf");
        using (var stream = File.Create(path))
            GgufFileWriter.Write(stream, [], [
                new GgufTensorData("first", [16], GgmlType.F32, 64, () => new byte[64]),
                new GgufTensorData("second", [(1UL << 61) - 1], GgmlType.F32, 64, () => new byte[64]),
            ]);
        using var file = GgufFile.Open(path);
        var e = Assert.Throws<ModelFormatException>(() => file.Find("second"));
        Assert.That(e!.Message, Does.Contain("out of range"));
    }

    [Test]
    public void TheGgufTargetRejectsTheseFilesInsteadOfCrashing()
    {
        var target = FuzzTargetCatalog.Find("gguf");
        foreach (var dims in new[] { new[] { 1UL << 62 }, new[] { ulong.MaxValue } })
            Assert.That(target.Run(File.ReadAllBytes(GgufWithOneTensor(dims))), Is.False);
    }

    /// <summary>
    /// Found by the p2p target (AFL++, 74k executions): a version message whose user agent is not UTF-8 decoded
    /// leniently, with the bad bytes replaced, so it did not re-encode to its payload (two payloads, one message).
    /// </summary>
    [Test]
    public void AVersionMessageWhoseUserAgentIsNotUtf8IsMalformed()
    {
        byte[] input = Convert.FromHexString(
            "7edab5fa76657273696f6e000000000035000000686916be801101007f0000001000000000f15365000000002a00000000000000112f54656eb7b7b7b7b7b7b7b7b7b7b7b7b7b7b700000c4801");
        var e = Assert.Throws<PeerMisbehaviourException>(() => MessageDecoder.Decode("version", input.AsSpan(MessageHeader.Size)));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Kind, Is.EqualTo(MisbehaviourKind.Malformed));
            Assert.That(e.Message, Does.Contain("user agent is not valid UTF-8"));
            Assert.That(FuzzTargetCatalog.Find("p2p").Run(input), Is.False);
        });
    }

    private static byte[] Corpus(string target, string file) =>
        File.ReadAllBytes(Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", FuzzCorpus.FolderName, target, file));

    /// <summary>
    /// Found by the rpc target: a request whose "method" string is not UTF-8 parsed, and reading the string in the
    /// dispatcher threw InvalidOperationException, answered by the catch-all as "invalid request: Cannot transcode...".
    /// It is a parse error now, with the escaped unpaired surrogate (same failure, other path) alike.
    /// </summary>
    [Test]
    public void AnRpcBodyWithAnUndecodableStringIsAParseError()
    {
        byte[] body = Corpus("rpc", "crash-method-not-utf8.bin");
        var e = Assert.ThrowsAsync<JsonException>(async () => await RpcDispatcher.ParseAsync(new MemoryStream(body)));
        Assert.That(e!.Message, Does.Contain("not valid UTF-8"));

        var reply = JsonDocument.Parse(new RpcDispatcher().HandleBody("""{"id":1,"method":"help","params":["\udded"]}""")).RootElement;
        Assert.That(reply.GetProperty("error").GetProperty("code").GetInt32(), Is.EqualTo((int)RpcErrorCode.ParseError));
        Assert.That(FuzzTargetCatalog.Find("rpc").Run(body), Is.False);
    }

    /// <summary>Found by the tokenizer target: a vocabulary key escaping an unpaired surrogate ("\udded") threw InvalidOperationException.</summary>
    [Test]
    public void ATokenizerJsonWithAnUnpairedSurrogateEscapeIsAFormatError()
    {
        var e = Assert.Throws<TokenizerFormatException>(() =>
            TokenizerLoader.FromJson("""{"model": {"type": "BPE", "vocab": {"a": 0, "\udded": 1}, "merges": []}}""", "t.json"));
        Assert.That(e!.Message, Does.Contain("unpaired surrogate").And.Contain("model.vocab"));
        Assert.Throws<TokenizerFormatException>(() =>
            TokenizerLoader.FromJson("""{"model": {"type": "BPE", "unk_token": "\ud800", "vocab": {"a": 0}, "merges": []}}""", "t.json"));
        Assert.That(FuzzTargetCatalog.Find("tokenizer").Run(Corpus("tokenizer", "crash-unpaired-surrogate-escape.bin")), Is.False);
    }

    /// <summary>
    /// Found by the tokenizer target: Encode's documented refusal of a character it cannot represent was a bare
    /// ArgumentException, indistinguishable from a bug; it has its own type now.
    /// </summary>
    [Test]
    public void TextATokenizerCannotRepresentIsAnUntokenizableTextException()
    {
        var tokenizer = TokenizerLoader.FromJson(Encoding.UTF8.GetString(Corpus("tokenizer", "crash-untokenizable-sample.bin")), "t.json");
        var e = Assert.Throws<UntokenizableTextException>(() => tokenizer.Encode("Hello \u0001"));
        Assert.That(e!.Message, Does.StartWith("Cannot tokenize U+"));
    }

    /// <summary>Found by the safetensors target: a header key that is not UTF-8 threw InvalidOperationException when read.</summary>
    [Test]
    public void ASafetensorsHeaderWithAKeyThatIsNotUtf8IsAFormatError()
    {
        byte[] header = [.. "{\"a"u8, 0xC3, 0x28, .. "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"u8];
        string path = Path.Combine(_dir, "bad.safetensors");
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((ulong)header.Length), .. header, 0, 0, 0, 0]);
        var e = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.That(e!.Message, Does.Contain("not valid UTF-8"));
        Assert.That(FuzzTargetCatalog.Find("safetensors").Run(Corpus("safetensors", "crash-header-not-utf8.bin")), Is.False);
    }

    /// <summary>
    /// Found by the gguf target as a hang (over 20 s): block_count 2^30 made the loader list 12 expected tensors per
    /// layer before looking for the first one. The list is lazy now, so the first missing tensor ends it.
    /// </summary>
    [Test]
    public void AGgufClaimingABillionLayersIsRefusedAtItsFirstMissingTensor()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string path = Path.Combine(_dir, "layers.gguf");
        File.WriteAllBytes(path, Corpus("gguf", "crash-block-count-2pow30.bin"));
        var e = Assert.Throws<ModelFormatException>(() => GgufModelLoader.Load(path).Dispose());
        // This input's tensors also share bytes, which the overlap check (added after the fuzzing) refuses at open;
        // either way it must be a prompt format error, never the 20 s walk over 2^30 layers.
        Assert.That(e!.Message, Does.Contain("missing tensor").Or.Contain("overlaps"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    /// <summary>
    /// Found by the gguf target (round 2, 70 k executions): head_count_kv 268435457 times key_length 16 wrapped an int
    /// to 16, matched the K tensor's 16 rows, and the Q/K row permutation threw ArgumentException.
    /// </summary>
    [Test]
    public void AGgufWhoseHeadCountTimesHeadDimWrapsAnIntIsAShapeMismatch()
    {
        string path = Path.Combine(_dir, "heads.gguf");
        File.WriteAllBytes(path, Corpus("gguf", "crash-kv-heads-wrap-int.bin"));
        var e = Assert.Throws<ModelFormatException>(() => GgufModelLoader.Load(path).Dispose());
        Assert.That(e!.Message, Does.Contain("shape mismatch"));
    }
}
