using NUnit.Framework;

namespace TensorCash.Tests.Native;

/// <summary>The helper itself must see what value comparison hides.</summary>
public class BitAssertTests
{
    [Test]
    public void SignOfZeroAndNaNPayloadsAreDifferences()
    {
        Assert.Throws<AssertionException>(() => BitAssert.Equal(0f, -0f, "zero"));
        float otherNaN = BitConverter.Int32BitsToSingle(0x7fc00001);
        Assert.Throws<AssertionException>(() => BitAssert.Equal(float.NaN, otherNaN, "nan"));
        Assert.Throws<AssertionException>(() => BitAssert.Equal([1f, 2f], [1f], "length"));
        BitAssert.Equal([1f, -0f, float.NaN], [1f, -0f, float.NaN], "same bits");
    }
}
