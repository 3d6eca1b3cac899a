using System.Numerics;
using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Native;

/// <summary>
/// The backend's fp64 sine and cosine (native sincos_f64, exported as tc_op_sincos; the RoPE tables), transcribed
/// operation by operation from docs/protocol/proof-of-inference.md §4.2: the same IEEE + - * / in the same order, so
/// the tests pin the algorithm rather than any C library.
/// </summary>
public static class BackendTrigDefinition
{
    public static readonly double MaxArg = Math.ScaleB(1.0, 20);
    public static readonly double TwoOverPi = BitConverter.UInt64BitsToDouble(0x3fe45f306dc9c883);
    public static readonly double C1 = BitConverter.UInt64BitsToDouble(0x3ff921fb54400000);
    public static readonly double C2 = BitConverter.UInt64BitsToDouble(0x3dd0b4611a600000);
    public static readonly double C3 = BitConverter.UInt64BitsToDouble(0x3ba3198a2e037073);
    public static readonly double RoundMagic = BitConverter.UInt64BitsToDouble(0x4338000000000000);

    /// <summary>S[j] = fp64((-1)^j / (2j+1)!), C[j] = fp64((-1)^j / (2j)!), j = 1..8 (index 0 unused).</summary>
    public static readonly double[] S = new ulong[]
    {
        0, 0xbfc5555555555555, 0x3f81111111111111, 0xbf2a01a01a01a01a, 0x3ec71de3a556c734,
        0xbe5ae64567f544e4, 0x3de6124613a86d09, 0xbd6ae7f3e733b81f, 0x3ce952c77030ad4a,
    }.Select(BitConverter.UInt64BitsToDouble).ToArray();
    public static readonly double[] C = new ulong[]
    {
        0, 0xbfe0000000000000, 0x3fa5555555555555, 0xbf56c16c16c16c17, 0x3efa01a01a01a01a,
        0xbe927e4fb7789f5c, 0x3e21eed8eff8d898, 0xbda93974a8c07c9d, 0x3d2ae7f3e733b81f,
    }.Select(BitConverter.UInt64BitsToDouble).ToArray();

    public static (double Sin, double Cos) SinCos(double x)
    {
        if (!(x >= -MaxArg && x <= MaxArg)) return (double.NaN, double.NaN);
        double k = (x * TwoOverPi + RoundMagic) - RoundMagic;
        double r = ((x - k * C1) - k * C2) - k * C3;
        double z = r * r;
        double qs = S[8];
        for (int j = 7; j >= 1; j--) qs = qs * z + S[j];
        double qc = C[8];
        for (int j = 7; j >= 1; j--) qc = qc * z + C[j];
        double s = r + r * (z * qs);
        double c = 1.0 + z * qc;
        return ((long)k & 3) switch
        {
            0 => (s, c),
            1 => (c, -s),
            2 => (-s, -c),
            _ => (-c, s),
        };
    }
}

/// <summary>tc_op_sincos: the definition's bits on the RoPE domain and edge cases, within 2^-50 absolute of the platform's.</summary>
public class BackendTrigTests
{
    private const string Pi100 = "3141592653589793238462643383279502884197169399375105820974944592307816406286208998628034825342117067982148086513282306647";

    private static ModelConfig Config(int headDim, double theta, Llama3RopeScaling? scaling = null) => new()
    {
        Architecture = ModelArchitecture.Llama, LayerCount = 1, ModelDim = 64, HeadCount = 1, KvHeadCount = 1, HeadDim = headDim,
        FeedForwardDim = 64, VocabSize = 8, MaxSequenceLength = 8, RmsNormEps = 1e-5f, RopeTheta = theta, RopeScaling = scaling,
    };

    /// <summary>Every position 0..131071 times realistic frequencies (Llama 3.1 with its scaling, Llama 2's theta),
    /// multiples of pi/4 and pi/2 and their neighbours, random angles over the whole range, negatives, zeros.</summary>
    private static double[] Inputs()
    {
        var xs = new List<double>();
        double[] llama31 = RopeFrequencies.Compute(Config(128, 500000, new Llama3RopeScaling(8, 1, 4, 8192)));
        double[] llama2 = RopeFrequencies.Compute(Config(64, 10000));
        double[] freqs = [llama31[0], llama31[1], llama31[7], llama31[20], llama31[40], llama31[50], llama31[63], llama2[1], llama2[31]];
        for (int p = 0; p < 131072; p++)
            foreach (double f in freqs) xs.Add(p * f);
        for (int p = 0; p < 131072; p += 61)
            foreach (double f in llama31) xs.Add(p * f);
        for (int k = -4000; k <= 667000; k += k < 4000 ? 1 : 97) // |k pi/2| <= 2^20
        {
            double a = k * (Math.PI / 2), b = k * (Math.PI / 4);
            xs.AddRange([a, Math.BitIncrement(a), Math.BitDecrement(a), b, Math.BitIncrement(b), Math.BitDecrement(b)]);
        }
        var rng = new TestRng(4242);
        for (int i = 0; i < 100000; i++) xs.Add(((rng.NextUInt64() >> 11) * (1.0 / (1UL << 53)) * 2 - 1) * BackendTrigDefinition.MaxArg);
        for (int i = 0; i < 20000; i++) xs.Add(Math.ScaleB((rng.NextUInt64() >> 11) * (1.0 / (1UL << 53)), -rng.Next(0, 1074)));
        xs.AddRange([0.0, -0.0, double.Epsilon, 1e-300, BackendTrigDefinition.MaxArg, -BackendTrigDefinition.MaxArg,
            Math.BitDecrement(BackendTrigDefinition.MaxArg)]);
        return xs.ToArray();
    }

    private static (double[] Sin, double[] Cos) Native(double[] x)
    {
        var s = new double[x.Length];
        var c = new double[x.Length];
        NativeOps.SinCos(x, s, c);
        return (s, c);
    }

    [Test]
    public void ConstantsAreTheDocumentedOnes()
    {
        double factorial = 1;
        for (int n = 1; n <= 17; n++)
        {
            factorial *= n; // exact: 17! < 2^53
            double expected = (n / 2 % 2 == 0 ? 1.0 : -1.0) / factorial;
            if (n % 2 == 1 && n >= 3) Assert.That(BackendTrigDefinition.S[(n - 1) / 2], Is.EqualTo(expected), $"S is not fp64(±1/{n}!)");
            if (n % 2 == 0) Assert.That(BackendTrigDefinition.C[n / 2], Is.EqualTo(expected), $"C is not fp64(±1/{n}!)");
        }
        // C1 and C2 leave enough low bits free that k * C1 and k * C2 are exact for |k| < 2^21 (k <= 667544 here).
        Assert.That(BitConverter.DoubleToUInt64Bits(BackendTrigDefinition.C1) & 0x3fffff, Is.Zero);
        Assert.That(BitConverter.DoubleToUInt64Bits(BackendTrigDefinition.C2) & 0x1fffff, Is.Zero);
        // Against 120 digits of pi: |pi/2 - C1 - C2 - C3| < 2^-120 and TwoOverPi = fp64(2/pi) (error below half an ulp).
        var pi = BigInteger.Parse(Pi100);
        var scale = BigInteger.Pow(10, Pi100.Length - 1);
        const int F = 200; // work in units of 2^-F
        BigInteger Fixed(double d)
        {
            ulong bits = BitConverter.DoubleToUInt64Bits(d);
            int e = (int)((bits >> 52) & 0x7ff) - 1075;
            var m = new BigInteger((bits & 0xfffffffffffffUL) | (1UL << 52));
            return e + F >= 0 ? m << (e + F) : m >> -(e + F);
        }
        var halfPi = pi * BigInteger.Pow(2, F - 1) / scale;
        var residual = halfPi - Fixed(BackendTrigDefinition.C1) - Fixed(BackendTrigDefinition.C2) - Fixed(BackendTrigDefinition.C3);
        Assert.That(BigInteger.Abs(residual) < BigInteger.Pow(2, F - 120), Is.True, "C1 + C2 + C3 is not pi/2 to 2^-120");
        var twoOverPi = BigInteger.Pow(2, F + 1) * scale / pi;
        Assert.That(BigInteger.Abs(twoOverPi - Fixed(BackendTrigDefinition.TwoOverPi)) * 2 <= BigInteger.Pow(2, F - 53), Is.True, "2/pi not rounded to nearest");
    }

    private static bool Same(double a, double b) => BitConverter.DoubleToUInt64Bits(a) == BitConverter.DoubleToUInt64Bits(b) || (double.IsNaN(a) && double.IsNaN(b));

    [Test]
    public void NativeIsTheDefinitionBitForBit()
    {
        double[] x = Inputs();
        var (s, c) = Native(x);
        for (int i = 0; i < x.Length; i++)
        {
            var (ds, dc) = BackendTrigDefinition.SinCos(x[i]);
            if (!Same(s[i], ds) || !Same(c[i], dc))
                Assert.Fail($"x = {x[i]:R}: native ({s[i]:R}, {c[i]:R}), definition ({ds:R}, {dc:R})");
        }
        TestContext.Out.WriteLine($"{x.Length} inputs bit for bit");
    }

    [Test]
    public void IsWithin2ToTheMinus50AbsoluteOfThePlatformSinCos()
    {
        double[] x = Inputs();
        var (s, c) = Native(x);
        double worst = 0;
        int differ = 0, fp32Differ = 0;
        double limit = Math.ScaleB(1.0, -50);
        for (int i = 0; i < x.Length; i++)
        {
            double rs = Math.Sin(x[i]), rc = Math.Cos(x[i]);
            if (s[i] != rs || c[i] != rc) differ++;
            if ((float)s[i] != (float)rs || (float)c[i] != (float)rc) fp32Differ++;
            double error = Math.Max(Math.Abs(s[i] - rs), Math.Abs(c[i] - rc));
            worst = Math.Max(worst, error);
            if (!(error <= limit)) Assert.Fail($"x = {x[i]:R}: ({s[i]:R}, {c[i]:R}) vs Math ({rs:R}, {rc:R})");
        }
        TestContext.Out.WriteLine($"{x.Length} inputs, {differ} differ from Math.Sin/Cos in fp64, {fp32Differ} after rounding to fp32, " +
                                  $"worst absolute difference 2^{Math.Log2(worst):F2}");
    }

    [Test]
    public void OutsideTheRangeAndNonFiniteGiveNaN()
    {
        double[] x = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, Math.BitIncrement(BackendTrigDefinition.MaxArg), -2e6, 1e300];
        var (s, c) = Native(x);
        for (int i = 0; i < x.Length; i++) Assert.That(double.IsNaN(s[i]) && double.IsNaN(c[i]), Is.True, $"x = {x[i]:R}");
        var (s0, c0) = Native([0.0, -0.0]);
        Assert.That((BitConverter.DoubleToUInt64Bits(s0[0]), c0[0]), Is.EqualTo((0UL, 1.0)), "sin +0 = +0, cos 0 = 1");
        Assert.That((s0[1], c0[1]), Is.EqualTo((0.0, 1.0)), "sin -0 = 0 (of either sign: the definition gives +0), cos -0 = 1");
    }

    [Test]
    public void ArgumentsAreChecked()
    {
        Assert.That(() => NativeOps.SinCos(new double[3], new double[2], new double[3]), Throws.ArgumentException);
        Assert.That(() => NativeOps.SinCos(new double[3], new double[3], new double[2]), Throws.ArgumentException);
    }
}
