using System.Runtime.Intrinsics;
using TensorCash.Engine.Runtime;

namespace TensorCash.Engine.Reference;

/// <summary>
/// fp64 helpers that give the same bits on every machine: a dot product with a fixed summation order (four fixed lanes,
/// whatever the CPU's vector width), sine and cosine from IEEE + - * / only, and the logistic SiLU over
/// <see cref="DeterministicMath.Exp"/>. The float64 reference forward and the weight audit use them, so an audit report
/// (docs/protocol/registry.md §5) is the same on every node. Like <see cref="DeterministicMath"/>: no libm, no FMA.
/// </summary>
public static class ReferenceMath
{
    /// <summary>
    /// Σ a[i]·b[i] with element i added to lane i mod 4 (each lane in index order), the lanes combined as
    /// (l0 + l1) + (l2 + l3), then the tail (fewer than 4 elements) in order. Vector256 is used where the hardware has it;
    /// elsewhere .NET computes the same lanes one by one, so the result does not depend on the machine.
    /// </summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"lengths differ: {a.Length} and {b.Length}");
        int n = a.Length, i = 0;
        var acc = Vector256<double>.Zero;
        for (; i + 4 <= n; i += 4)
            acc = Vector256.Add(acc, Vector256.Multiply(Vector256.Create(a.Slice(i, 4)), Vector256.Create(b.Slice(i, 4))));
        double s = (acc.GetElement(0) + acc.GetElement(1)) + (acc.GetElement(2) + acc.GetElement(3));
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Σ a[i]² in <see cref="Dot"/>'s order.</summary>
    public static double SumOfSquares(ReadOnlySpan<double> a) => Dot(a, a);

    /// <summary>x / (1 + e^-x) with <see cref="DeterministicMath.Exp"/>.</summary>
    public static double Silu(double x) => x / (1 + DeterministicMath.Exp(-x));

    // π/2 in three 33-bit pieces (fdlibm's pio2_1, pio2_2, pio2_3): n·Pio2_k is exact for |n| < 2^20.
    private static readonly double Pio2Hi = BitConverter.UInt64BitsToDouble(0x3FF921FB54400000);
    private static readonly double Pio2Mid = BitConverter.UInt64BitsToDouble(0x3DD0B4611A600000);
    private static readonly double Pio2Lo = BitConverter.UInt64BitsToDouble(0x3BA3198A2E000000);
    private static readonly double TwoOverPi = BitConverter.UInt64BitsToDouble(0x3FE45F306DC9C883);
    private static readonly double RoundMagic = BitConverter.UInt64BitsToDouble(0x4338000000000000); // 1.5 * 2^52
    /// <summary>InverseFactorial[k] = fp64(1/k!) built by k successive IEEE divisions, k = 0..19.</summary>
    private static readonly double[] InverseFactorial = BuildInverseFactorials(19);

    private static double[] BuildInverseFactorials(int max)
    {
        var f = new double[max + 1];
        f[0] = 1;
        for (int k = 1; k <= max; k++) f[k] = f[k - 1] / k;
        return f;
    }

    /// <summary>
    /// (sin x, cos x): x = n·π/2 + r by a three-piece Cody–Waite reduction (accurate to about 1e-16 for |x| below
    /// 10^6, deterministic everywhere), then Taylor polynomials of degree 19 and 18 in r (|r| ≤ π/4, truncation below
    /// 1e-19) and the quadrant's signs. Non-finite x gives NaN.
    /// </summary>
    public static (double Sin, double Cos) SinCos(double x)
    {
        if (!double.IsFinite(x)) return (double.NaN, double.NaN);
        if (Math.Abs(x) > 1e15) throw new ArgumentOutOfRangeException(nameof(x), x, "angle too large for the reduction");
        double n = (x * TwoOverPi + RoundMagic) - RoundMagic;
        double r = ((x - n * Pio2Hi) - n * Pio2Mid) - n * Pio2Lo;
        double z = r * r;
        double s = InverseFactorial[19];
        for (int k = 17; k >= 1; k -= 2) s = s * -z + InverseFactorial[k]; // sin r = r (1 − z/3! + z²/5! − …)
        s = s * r;
        double c = InverseFactorial[18];
        for (int k = 16; k >= 0; k -= 2) c = c * -z + InverseFactorial[k]; // cos r = 1 − z/2! + z²/4! − …
        long quadrant = (long)n & 3;
        return quadrant switch
        {
            0 => (s, c),
            1 => (c, -s),
            2 => (-s, -c),
            _ => (-c, s),
        };
    }
}
