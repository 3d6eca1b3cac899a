using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TensorCash.Engine.Generation;

namespace TensorCash.Proving;

/// <summary>
/// The K largest logits, exactly as <see cref="TopK.Select(ReadOnlySpan{float}, int, Span{int}, Span{float})"/> ranks
/// them (descending, equal values by lower id, NaN below every number), but faster on a full vocabulary: once the
/// bounded heap is full, one vector compare per 8 entries against the heap's worst value skips every block that
/// cannot enter it, which after the first few thousand entries is nearly all of them. The ranking is a total order,
/// so the result is the same pure function of the row as the engine's selection (tested).
/// </summary>
public static class BlockSkippingTopK
{
    /// <summary>Writes min(k, logits.Length) entries to the fronts of <paramref name="ids"/> and <paramref name="values"/>; returns that count.</summary>
    public static int Select(ReadOnlySpan<float> logits, int k, Span<int> ids, Span<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        int count = Math.Min(k, logits.Length);
        if (ids.Length < count || values.Length < count)
            throw new ArgumentException($"output buffers hold {Math.Min(ids.Length, values.Length)} entries, {count} needed");
        if (count == 0) return 0;
        ids = ids[..count];
        values = values[..count];

        // Min-heap by rank over the first `count` entries: the root is the worst entry kept so far.
        for (int i = 0; i < count; i++)
        {
            ids[i] = i;
            values[i] = logits[i];
            SiftUp(ids, values, i);
        }
        int next = count;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float row = ref MemoryMarshal.GetReference(logits);
            for (; next + Vector256<float>.Count <= logits.Length; next += Vector256<float>.Count)
            {
                // An entry can only enter if it ranks above the root. Later entries have higher ids, so a tie never
                // enters; !(v <= root) keeps every larger v and, when the root is NaN, everything (the exact test
                // below decides). The root only rises within the block, so the filter never drops an entry that enters.
                var block = Vector256.LoadUnsafe(ref row, (nuint)next);
                uint candidates = (~Vector256.LessThanOrEqual(block, Vector256.Create(values[0]))).ExtractMostSignificantBits();
                while (candidates != 0)
                {
                    Offer(logits, next + BitOperations.TrailingZeroCount(candidates), ids, values);
                    candidates &= candidates - 1;
                }
            }
        }
        for (; next < logits.Length; next++) Offer(logits, next, ids, values);

        // Heap-sort: repeatedly move the worst entry to the end, leaving the best first.
        for (int end = count - 1; end > 0; end--)
        {
            Swap(ids, values, 0, end);
            SiftDown(ids, values, 0, end);
        }
        return count;
    }

    private static void Offer(ReadOnlySpan<float> logits, int i, Span<int> ids, Span<float> values)
    {
        float v = logits[i];
        if (!TopK.Ranks(v, i, values[0], ids[0])) return;
        ids[0] = i;
        values[0] = v;
        SiftDown(ids, values, 0, ids.Length);
    }

    private static void SiftUp(Span<int> ids, Span<float> values, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!TopK.Ranks(values[parent], ids[parent], values[i], ids[i])) return;
            Swap(ids, values, i, parent);
            i = parent;
        }
    }

    private static void SiftDown(Span<int> ids, Span<float> values, int i, int size)
    {
        while (true)
        {
            int worst = i, left = 2 * i + 1, right = left + 1;
            if (left < size && TopK.Ranks(values[worst], ids[worst], values[left], ids[left])) worst = left;
            if (right < size && TopK.Ranks(values[worst], ids[worst], values[right], ids[right])) worst = right;
            if (worst == i) return;
            Swap(ids, values, i, worst);
            i = worst;
        }
    }

    private static void Swap(Span<int> ids, Span<float> values, int a, int b)
    {
        (ids[a], ids[b]) = (ids[b], ids[a]);
        (values[a], values[b]) = (values[b], values[a]);
    }
}
