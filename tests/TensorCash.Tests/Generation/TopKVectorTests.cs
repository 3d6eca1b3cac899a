using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Generation;

/// <summary>
/// <see cref="TopK"/>'s vector block skipping must not change its result: same ids, same value bits, same order as a
/// full sort by <see cref="TopK.Ranks"/> (the proof capture commits this selection as evidence).
/// </summary>
public class TopKVectorTests
{
    private static (int[] Ids, uint[] Bits) Fast(float[] logits, int k)
    {
        int count = Math.Min(k, logits.Length);
        var ids = new int[count];
        var values = new float[count];
        Assert.That(TopK.Select(logits, k, ids, values), Is.EqualTo(count));
        return (ids, values.Select(BitConverter.SingleToUInt32Bits).ToArray());
    }

    /// <summary>The reference: every entry sorted by the ranking, the first k kept.</summary>
    private static (int[] Ids, uint[] Bits) Engine(float[] logits, int k)
    {
        var order = Enumerable.Range(0, logits.Length).ToList();
        order.Sort((a, b) => a == b ? 0 : TopK.Ranks(logits[a], a, logits[b], b) ? -1 : 1);
        var ids = order.Take(Math.Max(k, 0)).ToArray();
        return (ids, ids.Select(i => BitConverter.SingleToUInt32Bits(logits[i])).ToArray());
    }

    [Test]
    public void EqualsTheEngineSelectionOnRowsFullOfTiesZerosInfinitiesAndNaNs()
    {
        // Few distinct values force ties at the K-th place; NaN, ±0 and ±inf exercise the ranking's edge cases.
        var value = Gen.Elements(0f, -0f, 1f, -1f, 2f, 2.5f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 7f);
        var cases = value.ArrayOf().SelectMany(row => Gen.Choose(0, row.Length + 2).Select(k => (row, k)));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var fast = Fast(c.row, c.k);
            var engine = Engine(c.row, c.k);
            return fast.Ids.SequenceEqual(engine.Ids) && fast.Bits.SequenceEqual(engine.Bits);
        }).QuickCheckThrowOnFailure();
    }

    [TestCase(32000, 64)]
    [TestCase(32003, 65)]
    [TestCase(264, 32)]
    [TestCase(100, 100)]
    public void EqualsTheEngineSelectionOnFullRows(int vocab, int k)
    {
        var rng = new TestRng((ulong)vocab);
        for (int trial = 0; trial < 5; trial++)
        {
            float[] row = rng.Floats(vocab, 10);
            if (trial == 1) Array.Sort(row); // ascending: every block holds new entries
            if (trial == 2) for (int v = 0; v < vocab; v++) row[v] = MathF.Round(row[v]); // heavy ties
            if (trial == 3) row[rng.Next(vocab)] = float.NaN;
            Assert.That(Fast(row, k), Is.EqualTo(Engine(row, k)), $"trial {trial}");
        }
    }
}
