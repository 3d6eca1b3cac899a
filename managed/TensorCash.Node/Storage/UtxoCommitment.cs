using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Storage;

/// <summary>
/// A rolling commitment to the UTXO set: a multiplicative multiset hash (MuHash) over the prime field of
/// p = 2^3072 - 1103717, the group Bitcoin Core's coinstatsindex uses.
/// <para>
/// Why this construction: a UTXO commitment must be updatable per block (add the created coins, take out the spent ones)
/// and independent of order, so that the value kept incrementally equals one recomputed from a scan of the table. The
/// simple additive form (sum of SHA-256 of each coin mod 2^256) is order independent but not collision resistant: with
/// a chosen set, Wagner's generalized birthday attack (or plain linear algebra over GF(2) for XOR) finds another set
/// with the same sum. MuHash is secure as long as discrete logarithms in the multiplicative group of a 3072-bit prime
/// field are hard (Bellare-Micciancio). Each coin is mapped into the group by a random-oracle style expansion: the
/// SHA-256 of the serialized coin, expanded to 384 bytes with SHA-256 in counter mode (Core uses ChaCha20 here; .NET
/// has no bare ChaCha20 stream, so values are NOT comparable with Core's, which nothing here needs). BigInteger is
/// enough for our sizes: one 3072-bit multiply and reduce per coin.
/// </para>
/// <para>
/// The state is a fraction numerator/denominator so that removing a coin costs a multiplication, not an inversion;
/// the one inversion happens in <see cref="Digest"/>. Equality of two states is checked by cross-multiplying.
/// </para>
/// </summary>
public sealed class UtxoCommitment : IEquatable<UtxoCommitment>
{
    /// <summary>2^3072 - 1103717, the largest 3072-bit safe prime (Core's MuHash3072 modulus).</summary>
    public static readonly BigInteger Prime = (BigInteger.One << 3072) - 1103717;

    private const int ElementBytes = 384;

    /// <summary>Serialized size: numerator and denominator, each 384 bytes little-endian.</summary>
    public const int SerializedSize = 2 * ElementBytes;

    private static readonly byte[] Domain = "TensorCash/utxo-muhash/v1"u8.ToArray();

    private BigInteger _numerator = BigInteger.One;
    private BigInteger _denominator = BigInteger.One;

    /// <summary>The commitment of the empty set.</summary>
    public UtxoCommitment() { }

    private UtxoCommitment(BigInteger numerator, BigInteger denominator)
    {
        _numerator = numerator;
        _denominator = denominator;
    }

    public UtxoCommitment Clone() => new(_numerator, _denominator);

    public void Add(OutPoint outPoint, Coin coin) => _numerator = _numerator * Element(outPoint, coin) % Prime;

    public void Remove(OutPoint outPoint, Coin coin) => _denominator = _denominator * Element(outPoint, coin) % Prime;

    /// <summary>Applies a block's UTXO changes, given the coins it removes (the spent coins on connect, the created ones on disconnect).</summary>
    public void Apply(IEnumerable<KeyValuePair<OutPoint, Coin>> added, IEnumerable<KeyValuePair<OutPoint, Coin>> removed)
    {
        foreach (var (outPoint, coin) in added) Add(outPoint, coin);
        foreach (var (outPoint, coin) in removed) Remove(outPoint, coin);
    }

    /// <summary>The commitment of a whole set, in any order.</summary>
    public static UtxoCommitment Of(IEnumerable<KeyValuePair<OutPoint, Coin>> coins)
    {
        var commitment = new UtxoCommitment();
        foreach (var (outPoint, coin) in coins) commitment.Add(outPoint, coin);
        return commitment;
    }

    /// <summary>The set's value as one field element (one modular inversion).</summary>
    public BigInteger Value => _numerator * BigInteger.ModPow(_denominator, Prime - 2, Prime) % Prime;

    /// <summary>The 32-byte digest shown to operators: SHA-256 of the field element, 384 bytes little-endian.</summary>
    public Hash256 Digest()
    {
        var bytes = new byte[ElementBytes];
        Value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false);
        return new Hash256(SHA256.HashData(bytes));
    }

    public byte[] Serialize()
    {
        var bytes = new byte[SerializedSize];
        _numerator.TryWriteBytes(bytes.AsSpan(0, ElementBytes), out _, isUnsigned: true, isBigEndian: false);
        _denominator.TryWriteBytes(bytes.AsSpan(ElementBytes), out _, isUnsigned: true, isBigEndian: false);
        return bytes;
    }

    /// <summary>Reads a serialized commitment; null when it is not one (wrong size, not field elements, zero).</summary>
    public static UtxoCommitment? Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SerializedSize) return null;
        var numerator = new BigInteger(bytes[..ElementBytes], isUnsigned: true, isBigEndian: false);
        var denominator = new BigInteger(bytes[ElementBytes..], isUnsigned: true, isBigEndian: false);
        if (numerator.IsZero || denominator.IsZero || numerator >= Prime || denominator >= Prime) return null;
        return new UtxoCommitment(numerator, denominator);
    }

    /// <summary>Same set: a/b == c/d exactly when a·d == c·b (mod p).</summary>
    public bool Equals(UtxoCommitment? other) =>
        other is not null && _numerator * other._denominator % Prime == other._numerator * _denominator % Prime;

    public override bool Equals(object? obj) => obj is UtxoCommitment other && Equals(other);

    public override int GetHashCode() => Digest().GetHashCode();

    public override string ToString() => Digest().ToString();

    /// <summary>
    /// The coin as a group element: domain tag, txid, vout, value, height, coinbase flag and the script (length-prefixed),
    /// hashed with SHA-256 and expanded to 3072 bits by SHA-256(seed || counter), counters 0..11.
    /// </summary>
    internal static BigInteger Element(OutPoint outPoint, Coin coin)
    {
        var script = coin.Output.ScriptPubKey;
        var data = new byte[Domain.Length + 32 + 4 + 8 + 4 + 1 + 4 + script.Length];
        var span = data.AsSpan();
        Domain.CopyTo(span);
        span = span[Domain.Length..];
        outPoint.Txid.WriteTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], outPoint.Index);
        BinaryPrimitives.WriteInt64LittleEndian(span[36..], coin.Output.Value);
        BinaryPrimitives.WriteInt32LittleEndian(span[44..], coin.Height);
        span[48] = coin.IsCoinbase ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(span[49..], script.Length);
        script.CopyTo(span[53..]);

        Span<byte> seed = stackalloc byte[33];
        SHA256.HashData(data, seed);
        var expanded = new byte[ElementBytes];
        for (int i = 0; i < ElementBytes / 32; i++)
        {
            seed[32] = (byte)i;
            SHA256.HashData(seed, expanded.AsSpan(i * 32, 32));
        }
        var element = new BigInteger(expanded, isUnsigned: true, isBigEndian: false) % Prime;
        // Zero has probability about 2^-3072; map it to one rather than collapse the whole set.
        return element.IsZero ? BigInteger.One : element;
    }
}
