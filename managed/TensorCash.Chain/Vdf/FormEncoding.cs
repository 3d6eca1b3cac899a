using System.Numerics;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// The canonical serialization of a reduced form of a discriminant of <c>bits</c> bits (docs/protocol/vdf.md,
/// "Serialization"): w = ⌈bits/16⌉ and
/// <code>
///   offset size
///        0    1  sign of b: 0x00 for b ≥ 0, 0x01 for b &lt; 0 (never with b = 0)
///        1    w  a, unsigned big-endian
///      1+w    w  |b|, unsigned big-endian
/// </code>
/// c is implied: c = (b² − D)/4a. A reduced form has |b| ≤ a ≤ √(|D|/3) &lt; 2^(bits/2), so both fit in w bytes, and a
/// decoder that reads exactly 2w + 1 bytes cannot be handed an oversized coefficient. Decoding rejects, in this order,
/// a malformed encoding, a pair (a, b) that is no form of D (4a ∤ b² − D), and a form that is not reduced, so every
/// class has exactly one encoding.
/// </summary>
public static class FormEncoding
{
    public static int CoefficientBytes(int bits) => (bits + 15) / 16;

    public static int EncodedBytes(int bits) => 2 * CoefficientBytes(bits) + 1;

    public static byte[] Encode(QuadraticForm form, int bits)
    {
        var bytes = new byte[EncodedBytes(bits)];
        Write(form, bits, bytes);
        return bytes;
    }

    public static void Write(QuadraticForm form, int bits, Span<byte> destination)
    {
        if (!form.IsReduced) throw new ArgumentException($"form {form} is not reduced; only reduced forms have a canonical encoding", nameof(form));
        int w = CoefficientBytes(bits);
        if (destination.Length != 2 * w + 1) throw new ArgumentException($"destination is {destination.Length} bytes; a form of {bits} bits takes {2 * w + 1}", nameof(destination));
        destination.Clear();
        destination[0] = form.B.Sign < 0 ? (byte)1 : (byte)0;
        WriteUnsigned(form.A, destination.Slice(1, w), "a");
        WriteUnsigned(BigInteger.Abs(form.B), destination.Slice(1 + w, w), "|b|");
    }

    private static void WriteUnsigned(BigInteger value, Span<byte> destination, string name)
    {
        int length = value.GetByteCount(isUnsigned: true);
        if (length > destination.Length) throw new ArgumentException($"coefficient {name} takes {length} bytes; the encoding has {destination.Length}");
        value.TryWriteBytes(destination[(destination.Length - length)..], out _, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Decodes a form of <paramref name="discriminant"/>, or says why the bytes are not a canonical one.</summary>
    public static QuadraticForm? TryDecode(ReadOnlySpan<byte> bytes, BigInteger discriminant, int bits, out VdfRejection? rejection)
    {
        int w = CoefficientBytes(bits);
        rejection = null;
        if (bytes.Length != 2 * w + 1)
        {
            rejection = new(VdfRejectReason.Encoding, $"a form is {2 * w + 1} bytes at {bits} bits, not {bytes.Length}");
            return null;
        }
        if (bytes[0] > 1)
        {
            rejection = new(VdfRejectReason.Encoding, $"sign byte 0x{bytes[0]:x2} is neither 0x00 nor 0x01");
            return null;
        }
        var a = new BigInteger(bytes.Slice(1, w), isUnsigned: true, isBigEndian: true);
        var b = new BigInteger(bytes.Slice(1 + w, w), isUnsigned: true, isBigEndian: true);
        if (bytes[0] == 1)
        {
            if (b.IsZero)
            {
                rejection = new(VdfRejectReason.Encoding, "negative zero b");
                return null;
            }
            b = -b;
        }
        if (a.IsZero)
        {
            rejection = new(VdfRejectReason.Encoding, "a = 0 is no positive definite form");
            return null;
        }
        var numerator = b * b - discriminant;
        var c = BigInteger.DivRem(numerator, 4 * a, out var remainder);
        if (!remainder.IsZero)
        {
            rejection = new(VdfRejectReason.Discriminant, $"(a, b) = ({a}, {b}) is no form of discriminant −{-discriminant}: 4a does not divide b² − D");
            return null;
        }
        var form = new QuadraticForm(a, b, c);
        if (!form.IsReduced)
        {
            rejection = new(VdfRejectReason.NotReduced, $"form {form} is not reduced");
            return null;
        }
        return form;
    }
}
