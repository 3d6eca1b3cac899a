using System.Security.Cryptography;
using NUnit.Framework;
using TensorCash.Proof.Transcript;
using TensorCash.Proving;

namespace TensorCash.Tests.Proving;

/// <summary>
/// The capture path's vectorised sketch must give the bits of the sketch's definition: a scalar sum in increasing v
/// of +/- the mean-centred logit, signs from SHA-256("TSC-SKETCH" || u32 j || u32 block).
/// </summary>
public class CaptureSketchTests
{
    private static uint[] Definition(float[] logits)
    {
        double mean = 0;
        foreach (float l in logits) mean += l;
        mean /= logits.Length;
        var result = new uint[StepStatistics.SketchLength];
        for (int j = 0; j < result.Length; j++)
        {
            double s = 0;
            for (int v = 0; v < logits.Length; v++)
            {
                var input = new byte[18];
                "TSC-SKETCH"u8.CopyTo(input);
                BitConverter.TryWriteBytes(input.AsSpan(10), (uint)j);
                BitConverter.TryWriteBytes(input.AsSpan(14), (uint)(v / 256));
                var digest = SHA256.HashData(input);
                bool negative = ((digest[(v % 256) / 8] >> (v % 8)) & 1) != 0;
                s += negative ? -(logits[v] - mean) : logits[v] - mean;
            }
            result[j] = BitConverter.SingleToUInt32Bits((float)s);
        }
        return result;
    }

    [TestCase(264, 1)]
    [TestCase(1000, 2)]
    [TestCase(300, 3)]
    public void VectorisedSketchEqualsTheDefinitionBitForBit(int vocab, int seed)
    {
        var random = new Random(seed);
        var logits = Enumerable.Range(0, vocab).Select(_ => (float)(random.NextDouble() * 30 - 15)).ToArray();
        Assert.That(new LogitSketch(vocab).Project(logits), Is.EqualTo(Definition(logits)));
    }
}
