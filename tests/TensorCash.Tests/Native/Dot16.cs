namespace TensorCash.Tests.Native;

/// <summary>C# transliteration of the DOT16 definition in tensorcash.h, the oracle for bitwise tests.</summary>
public static class Dot16
{
    public static float Compute(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        Span<float> lanes = stackalloc float[16];
        lanes.Clear();
        int blocks = (x.Length + 15) / 16;
        for (int i = 0; i < blocks; i++)
            for (int l = 0; l < 16; l++)
            {
                int k = 16 * i + l;
                float a = k < x.Length ? x[k] : 0f, b = k < x.Length ? y[k] : 0f;  // zero-padded tail
                lanes[l] = MathF.FusedMultiplyAdd(a, b, lanes[l]);
            }
        for (int width = 8; width >= 1; width /= 2)
            for (int l = 0; l < width; l++) lanes[l] = lanes[l] + lanes[l + width];
        return lanes[0];
    }
}
