using System.Numerics;

namespace TensorCash.Toolkit.Vrf;

/// <summary>
/// A point of edwards25519 (RFC 8032 §5.1: -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19)) in extended coordinates
/// (X : Y : Z : T) with x = X/Z, y = Y/Z, x*y = T/Z; the addition and doubling formulas are RFC 8032 §5.1.4's.
/// <para>
/// Why our own arithmetic: ECVRF needs point decoding, addition, arbitrary scalar multiplication and the encoding of
/// arbitrary points. The served libraries do not expose these publicly: BouncyCastle.Cryptography's Rfc8032.Ed25519
/// offers key generation, signing and verification with its point types private, and NSec.Cryptography wraps
/// libsodium's signatures and key exchange but not its crypto_core_ed25519 point functions. So the curve is written
/// here over System.Numerics.BigInteger, for clarity rather than speed (a prove or a verify takes some 15-30 ms).
/// </para>
/// <para>
/// Not constant-time: BigInteger's operations and the doubling-and-addition loop take time that depends on the scalar.
/// A prover's secret key could leak through timing to an observer on the same machine. See docs/protocol/poi-toolkit.md.
/// </para>
/// </summary>
internal readonly struct EdwardsPoint
{
    public static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;

    /// <summary>The prime order q of the base point (RFC 8032's L): 2^252 + 27742317777372353535851937790883648493.</summary>
    public static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    public const int Cofactor = 8;
    public const int EncodedSize = 32;

    private static readonly BigInteger D = Mod(-121665 * Inverse(121666));
    private static readonly BigInteger D2 = Mod(2 * D);
    private static readonly BigInteger SqrtMinusOne = BigInteger.ModPow(2, (P - 1) / 4, P);

    public static readonly EdwardsPoint Identity = new(0, 1, 1, 0);

    /// <summary>RFC 8032's B: y = 4/5, x the even root.</summary>
    public static readonly EdwardsPoint Base = FromAffine(RecoverX(Mod(4 * Inverse(5)), 0)!.Value, Mod(4 * Inverse(5)));

    private readonly BigInteger _x, _y, _z, _t;

    private EdwardsPoint(BigInteger x, BigInteger y, BigInteger z, BigInteger t)
    {
        _x = x;
        _y = y;
        _z = z;
        _t = t;
    }

    private static EdwardsPoint FromAffine(BigInteger x, BigInteger y) => new(x, y, 1, Mod(x * y));

    public EdwardsPoint Add(EdwardsPoint other)
    {
        var a = Mod((_y - _x) * (other._y - other._x));
        var b = Mod((_y + _x) * (other._y + other._x));
        var c = Mod(_t * D2 * other._t);
        var d = Mod(2 * _z * other._z);
        BigInteger e = b - a, f = d - c, g = d + c, h = b + a;
        return new EdwardsPoint(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    public EdwardsPoint Double()
    {
        var a = Mod(_x * _x);
        var b = Mod(_y * _y);
        var c = Mod(2 * _z * _z);
        var h = a + b;
        var e = h - Mod((_x + _y) * (_x + _y));
        var g = a - b;
        var f = c + g;
        return new EdwardsPoint(Mod(e * f), Mod(g * h), Mod(f * g), Mod(e * h));
    }

    public EdwardsPoint Negate() => new(Mod(-_x), _y, _z, Mod(-_t));

    /// <summary>scalar * this by left-to-right doubling and addition; the scalar is any non-negative integer (not reduced).</summary>
    public EdwardsPoint Multiply(BigInteger scalar)
    {
        if (scalar.Sign < 0) throw new ArgumentOutOfRangeException(nameof(scalar), "scalar must be non-negative");
        var result = Identity;
        for (long bit = (long)scalar.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = result.Double();
            if (!(scalar >> (int)bit).IsEven) result = result.Add(this);
        }
        return result;
    }

    public EdwardsPoint MultiplyByCofactor() => Double().Double().Double();

    public bool IsIdentity => Mod(_x).IsZero && Mod(_y - _z).IsZero;

    /// <summary>True if cofactor * this is the identity: one of the 8 points of small order (RFC 9381 §5.4.5).</summary>
    public bool HasSmallOrder => MultiplyByCofactor().IsIdentity;

    public bool SameAs(EdwardsPoint other) => Mod(_x * other._z - other._x * _z).IsZero && Mod(_y * other._z - other._y * _z).IsZero;

    /// <summary>RFC 8032 §5.1.2: y in 255 little-endian bits, the low bit of x in the top bit.</summary>
    public byte[] Encode()
    {
        var zInverse = Inverse(_z);
        var x = Mod(_x * zInverse);
        var y = Mod(_y * zInverse);
        var bytes = new byte[EncodedSize];
        y.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        if (!x.IsEven) bytes[31] |= 0x80;
        return bytes;
    }

    /// <summary>
    /// RFC 8032 §5.1.3. Null when the 32 bytes are not a canonical encoding of a curve point: y &gt;= p, no square root
    /// for x, or x = 0 with the sign bit set. Those are the only non-canonical encodings, so every point has exactly one.
    /// </summary>
    public static EdwardsPoint? Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != EncodedSize) return null;
        Span<byte> yBytes = stackalloc byte[EncodedSize];
        encoded.CopyTo(yBytes);
        int sign = yBytes[31] >> 7;
        yBytes[31] &= 0x7F;
        var y = new BigInteger(yBytes, isUnsigned: true, isBigEndian: false);
        if (y >= P) return null;
        var x = RecoverX(y, sign);
        return x is null ? null : FromAffine(x.Value, y);
    }

    /// <summary>x with the given low bit from x^2 = (y^2 - 1) / (d y^2 + 1), or null if there is none.</summary>
    private static BigInteger? RecoverX(BigInteger y, int sign)
    {
        var y2 = Mod(y * y);
        var xx = Mod((y2 - 1) * Inverse(Mod(D * y2 + 1)));
        var x = BigInteger.ModPow(xx, (P + 3) / 8, P);
        if (Mod(x * x - xx) != 0)
        {
            x = Mod(x * SqrtMinusOne);
            if (Mod(x * x - xx) != 0) return null;
        }
        if (x.IsZero && sign == 1) return null;
        if ((int)(x & 1) != sign) x = P - x;
        return x;
    }

    private static BigInteger Mod(BigInteger value)
    {
        var r = value % P;
        return r.Sign < 0 ? r + P : r;
    }

    private static BigInteger Inverse(BigInteger value) => BigInteger.ModPow(Mod(value), P - 2, P);
}
