using TensorCash.Engine.Builtin;

namespace TensorCash.Engine.Generation;

/// <summary>
/// xoshiro256** seeded through SplitMix64 (Blackman and Vigna, https://prng.di.unimi.it/). Written out
/// here rather than using System.Random so that a seed gives the same stream in any runtime or
/// language that implements the same two published algorithms, which a verifier replaying a
/// generation needs.
/// </summary>
public sealed class SamplingRng
{
    private ulong _s0, _s1, _s2, _s3;

    public SamplingRng(ulong seed)
    {
        var seeder = new SplitMix64(seed);
        _s0 = seeder.Next();
        _s1 = seeder.Next();
        _s2 = seeder.Next();
        _s3 = seeder.Next();
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits (the top bits, which are the strongest for xoshiro).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
