using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// Wesolowski's challenge prime ℓ = HashToPrime(D, g, y, T) (docs/protocol/vdf.md, "Proof"):
/// <code>
///   for counter = 0, 1, …:
///     h = SHA-256("TensorCash/vdf/prime" || u16be(len(input)) || input || u32be(counter))
///     ℓ = the first bits/8 bytes of h as a big-endian integer with its top bit and its low bit set
///     return ℓ if PrimalityTest.IsProbablePrime(ℓ)
/// </code>
/// A fresh hash per candidate (not x, x + 2, …) draws ℓ close to uniformly among 256-bit primes, as the adaptive-root
/// argument wants (chiavdf draws 264-bit primes the same way). input fixes D, g, y and T, so ℓ is fixed once y is.
/// The size is 256 bits on the public networks (128-bit security); regtest uses 128 to halve verification.
/// </summary>
public static class HashToPrime
{
    public const int PrimeBits = 256;
    public const int MinPrimeBits = 64;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("TensorCash/vdf/prime");

    public static BigInteger Derive(ReadOnlySpan<byte> input, int bits = PrimeBits)
    {
        if (bits is < MinPrimeBits or > PrimeBits || bits % 8 != 0)
            throw new ArgumentOutOfRangeException(nameof(bits), $"challenge size {bits} bits is not a multiple of 8 in {MinPrimeBits}..{PrimeBits}");
        int bytes = bits / 8;
        if (input.Length > ushort.MaxValue) throw new ArgumentException($"hash-to-prime input is {input.Length} bytes; at most {ushort.MaxValue}", nameof(input));
        var message = new byte[Tag.Length + 2 + input.Length + 4];
        Tag.CopyTo(message, 0);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(Tag.Length), (ushort)input.Length);
        input.CopyTo(message.AsSpan(Tag.Length + 2));
        Span<byte> hash = stackalloc byte[32];
        for (uint counter = 0; ; counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(message.Length - 4), counter);
            SHA256.HashData(message, hash);
            hash[0] |= 0x80;
            hash[bytes - 1] |= 0x01;
            var candidate = new BigInteger(hash[..bytes], isUnsigned: true, isBigEndian: true);
            if (PrimalityTest.IsProbablePrime(candidate)) return candidate;
        }
    }
}
