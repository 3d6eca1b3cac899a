using TensorCash.Engine.Builtin;

namespace TensorCash.Tests.Runtime;

/// <summary>Test conveniences over SplitMix64, so every random test is reproducible from its seed.</summary>
public sealed class TestRng(ulong seed)
{
    private SplitMix64 _generator = new(seed);

    public ulong NextUInt64() => _generator.Next();

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(NextUInt64() % (ulong)n);

    /// <summary>Uniform in [lo, hi].</summary>
    public int Next(int lo, int hi) => lo + Next(hi - lo + 1);

    /// <summary>Uniform in [-1, 1).</summary>
    public float NextFloat() => (float)((NextUInt64() >> 40) * (1.0 / (1UL << 24)) * 2 - 1);

    public float[] Floats(int n, float scale = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = NextFloat() * scale;
        return a;
    }

    public int[] Tokens(int n, int vocab)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = Next(vocab);
        return a;
    }
}
