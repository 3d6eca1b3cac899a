using NUnit.Framework;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

public class FixedPointTests
{
    [TestCase(1.0f, 1L << 32)]
    [TestCase(-0.5f, -(1L << 31))]
    [TestCase(0.0f, 0L)]
    [TestCase(-0.0f, 0L)]
    [TestCase(1e-10f, 0L)]          // below 2^-32: truncates toward zero
    [TestCase(-1e-10f, 0L)]
    [TestCase(1e-45f, 0L)]          // subnormal
    [TestCase(65535.0f, 65535L << 32)]
    [TestCase(70000.0f, 1L << 48)]  // clamped
    [TestCase(-3.0e38f, -(1L << 48))]
    [TestCase(0.001953125f, 1L << 23)] // 2^-9, smallest magnitude whose every float is exact
    public void LogitsConvertToQ32(float logit, long expected)
    {
        Assert.That(FixedPointLogit.FromFloatBits(BitConverter.SingleToUInt32Bits(logit)), Is.EqualTo(expected));
        Assert.That((long)SpecTransliteration.LogitQ32(BitConverter.SingleToUInt32Bits(logit)), Is.EqualTo(expected));
    }

    [Test]
    public void ConversionIsExactForEveryFloatInTheExactRange()
    {
        var random = new Random(11);
        for (var i = 0; i < 100_000; i++)
        {
            var value = (float)((random.NextDouble() * 2 - 1) * 60000);
            if (Math.Abs(value) < 0.001953125) continue;
            Assert.That(FixedPointLogit.FromFloatBits(BitConverter.SingleToUInt32Bits(value)), Is.EqualTo((long)((double)value * 4294967296.0)));
        }
    }

    [Test]
    public void ExpOfZeroIsExactlyOne() => Assert.That(FixedPointExp.NegExpQ32(0), Is.EqualTo(1UL << 32));

    [Test]
    public void ExpIsWithinOneUnitOfTheExactValue()
    {
        // Documented bound: |w - 2^32 e^-d| < 1. Double exp has ~1e-16 relative error, negligible at this scale.
        var random = new Random(5);
        var worst = 0.0;
        for (var i = 0; i < 200_000; i++)
        {
            var dQ32 = i < 1000 ? (ulong)i * 12_884_901 : (ulong)(random.NextDouble() * 25 * 4294967296.0);
            var exact = Math.Exp(-(double)dQ32 / 4294967296.0) * 4294967296.0;
            var weight = FixedPointExp.NegExpQ32(dQ32);
            worst = Math.Max(worst, Math.Abs(weight - exact));
            Assert.That(weight, Is.EqualTo((ulong)SpecTransliteration.Weight(dQ32)));
        }
        Assert.That(worst, Is.LessThan(1.0));
        TestContext.Out.WriteLine($"max |w - 2^32 exp(-d)| = {worst:F6} units of 2^-32");
    }

    [Test]
    public void ExpVanishesBeyond33Halvings()
    {
        Assert.That(FixedPointExp.NegExpQ32(ulong.MaxValue), Is.EqualTo(0UL));
        Assert.That(FixedPointExp.NegExpQ32(24UL << 32), Is.EqualTo(0UL)); // e^-24 * 2^32 = 0.16
        Assert.That(FixedPointExp.NegExpQ32(22UL << 32), Is.EqualTo(1UL)); // e^-22 * 2^32 = 1.19
    }
}
