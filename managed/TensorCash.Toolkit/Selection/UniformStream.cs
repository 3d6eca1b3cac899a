using System.Buffers.Binary;
using System.Security.Cryptography;
using TensorCash.Proof;

namespace TensorCash.Toolkit.Selection;

/// <summary>
/// Uniform integers from a VRF output: u64 words of SHA-256("TSC-VRF-STREAM" || u16 len || seed || u32 block), four
/// per block, read in order. <see cref="Below"/> rejects words at or above the largest multiple of n (2^64 - 2^64 mod n)
/// before reducing, so there is no modulo bias: each of 0..n-1 comes from exactly the same number of words.
/// </summary>
internal sealed class UniformStream
{
    private readonly byte[] _seed;
    private uint _block;
    private byte[] _words = [];
    private int _next;

    public UniformStream(ReadOnlySpan<byte> seed)
    {
        _seed = new LittleEndianWriter(96).Bytes(ToolkitTags.SelectionStream).U16(checked((ushort)seed.Length)).Bytes(seed).ToArray();
    }

    public ulong NextWord()
    {
        if (_next == _words.Length)
        {
            _words = SHA256.HashData([.. _seed, .. U32Bytes(_block++)]);
            _next = 0;
        }
        var word = BinaryPrimitives.ReadUInt64LittleEndian(_words.AsSpan(_next, 8));
        _next += 8;
        return word;
    }

    /// <summary>A uniform integer in [0, n); at most half of all words are rejected, so this ends quickly.</summary>
    public ulong Below(ulong n)
    {
        if (n == 0) throw new ArgumentOutOfRangeException(nameof(n), "cannot draw below 0");
        ulong limit = ulong.MaxValue - (ulong.MaxValue % n + 1) % n; // the last accepted word: 2^64 - (2^64 mod n) - 1
        while (true)
        {
            var word = NextWord();
            if (word <= limit) return word % n;
        }
    }

    private static byte[] U32Bytes(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
