using System.Numerics;

namespace TensorCash.Chain.Crypto;

/// <summary>
/// ECDSA signatures as strict DER: 0x30 len 0x02 lenR R 0x02 lenS S, each integer in its shortest positive
/// big-endian form. Strictness is consensus (BIP66): one signature, one encoding, so the parser does not depend on
/// a library's leniency and signatures cannot be re-encoded by third parties.
/// </summary>
public static class DerSignature
{
    /// <summary>Shortest strict DER encoding: two one-byte integers.</summary>
    public const int MinSize = 8;
    /// <summary>Longest: two 33-byte integers (32 bytes plus a sign-guard zero).</summary>
    public const int MaxSize = 72;

    public static byte[] Encode(BigInteger r, BigInteger s)
    {
        if (r.Sign <= 0 || s.Sign <= 0) throw new ArgumentOutOfRangeException(nameof(r), "DER signature integers must be positive");
        // Signed big-endian bytes are exactly DER's minimal two's-complement form for positive integers.
        var rBytes = r.ToByteArray(isUnsigned: false, isBigEndian: true);
        var sBytes = s.ToByteArray(isUnsigned: false, isBigEndian: true);
        var der = new byte[6 + rBytes.Length + sBytes.Length];
        der[0] = 0x30;
        der[1] = (byte)(der.Length - 2);
        der[2] = 0x02;
        der[3] = (byte)rBytes.Length;
        rBytes.CopyTo(der, 4);
        der[4 + rBytes.Length] = 0x02;
        der[5 + rBytes.Length] = (byte)sBytes.Length;
        sBytes.CopyTo(der, 6 + rBytes.Length);
        return der;
    }

    /// <summary>
    /// BIP66's IsValidSignatureEncoding, applied to the DER bytes alone (BIP66 includes the trailing sighash byte in
    /// its offsets; here it is already stripped). Says nothing about whether r and s are in range.
    /// </summary>
    public static bool IsStrict(ReadOnlySpan<byte> der)
    {
        if (der.Length < MinSize || der.Length > MaxSize) return false;
        if (der[0] != 0x30) return false;
        if (der[1] != der.Length - 2) return false; // the sequence length covers everything that follows
        if (der[2] != 0x02) return false;
        int lenR = der[3];
        if (5 + lenR >= der.Length) return false; // the S length byte must still be inside
        int lenS = der[5 + lenR];
        if (lenR + lenS + 6 != der.Length) return false;
        return IsMinimalPositiveInteger(der.Slice(4, lenR)) && der[4 + lenR] == 0x02 && IsMinimalPositiveInteger(der.Slice(6 + lenR, lenS));
    }

    /// <summary>Strict parse: false unless <see cref="IsStrict"/>; r and s are then non-negative (possibly out of range).</summary>
    public static bool TryParse(ReadOnlySpan<byte> der, out BigInteger r, out BigInteger s)
    {
        r = s = BigInteger.Zero;
        if (!IsStrict(der)) return false;
        int lenR = der[3];
        r = new BigInteger(der.Slice(4, lenR), isUnsigned: true, isBigEndian: true);
        s = new BigInteger(der.Slice(6 + lenR, der[5 + lenR]), isUnsigned: true, isBigEndian: true);
        return true;
    }

    // Non-empty, not negative (top bit clear), and no leading zero unless the next byte needs it as a sign guard.
    private static bool IsMinimalPositiveInteger(ReadOnlySpan<byte> value) =>
        value.Length > 0 && (value[0] & 0x80) == 0 && !(value.Length > 1 && value[0] == 0 && (value[1] & 0x80) == 0);
}
