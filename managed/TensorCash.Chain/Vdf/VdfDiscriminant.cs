using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// Derives the VDF's discriminant from a 32-byte seed (the previous block's hash), so there is no trusted setup and
/// nobody can start block h's VDF before block h − 1 exists (docs/protocol/vdf.md, "Discriminant").
/// <code>
///   stream  = SHA-256("TensorCash/vdf/discriminant" || seed || u16be(bits) || u32be(0)) || … u32be(1) || …
///   x       = the first ⌈bits/8⌉ bytes of stream, big-endian, masked to bits bits, top bit (bits − 1) set, low 3 bits set
///   p       = the least x + 8k (k ≥ 0) that PrimalityTest.IsProbablePrime accepts
///   D       = −p            (p ≡ 7 mod 8, so D ≡ 1 mod 8 and (2, 1, (1 − D)/8) is a form of D)
/// </code>
/// −D prime makes D fundamental and every form primitive; its class number is unknown to everyone, which is what
/// makes repeated squaring the only way to g^(2^T).
/// </summary>
public static class VdfDiscriminant
{
    public const int SeedBytes = 32;
    public const int MinBits = 64;
    public const int MaxBits = 4096;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("TensorCash/vdf/discriminant");

    public static BigInteger Derive(ReadOnlySpan<byte> seed, int bits)
    {
        if (seed.Length != SeedBytes) throw new ArgumentException($"VDF seed is {seed.Length} bytes; it must be {SeedBytes}", nameof(seed));
        if (bits is < MinBits or > MaxBits) throw new ArgumentOutOfRangeException(nameof(bits), $"discriminant size {bits} bits is outside {MinBits}..{MaxBits}");
        int byteCount = (bits + 7) / 8;
        var stream = new byte[(byteCount + 31) / 32 * 32];
        var block = new byte[Tag.Length + SeedBytes + 2 + 4];
        Tag.CopyTo(block, 0);
        seed.CopyTo(block.AsSpan(Tag.Length));
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(Tag.Length + SeedBytes), (ushort)bits);
        for (int counter = 0; counter * 32 < stream.Length; counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(Tag.Length + SeedBytes + 2), (uint)counter);
            SHA256.HashData(block, stream.AsSpan(counter * 32));
        }
        var x = new BigInteger(stream.AsSpan(0, byteCount), isUnsigned: true, isBigEndian: true);
        x &= (BigInteger.One << bits) - 1;
        x |= (BigInteger.One << (bits - 1)) | 7;
        while (!PrimalityTest.IsProbablePrime(x)) x += 8;
        return -x;
    }
}
