using System.Numerics;
using NUnit.Framework;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

/// <summary>
/// The backend's fp64 log (native log_f64, exported as tc_op_log), transcribed operation by operation from its
/// definition in docs/protocol/proof-of-inference.md §4.1: the same IEEE + - * / in the same order. Tests compare the
/// native bits to this transliteration, so they pin the algorithm rather than any C library. (.NET never contracts a
/// multiply and an add into an FMA on its own, and fp64 arithmetic is evaluated in fp64.)
/// </summary>
public static class BackendLogDefinition
{
    public const ulong MantissaMask = 0x000f_ffff_ffff_ffffUL;
    public const ulong Sqrt2Mantissa = 0x6_a09e_667f_3bcdUL;
    public static readonly double Ln2Hi = BitConverter.UInt64BitsToDouble(0x3fe62e42fee00000);
    public static readonly double Ln2Lo = BitConverter.UInt64BitsToDouble(0x3dea39ef35793c76);

    /// <summary>C[i] = fp64(1 / (2i + 3)), i = 0..8.</summary>
    public static readonly double[] C = new ulong[]
    {
        0x3fd5555555555555, 0x3fc999999999999a, 0x3fc2492492492492, 0x3fbc71c71c71c71c, 0x3fb745d1745d1746,
        0x3fb3b13b13b13b14, 0x3fb1111111111111, 0x3fae1e1e1e1e1e1e, 0x3faaf286bca1af28,
    }.Select(BitConverter.UInt64BitsToDouble).ToArray();

    public static double Log(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        int e = 0;
        if (x < BitConverter.UInt64BitsToDouble(0x0010000000000000)) // subnormal: times 2^54, exact
        {
            x *= BitConverter.UInt64BitsToDouble(0x4350000000000000);
            e = -54;
        }
        ulong bits = BitConverter.DoubleToUInt64Bits(x);
        ulong mantissa = bits & MantissaMask;
        e += (int)(bits >> 52) - 1023;
        ulong biased = 1023;
        if (mantissa >= Sqrt2Mantissa)
        {
            biased = 1022;
            e += 1;
        }
        double m = BitConverter.UInt64BitsToDouble((biased << 52) | mantissa);
        double s = (m - 1.0) / (m + 1.0);
        double f = s + s;
        double z = s * s;
        double q = C[8];
        for (int i = 7; i >= 0; i--) q = q * z + C[i];
        double lnM = f + f * (z * q);
        double ed = e;
        return ed * Ln2Hi + (ed * Ln2Lo + lnM);
    }
}

/// <summary>tc_op_log: the definition's bits on every input class, and within 2^-50 relative of the platform log.</summary>
public class BackendLogTests
{
    private static double[] NativeLog(double[] x)
    {
        var y = new double[x.Length];
        NativeOps.Log(x, y);
        return y;
    }

    private static double Pattern(ulong bits) => BitConverter.UInt64BitsToDouble(bits);

    /// <summary>The statistics' domain (S in [1, 2^31]), around 1 and the sqrt(2) split, powers of two and their
    /// neighbours, random positive bit patterns (normals and subnormals) and the extremes.</summary>
    private static double[] Inputs()
    {
        var rng = new TestRng(77);
        var xs = new List<double>();
        for (int i = 0; i < 20000; i++) xs.Add(1 + (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53)) * ((1U << 31) - 1));
        for (int i = 0; i < 20000; i++) xs.Add(0.25 + (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53)) * 3.75);
        for (int i = 0; i < 5000; i++) xs.Add(Pattern(0x3ff0000000000000UL + (rng.NextUInt64() >> 40)));            // just above 1
        for (int i = 0; i < 5000; i++) xs.Add(Pattern(0x3ff0000000000000UL - (rng.NextUInt64() >> 40)));            // just below 1
        ulong sqrt2 = BitConverter.DoubleToUInt64Bits(Math.Sqrt(2));
        for (ulong d = 0; d < 64; d++) xs.AddRange([Pattern(sqrt2 + d), Pattern(sqrt2 - d - 1), Pattern(sqrt2 + d - (1UL << 52))]);
        for (int k = -1074; k <= 1023; k++)
        {
            double p = Math.ScaleB(1.0, k);
            xs.AddRange([p, Math.BitIncrement(p), Math.BitDecrement(p)]);
        }
        for (int i = 0; i < 20000; i++) xs.Add(Pattern(rng.NextUInt64() % 0x7ff0000000000000UL));
        xs.AddRange([double.Epsilon, double.MaxValue, 1.0, 2.0, 0.5, Math.E, 10.0]);
        return xs.Where(x => x > 0).ToArray();
    }

    [Test]
    public void ConstantsAreTheDocumentedOnes()
    {
        for (int i = 0; i < 9; i++)
            Assert.That(BackendLogDefinition.C[i], Is.EqualTo(1.0 / (2 * i + 3)), $"C[{i}] is not fp64(1/{2 * i + 3})");
        Assert.That(BitConverter.DoubleToUInt64Bits(Math.Sqrt(2)) & BackendLogDefinition.MantissaMask, Is.EqualTo(BackendLogDefinition.Sqrt2Mantissa));
        Assert.That(BitConverter.DoubleToUInt64Bits(BackendLogDefinition.Ln2Hi) & 0x1fffff, Is.Zero, "ln2_hi must leave 21 low bits free so e * ln2_hi is exact");
        // ln2_hi = H * 2^-53 and ln2_lo = L * 2^-85 (53-bit L): L must be (ln 2 - ln2_hi) * 2^85 rounded to nearest.
        var ln2 = BigInteger.Parse("693147180559945309417232121458176568075500134360255254120680"); // ln 2 * 10^60
        var scale = BigInteger.Pow(10, 60);
        ulong hiBits = BitConverter.DoubleToUInt64Bits(BackendLogDefinition.Ln2Hi), loBits = BitConverter.DoubleToUInt64Bits(BackendLogDefinition.Ln2Lo);
        Assert.That((hiBits >> 52, loBits >> 52), Is.EqualTo((1022UL, 990UL)));
        var h = new BigInteger((hiBits & BackendLogDefinition.MantissaMask) | (1UL << 52));
        var l = new BigInteger((loBits & BackendLogDefinition.MantissaMask) | (1UL << 52));
        var remainderTimesScale = ln2 * BigInteger.Pow(2, 85) - h * BigInteger.Pow(2, 32) * scale; // (ln 2 - ln2_hi) * 2^85 * 10^60
        Assert.That(BigInteger.Abs(l * scale - remainderTimesScale) * 2 <= scale, Is.True, "ln2_lo is not ln 2 - ln2_hi rounded");
        Assert.That(BackendLogDefinition.Ln2Hi + BackendLogDefinition.Ln2Lo, Is.EqualTo(0.6931471805599453)); // fp64(ln 2)
    }

    [Test]
    public void NativeIsTheDefinitionBitForBit()
    {
        double[] x = Inputs();
        double[] y = NativeLog(x);
        for (int i = 0; i < x.Length; i++)
            if (BitConverter.DoubleToUInt64Bits(y[i]) != BitConverter.DoubleToUInt64Bits(BackendLogDefinition.Log(x[i])))
                Assert.Fail($"x = {x[i]:R} ({BitConverter.DoubleToUInt64Bits(x[i]):x16}): native {y[i]:R}, definition {BackendLogDefinition.Log(x[i]):R}");
    }

    [Test]
    public void IsWithin2ToTheMinus50RelativeOfThePlatformLog()
    {
        double[] x = Inputs();
        double[] y = NativeLog(x);
        double worst = 0;
        int differ = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double reference = Math.Log(x[i]);
            if (y[i] != reference) differ++;
            double error = reference == 0 ? Math.Abs(y[i]) : Math.Abs(y[i] - reference) / Math.Abs(reference);
            worst = Math.Max(worst, error);
            if (!(error <= Math.ScaleB(1.0, -50))) Assert.Fail($"x = {x[i]:R}: {y[i]:R} vs Math.Log {reference:R}");
        }
        TestContext.Out.WriteLine($"{x.Length} inputs, {differ} differ from Math.Log, worst relative difference 2^{Math.Log2(worst):F2}");
    }

    [Test]
    public void SpecialValuesFollowTheCLibrary()
    {
        double[] x = [double.NaN, -1.0, double.NegativeInfinity, -double.Epsilon, 0.0, -0.0, double.PositiveInfinity, 1.0];
        double[] y = NativeLog(x);
        Assert.That(double.IsNaN(y[0]) && double.IsNaN(y[1]) && double.IsNaN(y[2]) && double.IsNaN(y[3]), Is.True);
        Assert.That(y[4], Is.EqualTo(double.NegativeInfinity));
        Assert.That(y[5], Is.EqualTo(double.NegativeInfinity));
        Assert.That(y[6], Is.EqualTo(double.PositiveInfinity));
        Assert.That(BitConverter.DoubleToUInt64Bits(y[7]), Is.Zero, "ln 1 = +0");
    }

    [Test]
    public void ArgumentsAreChecked() =>
        Assert.That(() => NativeOps.Log(new double[3], new double[2]), Throws.ArgumentException);
}
