using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TensorCash.Proving.Replay;
using NUnit.Framework;

namespace TensorCash.Tests.Proving;

public class ReplayPositionsTests
{
    private static readonly byte[] Seed = Enumerable.Range(0, 32).Select(i => (byte)(0xa0 + i)).ToArray();

    [Test]
    public void SampleIsDistinctSortedAndInRange()
    {
        int[] positions = ReplayPositions.Derive(Seed, 1000, 37);
        Assert.That(positions, Has.Length.EqualTo(37));
        Assert.That(positions, Is.Ordered.And.Unique);
        Assert.That(positions, Is.All.InRange(0, 999));
    }

    [Test]
    public void SampleFollowsTheSpecFormula()
    {
        // Straight transliteration of docs/protocol/tier2-replay.md §2.
        var expected = new List<int>();
        for (uint c = 0; expected.Count < 5; c++)
        {
            byte[] input = [.. Encoding.ASCII.GetBytes("TSC-T2POS"), (byte)Seed.Length, .. Seed, .. BitConverter.GetBytes(c)];
            int x = (int)(BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(input)) % 64UL);
            if (!expected.Contains(x)) expected.Add(x);
        }
        expected.Sort();
        Assert.That(ReplayPositions.Derive(Seed, 64, 5), Is.EqualTo(expected));
        Assert.That(expected, Is.EqualTo(new[] { 0, 10, 43, 48, 61 }), "spec test vector P1");
    }

    [Test]
    public void ZeroSeedMatchesSpecTestVector() =>
        Assert.That(ReplayPositions.Derive(new byte[32], 1000, 8), Is.EqualTo(new[] { 185, 268, 314, 359, 437, 544, 760, 798 }), "spec test vector P2");

    [Test]
    public void AnotherSeedGivesAnotherSample() =>
        Assert.That(ReplayPositions.Derive(Seed, 1000, 10), Is.Not.EqualTo(ReplayPositions.Derive(new byte[32], 1000, 10)));

    [TestCase(0)]
    [TestCase(12)]
    [TestCase(50)]
    public void ZeroOrTooManyMeansEveryStep(int count) =>
        Assert.That(ReplayPositions.Derive(Seed, 12, count), Is.EqualTo(Enumerable.Range(0, 12)));
}
