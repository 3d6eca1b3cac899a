using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

public class ThreadPoolTests
{
    /// <summary>Back-to-back tiny dispatches are where a lost wake-up or a stale worker claiming a later call's task would show.</summary>
    [Test]
    public void ThousandsOfBackToBackDispatchesEachRunEveryTaskOnce()
    {
        var rng = new TestRng(41);
        const int rows = 40, cols = 16;
        float[] w = rng.Floats(rows * cols);
        using var wb = new NativeBuffer(TestTensors.Encode(w, TensorDType.F32));
        TcTensor wt = TestTensors.Native(wb, TensorDType.F32, rows, cols);
        using var pool = NativeThreadPool.Create(4);
        for (int i = 0; i < 3000; i++)
        {
            float[] x = rng.Floats(cols);
            var expected = new float[rows];
            var y = new float[rows];
            NativeOps.MatMul(null, x, 1, wt, null, expected);
            NativeOps.MatMul(pool, x, 1, wt, null, y);
            if (!y.AsSpan().SequenceEqual(expected)) Assert.Fail($"dispatch {i} differs from the single-threaded result");
        }
    }
}
