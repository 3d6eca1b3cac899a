using System.Buffers.Binary;
using System.Security.Cryptography;

namespace TensorCash.Proving.Replay;

/// <summary>
/// The steps a sampled tier-2 replay checks: x_c = BE64(SHA-256("TSC-T2POS" || u8 len(seed) || seed || u32 c)) mod n
/// for c = 0, 1, 2, ...; repeats are skipped until <c>count</c> distinct steps are chosen (without replacement).
/// The seed must be the verifier's private randomness: a seed computable from the proof (its commitment, say) lets a
/// miner regrind the proof until the positions miss its edits (docs/protocol/tier2-replay.md §2).
/// </summary>
public static class ReplayPositions
{
    private static readonly byte[] Tag = "TSC-T2POS"u8.ToArray();

    /// <summary>The chosen steps in ascending order; every step when <paramref name="count"/> is 0 or ≥ <paramref name="stepCount"/>.</summary>
    public static int[] Derive(ReadOnlySpan<byte> seed, int stepCount, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (seed.Length > byte.MaxValue) throw new ArgumentException($"position seed is {seed.Length} bytes; at most 255", nameof(seed));
        if (count == 0 || count >= stepCount) return Enumerable.Range(0, stepCount).ToArray();

        var input = new byte[Tag.Length + 1 + seed.Length + 4];
        Tag.CopyTo(input, 0);
        input[Tag.Length] = (byte)seed.Length;
        seed.CopyTo(input.AsSpan(Tag.Length + 1));
        Span<byte> digest = stackalloc byte[32];
        var chosen = new SortedSet<int>();
        for (uint counter = 0; chosen.Count < count; counter++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(input.Length - 4), counter);
            SHA256.HashData(input, digest);
            // Modulo bias is below stepCount / 2^64: negligible for any transcript length.
            chosen.Add((int)(BinaryPrimitives.ReadUInt64BigEndian(digest) % (ulong)stepCount));
        }
        return chosen.ToArray();
    }
}
