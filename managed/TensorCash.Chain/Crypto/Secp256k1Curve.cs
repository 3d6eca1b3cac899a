using System.Numerics;

namespace TensorCash.Chain.Crypto;

/// <summary>
/// The secp256k1 constants consensus rules are written in (SEC 2, section 2.4.1): the field prime, the group order and
/// the low-S bound, and the 32-byte scalar encoding. The curve arithmetic itself is in <see cref="Secp256k1Keys"/>.
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

    /// <summary>True if <paramref name="s"/> is the lower of the two valid s values (s &lt;= n/2).</summary>
    public static bool IsLowS(BigInteger s) => s <= HalfN;

    /// <summary>A value in [0, 2^256) as exactly 32 big-endian bytes.</summary>
    public static byte[] ToScalarBytes(BigInteger value)
    {
        var bytes = new byte[ScalarSize];
        WriteScalar(value, bytes);
        return bytes;
    }

    /// <summary>Writes a value in [0, 2^256) into exactly 32 big-endian bytes of <paramref name="destination"/>.</summary>
    public static void WriteScalar(BigInteger value, Span<byte> destination)
    {
        if (destination.Length != ScalarSize) throw new ArgumentException($"a scalar is {ScalarSize} bytes, the destination {destination.Length}", nameof(destination));
        int length = value.GetByteCount(isUnsigned: true);
        if (value.Sign < 0 || length > ScalarSize) throw new ArgumentOutOfRangeException(nameof(value), "value does not fit in 32 bytes");
        destination[..(ScalarSize - length)].Clear();
        if (!value.TryWriteBytes(destination[(ScalarSize - length)..], out _, isUnsigned: true, isBigEndian: true))
            throw new ArgumentOutOfRangeException(nameof(value), "value does not fit in 32 bytes");
    }

    private static BigInteger Parse(string hex) => new(Convert.FromHexString(hex), isUnsigned: true, isBigEndian: true);
}
