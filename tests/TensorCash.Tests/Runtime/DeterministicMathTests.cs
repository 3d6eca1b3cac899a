using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NUnit.Framework;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Interop;
using TensorCash.Tests.Native;

namespace TensorCash.Tests.Runtime;

/// <summary>
/// DeterministicMath (proof-of-inference.md §4.2): log is the backend's ln_b bit for bit, exp and pow are within 2^-50
/// relative of the platform's on the RoPE domain and beyond, and their bits on a fixed grid are pinned, so a change to
/// the definition (which would change every RoPE frequency and with it the logits) cannot go unnoticed.
/// </summary>
public class DeterministicMathTests
{
    private static ModelConfig Config(int headDim, double theta, Llama3RopeScaling? scaling = null) => new()
    {
        Architecture = ModelArchitecture.Llama, LayerCount = 1, ModelDim = 64, HeadCount = 1, KvHeadCount = 1, HeadDim = headDim,
        FeedForwardDim = 64, VocabSize = 8, MaxSequenceLength = 8, RmsNormEps = 1e-5f, RopeTheta = theta, RopeScaling = scaling,
    };

    private static double Uniform(TestRng rng, double lo, double hi) => lo + (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53)) * (hi - lo);

    private static readonly double[] Thetas = [10000, 500000, 1000000, 100000, 1e4 + 0.5, 75000, 2.5, 1.5, 1e8, 5e6];
    private static readonly int[] HeadDims = [2, 8, 32, 48, 64, 80, 96, 112, 128, 160, 256];

    /// <summary>(theta, -2i/d) pairs of every realistic RoPE configuration plus random thetas.</summary>
    private static List<(double X, double Y)> PowInputs()
    {
        var rng = new TestRng(99);
        var thetas = Thetas.Concat(Enumerable.Range(0, 200).Select(_ => Math.Round(Uniform(rng, 2, 1e7)))).Concat(Enumerable.Range(0, 200).Select(_ => Uniform(rng, 1.01, 1e7)));
        var list = new List<(double, double)>();
        foreach (double t in thetas)
            foreach (int d in HeadDims)
                for (int i = 0; i < d / 2; i++) list.Add((t, -2.0 * i / d));
        for (int i = 0; i < 20000; i++) list.Add((Math.Exp(Uniform(rng, -40, 40)), Uniform(rng, -15, 15)));
        return list;
    }

    [Test]
    public void LogIsTheBackendLogBitForBit()
    {
        var rng = new TestRng(5);
        var xs = new List<double>();
        for (int i = 0; i < 50000; i++) xs.Add(BitConverter.UInt64BitsToDouble(rng.NextUInt64() % 0x7ff0000000000000UL));
        for (int i = 0; i < 50000; i++) xs.Add(Uniform(rng, 0.5, 1e7));
        xs.AddRange([0.0, -0.0, -1.0, double.NaN, double.PositiveInfinity, double.Epsilon, double.MaxValue, 1.0, 10000, 500000]);
        double[] x = xs.ToArray();
        var native = new double[x.Length];
        NativeOps.Log(x, native);
        for (int i = 0; i < x.Length; i++)
        {
            ulong mine = BitConverter.DoubleToUInt64Bits(DeterministicMath.Log(x[i]));
            if (mine != BitConverter.DoubleToUInt64Bits(native[i]) || mine != BitConverter.DoubleToUInt64Bits(BackendLogDefinition.Log(x[i])))
                Assert.Fail($"x = {x[i]:R}: DeterministicMath.Log {DeterministicMath.Log(x[i]):R}, tc_op_log {native[i]:R}");
        }
    }

    [Test]
    public void ExpIsWithin2ToTheMinus50RelativeOfThePlatformExp()
    {
        var rng = new TestRng(6);
        var xs = new List<double>();
        for (int i = 0; i < 100000; i++) xs.Add(Uniform(rng, -20, 0.5));   // the RoPE domain: -(2i/d) ln theta
        for (int i = 0; i < 100000; i++) xs.Add(Uniform(rng, -708, 709.78));
        for (int k = -1000; k <= 1000; k++) xs.AddRange([k * 0.34657359027997264, Math.BitIncrement(k * 0.34657359027997264)]);
        xs.AddRange([0.0, -0.0, 1.0, -1.0, 709.782712893384, -708.3964185322641, 1e-300, -1e-300]);
        double worst = 0;
        foreach (double x in xs)
        {
            double mine = DeterministicMath.Exp(x), reference = Math.Exp(x);
            double error = Math.Abs(mine - reference) / reference;
            worst = Math.Max(worst, error);
            if (!(error <= Math.ScaleB(1.0, -50))) Assert.Fail($"x = {x:R}: {mine:R} vs Math.Exp {reference:R}");
        }
        TestContext.Out.WriteLine($"{xs.Count} inputs, worst relative difference 2^{Math.Log2(worst):F2}");
        Assert.That(DeterministicMath.Exp(0.0), Is.EqualTo(1.0));
        Assert.That(DeterministicMath.Exp(710), Is.EqualTo(double.PositiveInfinity));
        Assert.That(DeterministicMath.Exp(-746), Is.EqualTo(0.0));
        Assert.That(DeterministicMath.Exp(-740), Is.EqualTo(Math.Exp(-740)).Within(Math.ScaleB(1.0, -1074)), "subnormal results");
        Assert.That(double.IsNaN(DeterministicMath.Exp(double.NaN)), Is.True);
    }

    [Test]
    public void PowIsWithin2ToTheMinus50RelativeOfThePlatformPow()
    {
        var inputs = PowInputs();
        double worst = 0;
        int differ = 0;
        foreach (var (x, y) in inputs)
        {
            double mine = DeterministicMath.Pow(x, y), reference = Math.Pow(x, y);
            if (mine != reference) differ++;
            double error = Math.Abs(mine - reference) / reference;
            worst = Math.Max(worst, error);
            if (!(error <= Math.ScaleB(1.0, -50))) Assert.Fail($"{x:R}^{y:R}: {mine:R} vs Math.Pow {reference:R}");
        }
        TestContext.Out.WriteLine($"{inputs.Count} inputs, {differ} differ from Math.Pow, worst relative difference 2^{Math.Log2(worst):F2}");
        Assert.That(DeterministicMath.Pow(10000, 0.0), Is.EqualTo(1.0));
        Assert.That(DeterministicMath.Pow(1.0, -7.5), Is.EqualTo(1.0));
        Assert.That(() => DeterministicMath.Pow(0.0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => DeterministicMath.Pow(double.PositiveInfinity, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => DeterministicMath.Pow(2, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static string Sha256OfBits(IEnumerable<double> values) =>
        Convert.ToHexStringLower(SHA256.HashData(values.SelectMany(v => BitConverter.GetBytes(BitConverter.DoubleToUInt64Bits(v))).ToArray()));

    /// <summary>
    /// The definition's bits, pinned: exp on a grid, pow on every realistic (theta, head_dim), and the RoPE frequencies
    /// of Llama 3.1 (with its scaling) and Llama 2. These are consensus inputs; if this fails, the RoPE tables (and the
    /// logits of every model) changed - a consensus change, not a refactoring.
    /// </summary>
    [Test]
    public void BitsArePinned()
    {
        var expGrid = Enumerable.Range(-4000, 8001).Select(k => DeterministicMath.Exp(k * 0.0171875 + 0.001));
        var powGrid = Thetas.SelectMany(t => HeadDims.SelectMany(d => Enumerable.Range(0, d / 2).Select(i => DeterministicMath.Pow(t, -2.0 * i / d))));
        var rope = RopeFrequencies.Compute(Config(128, 500000, new Llama3RopeScaling(8, 1, 4, 8192)))
            .Concat(RopeFrequencies.Compute(Config(128, 10000))).Concat(RopeFrequencies.Compute(Config(64, 10000)));
        Assert.Multiple(() =>
        {
            Assert.That(Sha256OfBits(expGrid), Is.EqualTo("b3de3975f0f717bc69f3c755d2063905d7b141276ab23b8fc6cd06a1db185ab3"), "exp grid");
            Assert.That(Sha256OfBits(powGrid), Is.EqualTo("0936b6284559c082181623950eec30ba7157ec7a26f6733498c2674fe53afa10"), "pow grid");
            Assert.That(Sha256OfBits(PowInputs().Select(p => DeterministicMath.Pow(p.X, p.Y))), Is.EqualTo("77e0f663afa58bca1ac800390f4473b0150b76feb3282c3778057719260a30ab"), "pow on the accuracy test's inputs");
            Assert.That(Sha256OfBits(rope), Is.EqualTo("a3e05cd2817cd2db0a649aaced8992d9f6cb58082fb29c1a6b3ff8ae304fbc39"), "RoPE frequencies");
        });
    }

    /// <summary>DeterministicMath must not call the runtime's math library (Math.*, MathF.*: libm-backed or FMA).</summary>
    [Test]
    public void SourceUsesNoMathLibrary()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TensorCash.sln"))) directory = directory.Parent;
        Assert.That(directory, Is.Not.Null, "repository root (TensorCash.sln) not found above the test directory");
        string path = Path.Combine(directory!.FullName, "managed", "TensorCash.Engine", "Runtime", "DeterministicMath.cs");
        var forbidden = new Regex(@"(?<![\w.])(Math|MathF)\.|FusedMultiplyAdd|\bdecimal\b|\bfloat\b");
        var hits = File.ReadAllLines(path).Select((line, i) => (line, i))
            .Select(x => (code: x.line.Contains("//", StringComparison.Ordinal) ? x.line[..x.line.IndexOf("//", StringComparison.Ordinal)] : x.line, x.i))
            .Where(x => !x.code.TrimStart().StartsWith("///", StringComparison.Ordinal) && forbidden.IsMatch(x.code))
            .Select(x => $"line {x.i + 1}: {x.code.Trim()}").ToArray();
        Assert.That(hits, Is.Empty);
        Assert.That(forbidden.IsMatch("return Math.Exp(x);") && !forbidden.IsMatch("DeterministicMath.Exp(x)"), Is.True);
    }
}
