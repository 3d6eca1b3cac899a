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
            if (!BitAssert.Same(y, expected)) Assert.Fail($"dispatch {i} differs from the single-threaded result");
        }
    }

    /// <summary>
    /// Calls whose task counts alternate (2 then 16 panels): a worker that saw one call exhausted must not claim a
    /// task of the next, larger call before that call is published (it would run a task twice and the caller would
    /// wait forever for its done count). Run on a watchdog so a regression fails instead of hanging the suite.
    /// </summary>
    [Test]
    public void AlternatingTaskCountsNeverRunATaskTwiceOrHang()
    {
        var rng = new TestRng(43);
        const int cols = 16;
        int[] rowCounts = [8, 64];
        var weights = rowCounts.Select(r => rng.Floats(r * cols)).ToArray();
        var buffers = weights.Select(w => new NativeBuffer(TestTensors.Encode(w, TensorDType.F32))).ToArray();
        try
        {
            var tensors = rowCounts.Select((r, i) => TestTensors.Native(buffers[i], TensorDType.F32, r, cols)).ToArray();
            float[] x = rng.Floats(cols);
            var expected = rowCounts.Select((r, i) => { var e = new float[r]; NativeOps.MatMul(null, x, 1, tensors[i], null, e); return e; }).ToArray();
            // More workers than cores: preemption inside a claim is what opens the window.
            using var pool = NativeThreadPool.Create(8);
            var run = Task.Run(() =>
            {
                for (int i = 0; i < 100000; i++)
                {
                    int k = i & 1;
                    var y = new float[rowCounts[k]];
                    NativeOps.MatMul(pool, x, 1, tensors[k], null, y);
                    if (!BitAssert.Same(y, expected[k])) return $"dispatch {i} differs";
                }
                return null;
            });
            Assert.That(run.Wait(TimeSpan.FromSeconds(60)), Is.True, "thread pool hung");
            Assert.That(run.Result, Is.Null);
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }

    /// <summary>
    /// A pool serves one call at a time. Two threads sharing one pool: whenever their calls overlap the later one must be
    /// refused with an error, and every call that does run must give exactly the single-threaded result.
    /// </summary>
    [Test]
    public void ASecondConcurrentCallerIsRefusedAndTheFirstIsUntouched()
    {
        var rng = new TestRng(44);
        const int rows = 256, cols = 1024, m = 6;
        float[] w = rng.Floats(rows * cols), x = rng.Floats(m * cols);
        using var wb = new NativeBuffer(TestTensors.Encode(w, TensorDType.F32));
        TcTensor wt = TestTensors.Native(wb, TensorDType.F32, rows, cols);
        var expected = new float[m * rows];
        NativeOps.MatMul(null, x, m, wt, null, expected);
        using var pool = NativeThreadPool.Create(2);
        int refused = 0, ran = 0;
        string? wrong = null;
        using var start = new Barrier(2);
        void Caller()
        {
            start.SignalAndWait();
            for (int i = 0; i < 300; i++)
            {
                var y = new float[m * rows];
                try
                {
                    NativeOps.MatMul(pool, x, m, wt, null, y);
                    Interlocked.Increment(ref ran);
                    if (!BitAssert.Same(y, expected)) wrong = $"call {i} differs from the single-threaded result";
                }
                catch (NativeException e) when (e.Message.Contains("thread pool is already serving another call"))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }
        var threads = new[] { new Thread(Caller) { IsBackground = true }, new Thread(Caller) { IsBackground = true } };
        foreach (Thread t in threads) t.Start();
        foreach (Thread t in threads) Assert.That(t.Join(TimeSpan.FromSeconds(120)), Is.True, "thread pool hung");
        Assert.That(wrong, Is.Null);
        Assert.That(refused, Is.GreaterThan(0), "overlapping calls were not refused");
        Assert.That(ran, Is.GreaterThan(0));
    }
}
