using System.Runtime.InteropServices;
using NUnit.Framework;
using TensorCash.Interop;
using NativeLibrary = TensorCash.Interop.NativeLibrary;

namespace TensorCash.Tests.Native;

/// <summary>Size products that do not fit their integer type must be refused, never wrapped into a small allocation or count.</summary>
public unsafe partial class SizeOverflowTests
{
    /// <summary>
    /// 4 layers x 2^15 kv heads x 2^30 positions x head_dim 2^15 = 2^62 floats = 2^64 bytes, which wraps a 64-bit byte
    /// count to exactly 0: a cache "created" that way reports its full capacity over no memory at all.
    /// </summary>
    [Test]
    public void AKvCacheWhoseByteCountWrapsIsRefused()
    {
        using var raw = RawModel.Huge(new TcModelConfig
        {
            LayerCount = 4, ModelDim = 1, HeadCount = 1 << 15, KvHeadCount = 1 << 15, HeadDim = 1 << 15, FeedForwardDim = 1,
            VocabSize = 1, MaxSequenceLength = 1 << 30, RmsNormEps = 1e-5f,
        });
        using NativeModel model = raw.Create();
        NativeKvCache? kv = null;
        var e = Assert.Throws<NativeException>(() => kv = NativeKvCache.Create(model, 1 << 30), $"capacity {kv?.Capacity}")!;
        Assert.That(e.Message, Does.Contain("tc_kv_create").And.Contain("byte count overflows"));
    }

    [Test]
    public void AModelWhoseProjectionWidthOverflowsInt32IsRefused()
    {
        using var raw = RawModel.Huge(new TcModelConfig
        {
            LayerCount = 1, ModelDim = 1, HeadCount = 1 << 16, KvHeadCount = 1, HeadDim = 1 << 16, FeedForwardDim = 1,
            VocabSize = 1, MaxSequenceLength = 8, RmsNormEps = 1e-5f,
        });
        var e = Assert.Throws<NativeException>(() => raw.Create().Dispose())!;
        Assert.That(e.Message, Does.Contain("n_heads * head_dim"));
    }

    /// <summary>n_q * n_heads = 2^32 tasks wrapped to 0 in an int: the call "succeeded" without computing anything.</summary>
    [Test]
    public void AnAttentionTaskCountBeyondInt32IsRefused()
    {
        // Straight to the native entry point: the managed wrapper would already refuse buffers this small.
        var buffer = new float[16];
        fixed (float* p = buffer)
            Assert.That(tc_op_attention(0, p, 1 << 16, p, p, 1 << 16, 1 << 16, 1, 1, 0, p), Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(NativeLibrary.LastError, Does.Contain("n_q * n_heads"));
    }

    [LibraryImport("tensorcash_native", EntryPoint = "tc_op_attention")]
    private static unsafe partial int tc_op_attention(nint noPool, float* q, int nQ, float* k, float* v, int nKv, int heads, int kvHeads, int headDim, int slidingWindow, float* output);
}
