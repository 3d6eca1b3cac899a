using System.Numerics;

namespace TensorCash.Chain.Crypto;

/// <summary>
/// The secp256k1 curve y^2 = x^3 + 7 over F_p (SEC 2, section 2.4.1) and the point arithmetic the BCL does not
/// expose: decompressing a 33-byte public key. Signing and verifying themselves run in ECDsa (OpenSSL).
/// </summary>
public static class Secp256k1Curve
{
    /// <summary>The field prime p = 2^256 - 2^32 - 977.</summary>
    public static readonly BigInteger P = Parse("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F");
    /// <summary>The group order n: private keys and signature scalars live in [1, n-1].</summary>
    public static readonly BigInteger N = Parse("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");
    /// <summary>n/2 rounded down: a signature's s must not exceed it (low-S, Bitcoin's BIP62 rule 5).</summary>
    public static readonly BigInteger HalfN = N >> 1;

    public const int ScalarSize = 32;
    public const int CompressedPointSize = 33;

    // p = 3 (mod 4), so a square root of a quadratic residue a is a^((p+1)/4).
    private static readonly BigInteger SqrtExponent = (P + 1) >> 2;

    /// <summary>True if <paramref name="s"/> is the lower of the two valid s values (s &lt;= n/2).</summary>
    public static bool IsLowS(BigInteger s) => s <= HalfN;

    /// <summary>
    /// Recovers (x, y) as 32-byte big-endian coordinates from 0x02/0x03 || x. False if the prefix is wrong, x is not
    /// a field element, or no point of the curve has that x.
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> compressed, out byte[] x, out byte[] y)
    {
        x = y = [];
        if (compressed.Length != CompressedPointSize || (compressed[0] != 0x02 && compressed[0] != 0x03)) return false;
        var xValue = new BigInteger(compressed[1..], isUnsigned: true, isBigEndian: true);
        if (xValue >= P) return false;
        var ySquared = (BigInteger.ModPow(xValue, 3, P) + 7) % P;
        var yValue = BigInteger.ModPow(ySquared, SqrtExponent, P);
        if (yValue * yValue % P != ySquared) return false;
        bool wantOdd = compressed[0] == 0x03;
        if (!yValue.IsEven != wantOdd) yValue = (P - yValue) % P;
        if (!yValue.IsEven != wantOdd) return false; // y = 0 has no odd twin
        x = ToScalarBytes(xValue);
        y = ToScalarBytes(yValue);
        return true;
    }

    /// <summary>0x02 (even y) or 0x03 (odd y) followed by x, both coordinates given as 32-byte big-endian.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        if (x.Length != ScalarSize || y.Length != ScalarSize) throw new ArgumentException($"coordinates must be {ScalarSize} bytes, got {x.Length} and {y.Length}");
        var compressed = new byte[CompressedPointSize];
        compressed[0] = (byte)(0x02 | (y[^1] & 1));
        x.CopyTo(compressed.AsSpan(1));
        return compressed;
    }

    /// <summary>A value in [0, 2^256) as exactly 32 big-endian bytes.</summary>
    public static byte[] ToScalarBytes(BigInteger value)
    {
        var bytes = new byte[ScalarSize];
        if (!value.TryWriteBytes(bytes.AsSpan(ScalarSize - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true))
            throw new ArgumentOutOfRangeException(nameof(value), "value does not fit in 32 bytes");
        return bytes;
    }

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
