using NUnit.Framework;

namespace TensorCash.Tests.Native;

/// <summary>
/// Bitwise equality of float results. NUnit's Is.EqualTo(...).AsCollection compares values: it calls -0 equal to +0 and
/// every NaN equal to every other, so it cannot check a bitwise contract. These compare BitConverter.SingleToInt32Bits.
/// </summary>
public static class BitAssert
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        for (int i = 0; i < expected.Length; i++)
        {
            int e = BitConverter.SingleToInt32Bits(expected[i]), a = BitConverter.SingleToInt32Bits(actual[i]);
            if (e != a) Assert.Fail($"{what}: element {i} is 0x{a:x8} ({actual[i]:R}), expected 0x{e:x8} ({expected[i]:R})");
        }
    }

    /// <summary>Whether two float sequences have the same bits (Span.SequenceEqual on floats compares values).</summary>
    public static bool Same(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(b));

    public static void Equal(float expected, float actual, string what) => Equal([expected], [actual], what);

    /// <summary>Floats whose products underflow: magnitudes 2^-70 .. 2^-60, both signs, some exact zeros of both signs.</summary>
    public static float[] Underflowing(Runtime.TestRng rng, int n)
    {
        var values = new float[n];
        for (int i = 0; i < n; i++)
            values[i] = rng.Next(8) switch
            {
                0 => 0f,
                1 => -0f,
                _ => MathF.ScaleB(1f + Math.Abs(rng.NextFloat()), -60 - rng.Next(10)) * (rng.Next(2) == 0 ? -1f : 1f),
            };
        return values;
    }
}
