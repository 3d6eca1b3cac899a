using NUnit.Framework;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Generation;

namespace TensorCash.Tests.Generation;

public class SamplingRngTests
{
    [Test]
    public void SplitMix64MatchesThePublishedSequenceForSeed1234567()
    {
        // Outputs of splitmix64.c (https://prng.di.unimi.it/splitmix64.c) for seed 1234567, from an
        // independent Python transcription of that file; the sequence is the commonly quoted example.
        var rng = new SplitMix64(1234567);
        var outputs = Enumerable.Range(0, 5).Select(_ => rng.Next()).ToArray();
        Assert.That(outputs, Is.EqualTo(new ulong[]
        {
            6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821,
        }));
    }

    [Test]
    public void Xoshiro256StarStarStreamIsPinnedForSeed42()
    {
        // Computed by an independent Python transcription of xoshiro256**.c seeded with splitmix64; a
        // verifier in any language must reproduce exactly these numbers for seed 42.
        var rng = new SamplingRng(42);
        var outputs = Enumerable.Range(0, 4).Select(_ => rng.NextUInt64()).ToArray();
        Assert.That(outputs, Is.EqualTo(new ulong[]
        {
            1546998764402558742, 6990951692964543102, 12544586762248559009, 17057574109182124193,
        }));
    }

    [Test]
    public void NextDoubleUsesTheTop53Bits()
    {
        var a = new SamplingRng(42);
        var b = new SamplingRng(42);
        for (int i = 0; i < 1000; i++)
        {
            double d = a.NextDouble();
            Assert.That(d, Is.EqualTo((b.NextUInt64() >> 11) / 9007199254740992.0));
            Assert.That(d, Is.GreaterThanOrEqualTo(0).And.LessThan(1));
        }
    }
}
