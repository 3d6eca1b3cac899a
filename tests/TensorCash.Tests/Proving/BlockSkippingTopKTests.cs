using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Engine.Generation;
using TensorCash.Proving;
using TensorCash.Tests.Runtime;

namespace TensorCash.Tests.Proving;

/// <summary>The capture path's top-K must be the engine's <see cref="TopK"/> exactly: same ids, same value bits, same order.</summary>
public class BlockSkippingTopKTests
{
    private static (int[] Ids, uint[] Bits) Fast(float[] logits, int k)
    {
        int count = Math.Min(k, logits.Length);
        var ids = new int[count];
        var values = new float[count];
        Assert.That(BlockSkippingTopK.Select(logits, k, ids, values), Is.EqualTo(count));
        return (ids, values.Select(BitConverter.SingleToUInt32Bits).ToArray());
    }

    private static (int[] Ids, uint[] Bits) Engine(float[] logits, int k)
    {
        var (ids, values) = TopK.Select(logits, k);
        return (ids, values.Select(BitConverter.SingleToUInt32Bits).ToArray());
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

    [Test]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockSkippingTopK.Select([1f], -1, new int[1], new float[1]));
        Assert.Throws<ArgumentException>(() => BlockSkippingTopK.Select([1f, 2f, 3f], 3, new int[2], new float[3]));
        Assert.That(BlockSkippingTopK.Select([1f, 2f], 0, [], []), Is.Zero);
    }
}
