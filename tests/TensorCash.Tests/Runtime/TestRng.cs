namespace TensorCash.Tests.Runtime;

/// <summary>SplitMix64: a tiny deterministic generator so every random test is reproducible from its seed.</summary>
public sealed class TestRng(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

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
