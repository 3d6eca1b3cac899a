using System.Numerics;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// A positive definite binary quadratic form a·x² + b·xy + c·y² of negative discriminant D = b² − 4ac: an element of
/// the class group of the imaginary quadratic order of discriminant D once reduced (docs/protocol/vdf.md, "Forms").
/// <para>
/// Reduction (Cohen, "A Course in Computational Algebraic Number Theory", Algorithm 5.4.2): normalize b into (−a, a]
/// with one big-quotient step, then swap (a, b, c) → (c, −b, a) while a &gt; c, normalizing again. The result is the
/// unique reduced form of the class: |b| ≤ a ≤ c, and b ≥ 0 when |b| = a or a = c. Uniqueness is what makes the VDF
/// output and its serialization canonical.
/// </para>
/// </summary>
public readonly record struct QuadraticForm(BigInteger A, BigInteger B, BigInteger C)
{
    public BigInteger Discriminant => B * B - 4 * A * C;

    public bool IsReduced =>
        A.Sign > 0 && BigInteger.Abs(B) <= A && A <= C && !(B.Sign < 0 && (-B == A || A == C));

    /// <summary>The neutral element of discriminant <paramref name="discriminant"/> (≡ 1 mod 4): (1, 1, (1 − D)/4).</summary>
    public static QuadraticForm Identity(BigInteger discriminant) => new(1, 1, (1 - discriminant) / 4);

    /// <summary>The inverse class: (a, −b, c), reduced (it differs from the input only on the boundary cases).</summary>
    public QuadraticForm Inverse() => new QuadraticForm(A, -B, C).Reduced();

    /// <summary>The form with c recomputed from a, b and <paramref name="discriminant"/>; the caller knows 4a divides b² − D.</summary>
    public static QuadraticForm FromAB(BigInteger a, BigInteger b, BigInteger discriminant) => new(a, b, (b * b - discriminant) / (4 * a));

    /// <summary>The reduced form of this form's class. Input must be positive definite (a &gt; 0, D &lt; 0).</summary>
    public QuadraticForm Reduced()
    {
        var (a, b, c) = Normalized(A, B, C);
        while (a > c || (a == c && b.Sign < 0))
        {
            (a, b, c) = Normalized(c, -b, a);
        }
        return new QuadraticForm(a, b, c);
    }

    /// <summary>One normalization step: b' = b + 2ra ∈ (−a, a] with r = ⌊(a − b)/2a⌋, c' = ar² + br + c (same class).</summary>
    private static (BigInteger A, BigInteger B, BigInteger C) Normalized(BigInteger a, BigInteger b, BigInteger c)
    {
        if (-a < b && b <= a) return (a, b, c);
        var r = FloorDivide(a - b, 2 * a);
        var ra = r * a;
        return (a, b + 2 * ra, (ra + b) * r + c);
    }

    internal static BigInteger FloorDivide(BigInteger n, BigInteger d)
    {
        var q = BigInteger.DivRem(n, d, out var rem);
        return rem.Sign != 0 && (rem.Sign < 0) != (d.Sign < 0) ? q - 1 : q;
    }

    public override string ToString() => $"({A}, {B}, {C})";
}
