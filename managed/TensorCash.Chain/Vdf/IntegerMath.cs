using System.Numerics;

namespace TensorCash.Chain.Vdf;

/// <summary>Exact integer helpers the class group needs and System.Numerics lacks.</summary>
internal static class IntegerMath
{
    /// <summary>g = gcd(a, b) ≥ 0 with x·a + y·b = g (extended Euclid; y is recovered from x, b ≠ 0).</summary>
    public static BigInteger ExtendedGcd(BigInteger a, BigInteger b, out BigInteger x, out BigInteger y)
    {
        var g = GcdWithCofactor(a, b, out x);
        y = b.IsZero ? BigInteger.Zero : (g - x * a) / b;
        return g;
    }

    /// <summary>g = gcd(a, b) ≥ 0 and x with x·a ≡ g (mod b): Euclid tracking only a's cofactor, a third fewer operations.</summary>
    public static BigInteger GcdWithCofactor(BigInteger a, BigInteger b, out BigInteger x)
    {
        BigInteger oldR = a, r = b, oldS = 1, s = 0;
        while (!r.IsZero)
        {
            var q = BigInteger.DivRem(oldR, r, out var rem);
            (oldR, r) = (r, rem);
            (oldS, s) = (s, oldS - q * s);
        }
        if (oldR.Sign < 0)
        {
            oldR = -oldR;
            oldS = -oldS;
        }
        x = oldS;
        return oldR;
    }

    /// <summary>a mod m in [0, m) for m &gt; 0.</summary>
    public static BigInteger Mod(BigInteger a, BigInteger m)
    {
        var r = BigInteger.Remainder(a, m);
        return r.Sign < 0 ? r + m : r;
    }

    /// <summary>⌊√n⌋ for n ≥ 0 (Newton's iteration from above).</summary>
    public static BigInteger Sqrt(BigInteger n)
    {
        if (n.Sign < 0) throw new ArgumentOutOfRangeException(nameof(n), "square root of a negative number");
        if (n < 2) return n;
        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            var y = (x + n / x) >> 1;
            if (y >= x) return x;
            x = y;
        }
    }
}
