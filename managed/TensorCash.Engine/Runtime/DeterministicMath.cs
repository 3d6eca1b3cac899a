namespace TensorCash.Engine.Runtime;

/// <summary>
/// fp64 log, exp and pow defined as fixed sequences of IEEE binary64 + - * / (round to nearest) and bit operations,
/// so they give the same bits on every platform (docs/protocol/proof-of-inference.md §4.2). System.Math's
/// transcendental functions call the C runtime's libm, which differs between glibc, musl, MSVC and a GPU's libdevice by
/// an ulp here and there; the RoPE inverse frequencies feed every logit that consensus replays bit for bit, so they must
/// not depend on it. .NET evaluates double arithmetic in binary64 (no x87 excess precision) and never contracts a
/// multiply and an add into an FMA, so each line below is exactly one rounded IEEE operation. Do not use
/// Math.FusedMultiplyAdd, Math.Pow/Exp/Log or any other libm-backed function here.
/// </summary>
public static class DeterministicMath
{
    private const ulong MantissaMask = 0x000f_ffff_ffff_ffffUL;
    private const ulong Sqrt2Mantissa = 0x6_a09e_667f_3bcdUL;       // fraction field of fp64(sqrt 2)
    private static readonly double Ln2Hi = Bits(0x3fe62e42fee00000); // 32 significant bits: n * Ln2Hi exact for |n| < 2^21
    private static readonly double Ln2Lo = Bits(0x3dea39ef35793c76); // ln 2 - Ln2Hi, rounded
    private static readonly double Two54 = Bits(0x4350000000000000);
    private static readonly double MinNormal = Bits(0x0010000000000000);
    private static readonly double Log2E = Bits(0x3ff71547652b82fe);
    private static readonly double RoundMagic = Bits(0x4338000000000000); // 1.5 * 2^52
    private const double Splitter = 134217729.0;                         // 2^27 + 1 (Veltkamp)
    private static readonly double ExpOverflow = Bits(0x40862e42fefa39ef);  // fp64(ln(DBL_MAX)) = 709.782712893384
    private static readonly double ExpUnderflow = Bits(0xc0874910d52d3052); // fp64(ln(2^-1075)) = -745.1332191019412

    /// <summary>LogC[i] = fp64(1 / (2i + 3)), i = 0..10 (1/3 .. 1/23); log_f64 uses i = 0..8.</summary>
    private static readonly double[] LogC =
    [
        Bits(0x3fd5555555555555), Bits(0x3fc999999999999a), Bits(0x3fc2492492492492), Bits(0x3fbc71c71c71c71c),
        Bits(0x3fb745d1745d1746), Bits(0x3fb3b13b13b13b14), Bits(0x3fb1111111111111), Bits(0x3fae1e1e1e1e1e1e),
        Bits(0x3faaf286bca1af28), Bits(0x3fa8618618618618), Bits(0x3fa642c8590b2164),
    ];

    /// <summary>ExpC[j] = fp64(1 / j!), j = 0..13.</summary>
    private static readonly double[] ExpC =
    [
        1.0, 1.0, Bits(0x3fe0000000000000), Bits(0x3fc5555555555555), Bits(0x3fa5555555555555), Bits(0x3f81111111111111),
        Bits(0x3f56c16c16c16c17), Bits(0x3f2a01a01a01a01a), Bits(0x3efa01a01a01a01a), Bits(0x3ec71de3a556c734),
        Bits(0x3e927e4fb7789f5c), Bits(0x3e5ae64567f544e4), Bits(0x3e21eed8eff8d898), Bits(0x3de6124613a86d09),
    ];

    private static double Bits(ulong u) => BitConverter.UInt64BitsToDouble(u);

    /// <summary>
    /// The backend's fp64 natural log ln_b (native log_f64, tc_op_log; proof-of-inference.md §4.1 step 7), bit for bit:
    /// within 2 ulp of ln x. NaN -> NaN, x &lt; 0 -> NaN, ±0 -> -inf, +inf -> +inf.
    /// </summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < 0) return double.NaN;
        if (x == 0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        var (m, e) = Decompose(x);
        double s = (m - 1.0) / (m + 1.0);
        double f = s + s;
        double z = s * s;
        double q = LogC[8];
        for (int i = 7; i >= 0; i--) q = q * z + LogC[i];
        double lnM = f + f * (z * q);
        double ed = e;
        return ed * Ln2Hi + (ed * Ln2Lo + lnM);
    }

    /// <summary>
    /// e^x: x = n ln2 + r, n = round(x log2 e), |r| &lt;= ln2/2 (+ a hair), degree-13 Taylor polynomial, times 2^n in two
    /// halves. Within 2^-51 relative for normal results; +inf above fp64(ln DBL_MAX), +0 below fp64(ln 2^-1075), NaN -> NaN.
    /// </summary>
    public static double Exp(double x) => Exp(x, 0.0);

    /// <summary>
    /// x^y = e^(y ln x) for x positive and finite and y finite, with ln x as a double-double and y ln x as a
    /// double-double, so the result is within 2^-51 relative of x^y (the plain fp64 product y * ln x alone would
    /// already cost up to 2^-50 when |y ln x| &gt;= 8). x = 1 or y = 0 give exactly 1.
    /// </summary>
    public static double Pow(double x, double y)
    {
        if (!(x > 0) || double.IsInfinity(x)) throw new ArgumentOutOfRangeException(nameof(x), x, "Pow needs a positive finite base");
        if (!double.IsFinite(y)) throw new ArgumentOutOfRangeException(nameof(y), y, "Pow needs a finite exponent");
        if (x == 1.0 || y == 0.0) return 1.0;
        var (lh, ll) = LogDoubleDouble(x);
        double p = y * lh;
        if (p > ExpOverflow + 1) return double.PositiveInfinity; // far outside: skip the split (which could overflow)
        if (p < ExpUnderflow - 1) return 0.0;
        var (ph, pl) = TwoProduct(y, lh);
        pl = pl + y * ll;
        var (wh, wl) = FastTwoSum(ph, pl);
        return Exp(wh, wl);
    }

    /// <summary>e^(hi + lo) for |lo| &lt;= ulp(hi) (lo = 0 for Exp).</summary>
    private static double Exp(double hi, double lo)
    {
        if (double.IsNaN(hi)) return hi;
        if (hi > ExpOverflow) return double.PositiveInfinity;
        if (hi < ExpUnderflow) return 0.0;
        double n = (hi * Log2E + RoundMagic) - RoundMagic;
        double r = (hi - n * Ln2Hi) - n * Ln2Lo; // hi - n * Ln2Hi is exact (Sterbenz, n * Ln2Hi exact)
        r = r + lo;
        double p = ExpC[13];
        for (int j = 12; j >= 0; j--) p = p * r + ExpC[j];
        // 2^n in two halves so n in [-1075, 1024] builds from normal powers of two.
        int ni = (int)n;
        int e1 = ni >> 1;
        int e2 = ni - e1;
        return (p * Bits((ulong)(e1 + 1023) << 52)) * Bits((ulong)(e2 + 1023) << 52);
    }

    /// <summary>x = 2^e m exactly, m in [sqrt(1/2), sqrt(2)), for positive finite x (log_f64's decomposition).</summary>
    private static (double M, int E) Decompose(double x)
    {
        int e = 0;
        if (x < MinNormal)
        {
            x = x * Two54;
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
        return (Bits((biased << 52) | mantissa), e);
    }

    /// <summary>
    /// ln x as hi + lo, within about 2^-60 absolute (for the inputs Pow sees): s = (m - 1)/(m + 1) as a double-double
    /// (m + 1 by TwoSum, the quotient corrected with an exact product), 2 atanh(s) with 12 series terms, and e ln 2 with
    /// the exact e * Ln2Hi.
    /// </summary>
    private static (double Hi, double Lo) LogDoubleDouble(double x)
    {
        var (m, e) = Decompose(x);
        double num = m - 1.0;                       // exact (Sterbenz)
        var (ah, al) = TwoSum(m, 1.0);              // m + 1 = ah + al exactly
        double sh = num / ah;
        var (ph, pl) = TwoProduct(sh, ah);          // sh * ah exactly
        double sl = (((num - ph) - pl) - sh * al) / ah;
        double z = sh * sh;
        double q = LogC[10];
        for (int i = 9; i >= 0; i--) q = q * z + LogC[i];
        double fh = sh + sh;
        double fl = sl + sl;
        double corr = fh * (z * q) + fl;            // ln m = fh + corr
        double ed = e;
        var (th, tl) = TwoSum(ed * Ln2Hi, fh);      // e * Ln2Hi exact
        double lo = tl + (ed * Ln2Lo + corr);
        return FastTwoSum(th, lo);
    }

    private static (double S, double E) TwoSum(double a, double b)
    {
        double s = a + b;
        double bb = s - a;
        double err = (a - (s - bb)) + (b - bb);
        return (s, err);
    }

    private static (double S, double E) FastTwoSum(double a, double b)
    {
        double s = a + b;
        return (s, b - (s - a));
    }

    /// <summary>a * b = p + e exactly (Dekker, Veltkamp splitting; no FMA).</summary>
    private static (double P, double E) TwoProduct(double a, double b)
    {
        double p = a * b;
        var (ah, al) = Split(a);
        var (bh, bl) = Split(b);
        double err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
        return (p, err);
    }

    private static (double Hi, double Lo) Split(double a)
    {
        double c = Splitter * a;
        double hi = c - (c - a);
        return (hi, a - hi);
    }
}
