using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TensorCash.Engine.Generation;

/// <summary>
/// The K largest logits with their ids, in descending order; equal values are ordered by lower id
/// first, and NaN ranks below every number, so the result is a pure function of the input. A bounded
/// min-heap of size K gives O(V log K) time and no allocation when the caller supplies the buffers. Once the heap
/// is full, one vector compare per 8 entries against the heap's worst value skips every block that cannot enter it,
/// which on a full vocabulary is nearly all of them (the proof capture runs this on every step).
/// </summary>
public static class TopK
{
    /// <summary>Writes min(k, logits.Length) entries to the fronts of <paramref name="ids"/> and <paramref name="values"/>; returns that count.</summary>
    public static int Select(ReadOnlySpan<float> logits, int k, Span<int> ids, Span<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        int count = Math.Min(k, logits.Length);
        if (ids.Length < count || values.Length < count)
            throw new ArgumentException($"output buffers hold {Math.Min(ids.Length, values.Length)} entries, {count} needed");
        if (count == 0) return 0;

        // Heap over the first `count` slots; the root is the worst entry kept so far.
        for (int i = 0; i < count; i++)
        {
            ids[i] = i;
            values[i] = logits[i];
            SiftUp(ids, values, i);
        }
        ids = ids[..count];
        values = values[..count];
        int next = count;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float row = ref MemoryMarshal.GetReference(logits);
            for (; next + Vector256<float>.Count <= logits.Length; next += Vector256<float>.Count)
            {
                // An entry can only enter if it ranks above the root. Later entries have higher ids, so a tie never
                // enters; !(v <= root) keeps every larger v and, when the root is NaN, everything (the exact test
                // in Offer decides). The root only rises within the block, so the filter never drops an entry that enters.
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

    /// <summary>Allocating convenience form of <see cref="Select(ReadOnlySpan{float}, int, Span{int}, Span{float})"/>.</summary>
    public static (int[] Ids, float[] Values) Select(ReadOnlySpan<float> logits, int k)
    {
        int count = Math.Min(Math.Max(k, 0), logits.Length);
        var ids = new int[count];
        var values = new float[count];
        Select(logits, k, ids, values);
        return (ids, values);
    }

    /// <summary>Puts entry <paramref name="i"/> in place of the heap's worst if it ranks above it.</summary>
    private static void Offer(ReadOnlySpan<float> logits, int i, Span<int> ids, Span<float> values)
    {
        float v = logits[i];
        if (!Ranks(v, i, values[0], ids[0])) return;
        ids[0] = i;
        values[0] = v;
        SiftDown(ids, values, 0, ids.Length);
    }

    /// <summary>True when (va, ia) ranks strictly above (vb, ib): larger value, then lower id; NaN is lowest.</summary>
    public static bool Ranks(float va, int ia, float vb, int ib)
    {
        if (va > vb) return true;
        if (va < vb) return false;
        bool nanA = float.IsNaN(va), nanB = float.IsNaN(vb);
        if (nanA != nanB) return nanB;
        return ia < ib;
    }

    private static void SiftUp(Span<int> ids, Span<float> values, int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Ranks(values[parent], ids[parent], values[i], ids[i])) return;
            Swap(ids, values, i, parent);
            i = parent;
        }
    }

    private static void SiftDown(Span<int> ids, Span<float> values, int i, int size)
    {
        while (true)
        {
            int worst = i, left = 2 * i + 1, right = left + 1;
            if (left < size && Ranks(values[worst], ids[worst], values[left], ids[left])) worst = left;
            if (right < size && Ranks(values[worst], ids[worst], values[right], ids[right])) worst = right;
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
