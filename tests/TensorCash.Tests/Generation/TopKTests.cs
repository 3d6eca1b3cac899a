using NUnit.Framework;
using TensorCash.Engine.Generation;

namespace TensorCash.Tests.Generation;

public class TopKTests
{
    [Test]
    public void MatchesAFullSortOnRandomLogitsWithManyTies()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int vocab = random.Next(1, 300);
            // Few distinct values so ties are common and the id tie-break is exercised.
            var logits = Enumerable.Range(0, vocab).Select(_ => (float)random.Next(-5, 6) / 2).ToArray();
            int k = random.Next(0, vocab + 5);

            var (ids, values) = TopK.Select(logits, k);

            var expected = Enumerable.Range(0, vocab).OrderByDescending(i => logits[i]).ThenBy(i => i).Take(k).ToArray();
            Assert.That(ids, Is.EqualTo(expected), $"trial {trial}, vocab {vocab}, k {k}");
            Assert.That(values, Is.EqualTo(expected.Select(i => logits[i]).ToArray()));
        }
    }

    [Test]
    public void TiesGoToTheLowerId()
    {
        var (ids, _) = TopK.Select([1f, 3f, 3f, 2f, 3f], 2);
        Assert.That(ids, Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void NaNRanksBelowNegativeInfinity()
    {
        var (ids, _) = TopK.Select([float.NaN, float.NegativeInfinity, -1f], 3);
        Assert.That(ids, Is.EqualTo(new[] { 2, 1, 0 }));
    }

    [Test]
    public void ZeroKSelectsNothingAndShortBuffersAreRejected()
    {
        Assert.That(TopK.Select([1f, 2f], 0).Ids, Is.Empty);
        Assert.Throws<ArgumentException>(() => TopK.Select([1f, 2f, 3f], 3, new int[2], new float[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TopK.Select([1f], -1, new int[1], new float[1]));
    }
}
