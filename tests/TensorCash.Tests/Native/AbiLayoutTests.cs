using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NUnit.Framework;
using TensorCash.Interop;
using NativeLibrary = TensorCash.Interop.NativeLibrary;

namespace TensorCash.Tests.Native;

/// <summary>The managed mirror structs must have exactly the native sizes and offsets (order documented in tensorcash.h).</summary>
public class AbiLayoutTests
{
    private static IEnumerable<long> Layout<T>(params string[] fields) where T : unmanaged =>
        new[] { (long)Unsafe.SizeOf<T>() }.Concat(fields.Select(f => (long)Marshal.OffsetOf<T>(f)));

    [Test]
    public void MirrorStructsMatchNativeLayout()
    {
        long[] expected = Layout<TcTensor>("Data", "DType", "Rows", "Cols", "Reserved")
            .Concat(Layout<TcLayerWeights>("AttnNorm", "Wq", "Wk", "Wv", "Wo", "Bq", "Bk", "Bv", "FfnNorm", "WGate", "WUp", "WDown"))
            .Concat(Layout<TcModelConfig>("LayerCount", "ModelDim", "HeadCount", "KvHeadCount", "HeadDim", "FeedForwardDim",
                "VocabSize", "MaxSequenceLength", "RmsNormEps", "Reserved", "RopeInvFreq", "SlidingWindow", "Reserved2"))
            .Concat(Layout<TcModelWeights>("TokenEmbedding", "OutputNorm", "Output", "Layers"))
            .Concat(Layout<TcBatchItem>("Kv", "Tokens", "TokenCount", "LogitsMode", "Logits", "Hidden", "Rows", "RowCount", "Reserved"))
            .ToArray();
        Assert.That(NativeLibrary.AbiLayout(), Is.EqualTo(expected));
    }

    [Test]
    public void EveryAbiStructIsEightByteAligned()
    {
        long[] layout = NativeLibrary.AbiLayout();
        int[] sizeIndices = [0, 6, 19, 33, 38];
        Assert.That(sizeIndices.Select(i => layout[i] % 8), Is.All.EqualTo(0));
    }
}
