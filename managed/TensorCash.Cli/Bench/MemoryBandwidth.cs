using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace TensorCash.Cli.Bench;

/// <summary>
/// This machine's sustainable read bandwidth, measured the way decoding uses memory: several threads
/// each streaming through their own slice of a buffer much larger than the caches, summing it with
/// SIMD so the loads, not the arithmetic, are the limit. Best of several runs, because the question is
/// what the hardware can do, not how noisy the machine is.
/// </summary>
public static class MemoryBandwidth
{
    private static double s_sink; // keeps the sums observable so the reads cannot be optimised away

    /// <summary>Read bandwidth in bytes per second.</summary>
    public static unsafe double MeasureReadBytesPerSecond(long bufferBytes, int threads, int runs = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        // Every slice is a whole number of 4-vector blocks, so the inner loop needs no tail.
        long block = 4L * Vector<float>.Count * sizeof(float);
        long slice = bufferBytes / threads / block * block;
        if (slice == 0) throw new ArgumentOutOfRangeException(nameof(bufferBytes), $"{bufferBytes} bytes is too small to split over {threads} threads");

        byte* buffer = (byte*)NativeMemory.AlignedAlloc((nuint)(slice * threads), 64);
        try
        {
            var sums = new double[threads];
            // Workers stamp their own start and end: the coordinating thread shares the cores and may be
            // scheduled late, so its own clock would under- or over-state the run.
            var starts = new long[threads];
            var ends = new long[threads];
            var start = new Barrier(threads + 1);
            var end = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                int index = t;
                workers[t] = new Thread(() =>
                {
                    float* data = (float*)(buffer + index * slice);
                    // First touch from the thread that will read the slice places its pages near that thread.
                    for (long done = 0; done < slice; done += 1 << 30)
                        new Span<byte>((byte*)data + done, (int)Math.Min(slice - done, 1 << 30)).Fill(1);
                    for (int r = 0; r < runs; r++)
                    {
                        start.SignalAndWait();
                        starts[index] = Stopwatch.GetTimestamp();
                        sums[index] += Sum(data, slice / sizeof(float));
                        ends[index] = Stopwatch.GetTimestamp();
                        end.SignalAndWait();
                    }
                }) { IsBackground = true, Name = $"bandwidth-{t}" };
                workers[t].Start();
            }

            double best = 0;
            for (int r = 0; r < runs; r++)
            {
                start.SignalAndWait();
                end.SignalAndWait();
                double seconds = Stopwatch.GetElapsedTime(starts.Min(), ends.Max()).TotalSeconds;
                best = Math.Max(best, slice * threads / seconds);
            }
            foreach (var w in workers) w.Join();
            s_sink = sums.Sum();
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static unsafe double Sum(float* data, long count)
    {
        // Four independent accumulators so the adds do not serialise on one register.
        Vector<float> a = default, b = default, c = default, d = default;
        int width = Vector<float>.Count;
        for (long i = 0; i < count; i += 4 * width)
        {
            a += *(Vector<float>*)(data + i);
            b += *(Vector<float>*)(data + i + width);
            c += *(Vector<float>*)(data + i + 2 * width);
            d += *(Vector<float>*)(data + i + 3 * width);
        }
        return Vector.Sum(a + b + c + d);
    }
}
