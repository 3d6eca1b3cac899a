using System.Globalization;
using NUnit.Framework;
using TensorCash.Cli.Commands;

namespace TensorCash.Tests.Cli;

public class LogitsFormatTests
{
    [Test]
    public void EveryFloatBitPatternSurvivesTheRoundTrip()
    {
        var random = new Random(3);
        Span<char> buffer = stackalloc char[32];
        float[] edges = [0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-38f, 0.1f, 1f / 3, 16777217f];
        var samples = edges.Concat(Enumerable.Range(0, 20000).Select(_ => BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))))
            .Where(float.IsFinite);
        foreach (float value in samples)
        {
            string text = LogitsCommand.FormatFloat(value, buffer).ToString();
            float parsed = float.Parse(text, CultureInfo.InvariantCulture);
            Assert.That(BitConverter.SingleToInt32Bits(parsed), Is.EqualTo(BitConverter.SingleToInt32Bits(value)), text);
        }
    }

    [Test]
    public void NonFiniteValuesBecomeJsonStrings()
    {
        Span<char> buffer = stackalloc char[32];
        Assert.That(LogitsCommand.FormatFloat(float.NaN, buffer).ToString(), Is.EqualTo("\"NaN\""));
        Assert.That(LogitsCommand.FormatFloat(float.PositiveInfinity, buffer).ToString(), Is.EqualTo("\"Infinity\""));
        Assert.That(LogitsCommand.FormatFloat(float.NegativeInfinity, buffer).ToString(), Is.EqualTo("\"-Infinity\""));
    }
}
