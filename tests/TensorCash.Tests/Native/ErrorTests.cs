using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

/// <summary>Bad arguments at the P/Invoke level come back as NativeException with the native reason, never a crash.</summary>
public class ErrorTests
{
    [Test]
    public void NullWeightDataIsReportedWithTheArgumentName()
    {
        var e = Assert.Throws<NativeException>(() => NativeOps.MatMul(null, new float[4], 1, new TcTensor { Rows = 1, Cols = 4 }, null, new float[1]));
        Assert.That(e!.Status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(e.Message, Does.Contain("tc_op_matmul").And.Contain("w->data is NULL"));
    }

    [Test]
    public void BadDTypeAndBadQ8ShapeAreRejected()
    {
        using var buffer = new NativeBuffer(new byte[256]);
        var bad = TestTensors.Native(buffer, TensorDType.F32, 1, 4) with { DType = 9 };
        Assert.That(() => NativeOps.MatMul(null, new float[4], 1, bad, null, new float[1]),
            Throws.TypeOf<NativeException>().With.Message.Contains("unknown dtype 9"));
        var q8 = TestTensors.Native(buffer, TensorDType.Q8_0, 1, 40);
        Assert.That(() => NativeOps.MatMul(null, new float[40], 1, q8, null, new float[1]),
            Throws.TypeOf<NativeException>().With.Message.Contains("divisible by 32"));
    }

    [Test]
    public void UnsupportedIsaIsRefusedAndLeavesTheSelectionAlone()
    {
        NativeIsa before = NativeLibrary.ActiveIsa;
        if (NativeLibrary.IsSupported(NativeIsa.Avx512)) Assert.Ignore("this CPU/build supports every ISA");
        var e = Assert.Throws<NativeException>(() => NativeLibrary.ActiveIsa = NativeIsa.Avx512);
        Assert.That(e!.Status, Is.EqualTo(NativeStatus.Unsupported));
        Assert.That(NativeLibrary.ActiveIsa, Is.EqualTo(before));
    }

    [Test]
    public void ThreadPoolSizeIsValidated()
    {
        var e = Assert.Throws<NativeException>(() => NativeThreadPool.Create(0));
        Assert.That(e!.Status, Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(e.Message, Does.Contain("n_threads must be in 1..1024, got 0"));
        using var pool = NativeThreadPool.Create(3);
        Assert.That(pool.Size, Is.EqualTo(3));
    }

    [Test]
    public void AttentionRejectsMoreQueriesThanKeys()
    {
        Assert.That(() => NativeOps.Attention(null, new float[16], 2, new float[8], new float[8], 1, 1, 1, 8, new float[16]),
            Throws.TypeOf<NativeException>().With.Message.Contains("n_kv >= n_q"));
    }
}
