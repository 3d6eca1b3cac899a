using System.Buffers.Binary;
using NUnit.Framework;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;

namespace TensorCash.Tests.Formats;

public class WeightEncodingTests
{
    [Test]
    public void Bf16RoundsToNearestEven()
    {
        // 1 + 2^-8 is exactly halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even mantissa (1).
        Assert.That(WeightEncoding.FloatToBFloat16(1f + 1f / 256), Is.EqualTo(0x3F80));
        // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): rounds up to even.
        Assert.That(WeightEncoding.FloatToBFloat16(1f + 3f / 256), Is.EqualTo(0x3F82));
        Assert.That(WeightEncoding.FloatToBFloat16(1f + 1f / 256 + 1f / 65536), Is.EqualTo(0x3F81));
        Assert.That(float.IsNaN(WeightEncoding.BFloat16ToFloat(WeightEncoding.FloatToBFloat16(float.NaN))));
    }

    [Test]
    public void Q8BlockFollowsGgmlReferenceQuantizer()
    {
        var x = Enumerable.Range(0, 32).Select(j => (float)(j - 16)).ToArray(); // max |x| = 16
        var block = WeightEncoding.Encode(x, TensorDType.Q8_0, 32);
        Assert.That(block, Has.Length.EqualTo(34));
        Assert.That(BinaryPrimitives.ReadHalfLittleEndian(block), Is.EqualTo((Half)(16f / 127)));
        Assert.That((sbyte)block[2], Is.EqualTo(-127)); // -16 maps to -127
        Assert.That((sbyte)block[2 + 16], Is.EqualTo(0));
        Assert.That((sbyte)block[2 + 17], Is.EqualTo(8)); // 1 * 127/16 = 7.94 rounds to 8
        var back = WeightEncoding.Decode(block, TensorDType.Q8_0, 32);
        Assert.That(back.Zip(x).All(p => Math.Abs(p.First - p.Second) <= 16f / 127 / 2 + 1e-3f));
    }

    [Test]
    public void F16RoundsToNearestEven()
    {
        // 1 + 2^-11 is halfway between f16 neighbours 1 and 1 + 2^-10: ties go to even (1).
        var bytes = WeightEncoding.Encode([1f + 1f / 2048], TensorDType.F16, 1);
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes), Is.EqualTo(0x3C00));
    }
}
