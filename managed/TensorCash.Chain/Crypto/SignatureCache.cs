using System.Security.Cryptography;
using TensorCash.Chain.Primitives;

namespace TensorCash.Chain.Crypto;

/// <summary>
/// The (public key, signature hash, signature) triples that verified, so a signature checked once is not checked
/// again (Bitcoin Core's sigcache). A miner otherwise pays ECDSA three times per input: when the transaction enters
/// the mempool, when the block template is test-connected, and when its block is accepted. Only successes are stored
/// and a hit needs the exact same bytes, so a cache can change how fast a verdict comes, never the verdict.
/// Entries are salted SHA-256 digests (the salt is per instance, so nobody can aim collisions at a node's cache), kept
/// first in, first out up to <see cref="MaxEntries"/>. Thread-safe.
/// </summary>
public sealed class SignatureCache
{
    /// <summary>DoS bound on memory: about 100 bytes per entry with the set's overhead, ~10 MB at the default.</summary>
    public const int DefaultMaxEntries = 100_000;

    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(32);
    private readonly object _lock = new();
    private readonly HashSet<Hash256> _entries;
    private readonly Hash256[] _order; // ring of insertion order: the slot at _next is the oldest once full
    private int _next;
    private long _hits;

    public SignatureCache(int maxEntries = DefaultMaxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        MaxEntries = maxEntries;
        _entries = new HashSet<Hash256>(Math.Min(maxEntries, 1 << 16));
        _order = new Hash256[maxEntries];
    }

    public int MaxEntries { get; }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    /// <summary>Lookups that found their triple (each one an ECDSA verification saved).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public bool Contains(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        var key = Key(publicKey, hash, signature);
        bool found;
        lock (_lock) found = _entries.Contains(key);
        if (found) Interlocked.Increment(ref _hits);
        return found;
    }

    /// <summary>Records a triple that verified; the caller must have verified it.</summary>
    public void Add(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        var key = Key(publicKey, hash, signature);
        lock (_lock)
        {
            if (_entries.Contains(key)) return;
            if (_entries.Count == MaxEntries) _entries.Remove(_order[_next]);
            _entries.Add(key);
            _order[_next] = key;
            _next = (_next + 1) % MaxEntries;
        }
    }

    private Hash256 Key(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        // u16 length prefixes keep (key, hash, signature) splits unambiguous: script pushes are at most 520 bytes.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(_salt);
        AppendPart(sha, publicKey);
        AppendPart(sha, hash);
        AppendPart(sha, signature);
        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return new Hash256(digest);
    }

    private static void AppendPart(IncrementalHash sha, ReadOnlySpan<byte> part)
    {
        if (part.Length > ushort.MaxValue) throw new ArgumentException($"a {part.Length}-byte signature-check operand is longer than any script push");
        Span<byte> length = stackalloc byte[2];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)part.Length);
        sha.AppendData(length);
        sha.AppendData(part);
    }
}
