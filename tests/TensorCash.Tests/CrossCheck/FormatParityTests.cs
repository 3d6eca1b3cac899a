using System.Runtime.InteropServices;
using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.CrossCheck;

/// <summary>
/// The same random model written as GGUF (llama.cpp's layout: Q/K rows permuted, llama.cpp names, llama3 scaling
/// as rope_freqs) and as Hugging Face safetensors loads to the same model: same config, same stored bits, and for
/// f32 bitwise identical native logits, which proves the GGUF loader undoes the converter's Q/K permutation exactly.
/// </summary>
public class FormatParityTests
{
    /// <summary>
    /// Native (fp32 accumulation) vs the float64 reference over identical weights: fp32 rounding over a few hundred
    /// multiply-adds per logit stays near 1e-6 relative; 1e-5 of the largest logit leaves a 5-10x margin.
    /// </summary>
    private const double NativeVsReferenceRelative = 1e-5;

    private static IEnumerable<TestCaseData> F32Models() => LlamaCppFixtures.All()
        .Where(f => f.DType == TensorDType.F32)
        .Select((f, i) => new TestCaseData(f, i == 0 ? 3 : 1).SetArgDisplayNames(f.Name, i == 0 ? "3 shards" : "1 file"));

    private static IEnumerable<LlamaCppFixture> HalfModels() =>
        LlamaCppFixtures.All().Where(f => f.DType is TensorDType.F16 or TensorDType.BF16);

    [TestCaseSource(nameof(F32Models))]
    public void F32GgufAndSafetensorsGiveBitwiseIdenticalLogits(LlamaCppFixture fixture, int shards)
    {
        using var scratch = new ScratchDirectory();
        string gguf = GeneratedModels.Gguf(fixture, scratch);
        string hf = scratch.File(fixture.Name);
        RandomModelFiles.Write(fixture.Spec, TensorDType.F32, hf, shards);
        Assert.That(Directory.GetFiles(hf, "*.safetensors"), Has.Length.EqualTo(shards));

        using var fromGguf = ModelLoader.Load(gguf);
        using var fromHf = ModelLoader.Load(hf);
        Assert.That(fromGguf.Config, Is.EqualTo(fromHf.Config), "configs");
        AssertSameStoredBits(fromGguf, fromHf);

        var ggufLogits = Logits.Native(fromGguf, fixture.Tokens);
        var hfLogits = Logits.Native(fromHf, fixture.Tokens);
        for (int p = 0; p < ggufLogits.Length; p++)
            Assert.That(Bits(ggufLogits[p]), Is.EqualTo(Bits(hfLogits[p])), $"position {p}: GGUF and safetensors logits are not bitwise identical");

        var reference = Logits.Reference(fromHf, fixture.Tokens);
        double diff = Logits.MaxAbsDiff(Logits.Widen(hfLogits), reference), scale = Logits.MaxAbs(reference);
        TestContext.Out.WriteLine($"{fixture.Name}: GGUF == safetensors bitwise; max |native - float64 reference| {diff:E2}, max |logit| {scale:F2}");
        Assert.That(diff, Is.LessThanOrEqualTo(NativeVsReferenceRelative * scale), "max |native - float64 reference|");
    }

    /// <summary>
    /// GGUF keeps 1-D tensors (norms) in F32 as llama.cpp's converter does, while safetensors stores every tensor in
    /// the model's type, so the logits are not bitwise equal; the stored bits are: every matrix byte for byte, and
    /// every F32 norm rounds to exactly the safetensors value.
    /// </summary>
    [TestCaseSource(nameof(HalfModels))]
    public void HalfPrecisionGgufAndSafetensorsStoreTheSameBits(LlamaCppFixture fixture)
    {
        using var scratch = new ScratchDirectory();
        string gguf = GeneratedModels.Gguf(fixture, scratch);
        string hf = scratch.File(fixture.Name);
        RandomModelFiles.Write(fixture.Spec, fixture.DType, hf);

        using var fromGguf = ModelLoader.Load(gguf);
        using var fromHf = ModelLoader.Load(hf);
        Assert.That(fromGguf.Config, Is.EqualTo(fromHf.Config), "configs");
        AssertSameStoredBits(fromGguf, fromHf);

        // Native vs reference on each load: the half-precision weights widen exactly, so fp32 accuracy still applies.
        foreach (var weights in new[] { fromGguf, fromHf })
        {
            var native = Logits.Widen(Logits.Native(weights, fixture.Tokens));
            var reference = Logits.Reference(weights, fixture.Tokens);
            double diff = Logits.MaxAbsDiff(native, reference), scale = Logits.MaxAbs(reference);
            TestContext.Out.WriteLine($"{fixture.Name} {Path.GetFileName(weights.Source)}: max |native - float64 reference| {diff:E2}, max |logit| {scale:F2}");
            Assert.That(diff, Is.LessThanOrEqualTo(NativeVsReferenceRelative * scale), $"{weights.Source}: max |native - float64 reference|");
        }
    }

    /// <summary>Q8_0 has no safetensors form; its GGUF still has to agree with the reference, which dequantises the same blocks.</summary>
    [TestCaseSource(typeof(LlamaCppFixtures), nameof(LlamaCppFixtures.All))]
    public void GgufNativeLogitsMatchFloat64Reference(LlamaCppFixture fixture)
    {
        using var scratch = new ScratchDirectory();
        using var weights = ModelLoader.Load(GeneratedModels.Gguf(fixture, scratch));
        var native = Logits.Widen(Logits.Native(weights, fixture.Tokens));
        var reference = Logits.Reference(weights, fixture.Tokens);
        double diff = Logits.MaxAbsDiff(native, reference), scale = Logits.MaxAbs(reference);
        TestContext.Out.WriteLine($"{fixture.Name} GGUF: max |native - float64 reference| {diff:E2}, max |logit| {scale:F2}");
        Assert.That(diff, Is.LessThanOrEqualTo(NativeVsReferenceRelative * scale), "max |native - float64 reference|");
    }

    /// <summary>Every weight of <paramref name="gguf"/> holds the bits of <paramref name="hf"/>, or (a GGUF F32 vector) rounds to them.</summary>
    internal static void AssertSameStoredBits(ModelWeights gguf, ModelWeights hf)
    {
        var pairs = Views(gguf).Zip(Views(hf)).ToList();
        Assert.That(pairs, Has.Count.EqualTo(Views(hf).Count()), "tensor count");
        using var scope = Assert.EnterMultipleScope();
        foreach (var (g, h) in pairs)
        {
            Assert.That(g.Shape, Is.EqualTo(h.Shape), $"{h.Name}: shape");
            byte[] expected = Bytes(h);
            byte[] actual = g.DType == h.DType ? Bytes(g)
                : g.DType == TensorDType.F32 && g.Shape.Length == 1
                    ? WeightEncoding.Encode(WeightEncoding.Decode(Bytes(g), TensorDType.F32, g.ElementCount), h.DType, checked((int)g.Shape[^1]))
                    : throw new AssertionException($"{h.Name}: GGUF stores {g.DType}, safetensors {h.DType}");
            Assert.That(actual.AsSpan().SequenceEqual(expected), Is.True, $"{h.Name} ({g.Name} in GGUF): stored bits differ");
        }
    }

    private static IEnumerable<TensorView> Views(ModelWeights w)
    {
        yield return w.TokenEmbedding;
        foreach (var l in w.Layers)
            foreach (var v in new TensorView?[] { l.AttnNorm, l.Wq, l.Wk, l.Wv, l.Wo, l.Bq, l.Bk, l.Bv, l.FfnNorm, l.WGate, l.WUp, l.WDown })
                if (v is { } view) yield return view;
        yield return w.OutputNorm;
        yield return w.Output;
    }

    private static byte[] Bytes(TensorView v)
    {
        var bytes = new byte[v.ByteLength];
        Marshal.Copy(v.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    private static int[] Bits(float[] row) => row.Select(BitConverter.SingleToInt32Bits).ToArray();
}
