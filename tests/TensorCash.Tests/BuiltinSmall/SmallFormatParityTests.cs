using System.Runtime.InteropServices;
using NUnit.Framework;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.BuiltinSmall;

/// <summary>
/// builtin:small's GGUF and its Hugging Face directory hold the same trained weights (tools/TensorCash.Train exports
/// both): the same configuration and, tensor by tensor, the same stored bits. The one difference is llama.cpp's
/// convention of keeping 1-D tensors (the RMSNorm weights) in F32 in a GGUF: the export writes them unrounded there
/// and as BF16 in safetensors, so the shipped forms' logits differ by that rounding. With the GGUF's norms rounded to
/// BF16 (each then equals the safetensors value exactly, as the stored-bits check proves) the logits are bitwise
/// identical, which shows the GGUF loader undoes llama.cpp's Q/K row permutation exactly on a trained model.
/// </summary>
[Category("Runtime")]
public class SmallFormatParityTests
{
    [Test]
    public void GgufAndHfDirectoryLoadTheSameConfigurationAndStoredBits()
    {
        using var gguf = ModelLoader.Load(SmallModel.Gguf);
        using var hf = ModelLoader.Load(SmallModel.HfDirectory);
        Assert.That(gguf.Config, Is.EqualTo(hf.Config));
        var c = gguf.Config;
        Assert.That((c.LayerCount, c.ModelDim, c.HeadCount, c.KvHeadCount, c.HeadDim, c.FeedForwardDim, c.VocabSize, c.MaxSequenceLength, c.TiedEmbeddings),
            Is.EqualTo((4, 256, 8, 8, 32, 640, 4096, 512, true)), "the shape issue 18 trained");
        Assert.That(hf.Layers[0].Wq.DType, Is.EqualTo(TensorDType.BF16));
        Assert.That(gguf.OutputNorm.DType, Is.EqualTo(TensorDType.F32), "llama.cpp's convention: norms stay F32 in a GGUF");
        FormatParityTests.AssertSameStoredBits(gguf, hf);
    }

    [TestCaseSource(typeof(SmallModel), nameof(SmallModel.Prompts))]
    public void GgufWithBf16NormsAndHfDirectoryGiveBitwiseIdenticalLogits(string prompt)
    {
        int[] tokens = SmallModel.Encode(prompt);
        float[][] fromGguf, fromHf, asShipped;
        using (var gguf = ModelLoader.Load(SmallModel.Gguf))
        {
            asShipped = Logits.Native(gguf, tokens);
            using var rounded = WithBf16Norms(gguf);
            fromGguf = Logits.Native(rounded.Weights, tokens);
        }
        using (var hf = ModelLoader.Load(SmallModel.HfDirectory)) fromHf = Logits.Native(hf, tokens);
        Assert.That(fromGguf, Has.Length.EqualTo(tokens.Length));
        for (int p = 0; p < tokens.Length; p++)
            Assert.That(SmallModel.Bits(fromGguf[p]), Is.EqualTo(SmallModel.Bits(fromHf[p])), $"position {p}: GGUF (norms rounded to BF16) and HF logits differ");

        // The shipped forms as they are: only the norms' rounding separates them.
        double diff = Logits.MaxAbsDiff(Logits.Widen(asShipped), Logits.Widen(fromHf));
        int sameArgmax = Enumerable.Range(0, tokens.Length).Count(p => Logits.ArgMax(Logits.Widen([asShipped[p]])[0]) == Logits.ArgMax(Logits.Widen([fromHf[p]])[0]));
        TestContext.Out.WriteLine($"{tokens.Length} tokens: GGUF as shipped vs HF max |diff| {diff:E2}, same argmax at {sameArgmax}/{tokens.Length} positions");
        Assert.That(diff, Is.GreaterThan(0), "the F32 norms are not BF16 values, so the shipped forms should differ slightly");
        Assert.That(diff, Is.LessThan(0.05), "the BF16 rule of the llama.cpp fixtures");
    }

    /// <summary>The GGUF's weights with every F32 norm rounded to BF16 (kept as F32); the matrices stay views into the mapping.</summary>
    private static RoundedNorms WithBf16Norms(ModelWeights w)
    {
        var buffers = new List<GCHandle>();
        TensorView Round(TensorView v)
        {
            var bytes = new byte[v.ByteLength];
            Marshal.Copy(v.Data, bytes, 0, bytes.Length);
            float[] values = WeightEncoding.Decode(bytes, TensorDType.F32, v.Shape[0]);
            float[] rounded = WeightEncoding.Decode(WeightEncoding.Encode(values, TensorDType.BF16, values.Length), TensorDType.BF16, values.Length);
            var handle = GCHandle.Alloc(rounded, GCHandleType.Pinned);
            buffers.Add(handle);
            return v with { Data = handle.AddrOfPinnedObject() };
        }
        var layers = w.Layers.Select(l => l with { AttnNorm = Round(l.AttnNorm), FfnNorm = Round(l.FfnNorm) }).ToList();
        var weights = new ModelWeights(w.Config, w.TokenEmbedding, Round(w.OutputNorm), w.Output, layers, w.Source + " (norms rounded to BF16)", w.Files, []);
        return new RoundedNorms(weights, buffers);
    }

    private sealed class RoundedNorms(ModelWeights weights, List<GCHandle> buffers) : IDisposable
    {
        public ModelWeights Weights { get; } = weights;

        public void Dispose()
        {
            Weights.Dispose();
            foreach (var h in buffers) h.Free();
        }
    }
}
