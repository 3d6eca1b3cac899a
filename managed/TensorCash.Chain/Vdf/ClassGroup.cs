using System.Numerics;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// The group law on reduced forms of one negative discriminant D ≡ 1 mod 8 with −D prime (so every form is primitive).
/// <list type="bullet">
/// <item>Composition: Cohen Algorithm 5.4.7 (Shanks's composition with two extended gcds), then full reduction. Used
/// where the operands differ: proof generation and verification, a few hundred times per proof.</item>
/// <item>Squaring: NUDUPL (Shanks; Cohen Algorithm 5.4.8, with the partial Euclid PARTEUCL stopping at
/// L = ⌊|D/4|^(1/4)⌋): the composite comes out nearly reduced, so the loop that dominates evaluation does about half
/// the work of composing and reducing. Tests check it against <see cref="Compose"/> of a form with itself.</item>
/// </list>
/// Every result is the reduced representative, so equal classes compare equal as records.
/// </summary>
public sealed class ClassGroup
{
    public BigInteger Discriminant { get; }

    /// <summary>NUDUPL's partial-reduction bound L = ⌊|D/4|^(1/4)⌋.</summary>
    private readonly BigInteger _nudplBound;

    public ClassGroup(BigInteger discriminant)
    {
        if (discriminant.Sign >= 0 || (-discriminant) % 8 != 7)
            throw new ArgumentException($"discriminant {discriminant} must be negative and ≡ 1 mod 8", nameof(discriminant));
        Discriminant = discriminant;
        _nudplBound = IntegerMath.Sqrt(IntegerMath.Sqrt(-discriminant / 4));
    }

    public QuadraticForm Identity => QuadraticForm.Identity(Discriminant);

    /// <summary>The generator the VDF starts from: the prime form (2, 1, (1 − D)/8) above 2 (D ≡ 1 mod 8), as chiavdf.</summary>
    public QuadraticForm Generator => new(2, 1, (1 - Discriminant) / 8);

    /// <summary>f1 · f2, reduced (Cohen 5.4.7).</summary>
    public QuadraticForm Compose(QuadraticForm f1, QuadraticForm f2)
    {
        if (f1.A > f2.A) (f1, f2) = (f2, f1);
        var (a1, b1) = (f1.A, f1.B);
        var (a2, b2, c2) = (f2.A, f2.B, f2.C);
        var s = (b1 + b2) >> 1;
        var n = b2 - s;

        BigInteger y1, d;
        if ((a2 % a1).IsZero)
        {
            y1 = BigInteger.Zero;
            d = a1;
        }
        else
        {
            d = IntegerMath.GcdWithCofactor(a2, a1, out var u);
            y1 = u;
        }

        BigInteger x2, y2, d1;
        if ((s % d).IsZero)
        {
            y2 = BigInteger.MinusOne;
            x2 = BigInteger.Zero;
            d1 = d;
        }
        else
        {
            d1 = IntegerMath.ExtendedGcd(s, d, out x2, out y2);
            y2 = -y2;
        }

        var v1 = a1 / d1;
        var v2 = a2 / d1;
        var r = IntegerMath.Mod(y1 * y2 * n - x2 * c2, v1);
        var b3 = b2 + 2 * v2 * r;
        var a3 = v1 * v2;
        return QuadraticForm.FromAB(a3, b3, Discriminant).Reduced();
    }

    /// <summary>f², reduced (NUDUPL, Cohen 5.4.8).</summary>
    public QuadraticForm Square(QuadraticForm f)
    {
        var (a, b, c) = (f.A, f.B, f.C);
        var d1 = IntegerMath.GcdWithCofactor(b, a, out var u);
        var bigA = a / d1;
        var bigB = b / d1;
        var cc = IntegerMath.Mod(-c * u, bigA);
        var c1 = bigA - cc;
        if (c1 < cc) cc = -c1;

        // PARTEUCL(A, C): a partial extended Euclid on (A, C) that stops once |v3| ≤ L.
        BigInteger v = 0, d = bigA, v2 = 1, v3 = cc;
        int steps = 0;
        while (BigInteger.Abs(v3) > _nudplBound)
        {
            var q = QuadraticForm.FloorDivide(d, v3);
            var t3 = d - q * v3;
            if (t3.Sign < 0) // keep 0 ≤ t3 < |v3| when v3 < 0
            {
                q += 1;
                t3 += BigInteger.Abs(v3);
            }
            var t2 = v - q * v2;
            v = v2;
            d = v3;
            v2 = t2;
            v3 = t3;
            steps++;
        }
        if (steps % 2 == 1)
        {
            v2 = -v2;
            v3 = -v3;
        }

        BigInteger a2, b2, c2;
        if (steps == 0)
        {
            var g = (bigB * v3 + c) / d;
            a2 = d * d;
            c2 = v3 * v3;
            b2 = b + (d + v3) * (d + v3) - a2 - c2;
            c2 += g * d1;
        }
        else
        {
            var e = (c * v + bigB * d) / bigA;
            var g = (e * v2 - bigB) / v;
            b2 = e * v2 + v * g;
            if (!d1.IsOne)
            {
                b2 *= d1;
                v *= d1;
                v2 *= d1;
            }
            a2 = d * d;
            c2 = v3 * v3;
            b2 += (d + v3) * (d + v3) - a2 - c2;
            a2 += e * v;
            c2 += g * v2;
        }
        return new QuadraticForm(a2, b2, c2).Reduced();
    }

    /// <summary>f^e for e ≥ 0: left-to-right square-and-multiply.</summary>
    public QuadraticForm Power(QuadraticForm f, BigInteger exponent)
    {
        if (exponent.Sign < 0) throw new ArgumentOutOfRangeException(nameof(exponent), "exponent must be non-negative");
        var result = Identity;
        for (long bit = (long)exponent.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Square(result);
            if (!(exponent >> (int)bit).IsEven) result = Compose(result, f);
        }
        return result;
    }
}
