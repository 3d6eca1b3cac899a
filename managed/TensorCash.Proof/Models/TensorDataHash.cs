using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TensorCash.Proof.Models;

/// <summary>
/// The hash of a tensor's bytes (registry.md §1): SHA-256("TSC-TDATA" || u64 length || SHA-256(chunk_0) || ...), with
/// chunks of 1 MiB and the last one partial. Chunking costs the prover nothing (one more pass over 32-byte values) and
/// makes "this tensor is all zeros" checkable without the tensor: one zero chunk, the tail, and the list of hashes, so
/// a node verifies a zero-tensor fraud proof for a 1 TiB tensor with 32 MiB of hashing instead of 1 TiB.
/// </summary>
public static class TensorDataHash
{
    public const int ChunkBytes = 1 << 20;

    private static readonly byte[] ZeroChunkHash = SHA256.HashData(new byte[ChunkBytes]);

    public static byte[] Compute(ReadOnlySpan<byte> data)
    {
        var hasher = new TensorDataHasher(data.Length);
        hasher.Append(data);
        return hasher.Finish();
    }

    /// <summary>The data hash of <paramref name="byteLength"/> zero bytes (1 ≤ length ≤ <see cref="TensorLeaf.MaxByteLength"/>).</summary>
    public static byte[] OfZeros(long byteLength)
    {
        if (byteLength < 1 || byteLength > TensorLeaf.MaxByteLength)
            throw new ProofInputException($"zero-tensor length {byteLength} is outside 1..{TensorLeaf.MaxByteLength}");
        using var outer = Begin(byteLength);
        long full = byteLength / ChunkBytes;
        for (long i = 0; i < full; i++) outer.AppendData(ZeroChunkHash);
        int tail = (int)(byteLength % ChunkBytes);
        if (tail > 0) outer.AppendData(SHA256.HashData(new byte[tail]));
        return outer.GetHashAndReset();
    }

    internal static IncrementalHash Begin(long byteLength)
    {
        var outer = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        outer.AppendData(DomainTags.TensorData);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)byteLength);
        outer.AppendData(length);
        return outer;
    }
}

/// <summary>
/// Streams a tensor of a known length into its <see cref="TensorDataHash"/> (tensors may exceed 2 GiB, which no span
/// can hold): append the bytes in any pieces, then <see cref="Finish"/>.
/// </summary>
public sealed class TensorDataHasher : IDisposable
{
    private readonly long _length;
    private readonly IncrementalHash _outer;
    private readonly IncrementalHash _chunk = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _appended;
    private int _inChunk;

    public TensorDataHasher(long byteLength)
    {
        if (byteLength < 1 || byteLength > TensorLeaf.MaxByteLength)
            throw new ProofInputException($"tensor length {byteLength} is outside 1..{TensorLeaf.MaxByteLength}");
        _length = byteLength;
        _outer = TensorDataHash.Begin(byteLength);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.Length > _length - _appended) throw new ProofInputException($"tensor data exceeds its declared {_length} bytes");
        while (!data.IsEmpty)
        {
            int room = TensorDataHash.ChunkBytes - _inChunk;
            int take = data.Length < room ? data.Length : room;
            _chunk.AppendData(data[..take]);
            data = data[take..];
            _inChunk += take;
            _appended += take;
            if (_inChunk == TensorDataHash.ChunkBytes) FlushChunk();
        }
    }

    public byte[] Finish()
    {
        if (_appended != _length) throw new ProofInputException($"tensor data is {_appended} bytes; {_length} were declared");
        if (_inChunk > 0) FlushChunk();
        return _outer.GetHashAndReset();
    }

    private void FlushChunk()
    {
        _outer.AppendData(_chunk.GetHashAndReset());
        _inChunk = 0;
    }

    public void Dispose()
    {
        _outer.Dispose();
        _chunk.Dispose();
    }
}
