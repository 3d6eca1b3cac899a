using NUnit.Framework;
using TensorCash.Chain.Consensus;

namespace TensorCash.Tests.Chain.Targets;

public class MedianTimePastTests
{
    [Test]
    public void MedianOfElevenUnsortedTimes() =>
        Assert.That(MedianTimePast.Compute([50, 10, 110, 30, 90, 20, 100, 40, 80, 60, 70]), Is.EqualTo(60));

    [Test]
    public void OnlyTheLastElevenCount() =>
        // The two oldest (huge) entries are outside the window.
        Assert.That(MedianTimePast.Compute([9_999, 9_998, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), Is.EqualTo(6));

    [Test]
    public void NearGenesisFewerTimesAreUsedAndEvenCountsTakeTheUpperMiddle()
    {
        Assert.That(MedianTimePast.Compute([42]), Is.EqualTo(42));
        Assert.That(MedianTimePast.Compute([5, 1]), Is.EqualTo(5));
        Assert.That(MedianTimePast.Compute([3, 1, 2]), Is.EqualTo(2));
        Assert.That(MedianTimePast.Compute([4, 1, 3, 2]), Is.EqualTo(3));
    }

    [Test]
    public void EmptyListIsAnError() =>
        Assert.Throws<ArgumentException>(() => MedianTimePast.Compute([]));
}
