using System.Buffers.Binary;
using System.Security.Cryptography;
using TensorCash.Engine.Generation;
using TensorCash.Proving.ModelEquality;

namespace TensorCash.Proving.Watermark;

/// <summary>
/// The keyed green list of Kirchenbauer et al. 2023 ("A Watermark for Large Language Models", arXiv:2301.10226),
/// context width 1: the green list after token t is the first G = round(γ·V) entries of a permutation of the
/// vocabulary seeded by HMAC-SHA256(key, "TensorCash/watermark/v1" ‖ t as int32 LE). The permutation is a partial
/// Fisher–Yates over a xoshiro256** stream seeded with the MAC's first 8 bytes and unbiased bounded draws, so the list
/// is a pure function of (key, t, γ, V): the detector rebuilds it from the text alone. Without the key the lists look
/// uniformly random (HMAC is a PRF), which is what makes unwatermarked text score γ on average.
/// Masks are cached per previous token up to <see cref="MaxCacheBytes"/>; not thread-safe.
/// </summary>
public sealed class GreenList
{
    /// <summary>Longest key accepted (HMAC-SHA256 hashes longer keys anyway; the bound keeps input sane).</summary>
    public const int MaxKeyBytes = 256;
    /// <summary>Memory the mask cache may hold before it is cleared.</summary>
    public const long MaxCacheBytes = 64L << 20;

    private static readonly byte[] Domain = "TensorCash/watermark/v1"u8.ToArray();
    private readonly byte[] _key;
    private readonly Dictionary<int, bool[]> _cache = new();

    public GreenList(ReadOnlySpan<byte> key, double gamma, int vocabSize)
    {
        if (key.IsEmpty || key.Length > MaxKeyBytes) throw new ArgumentException($"the watermark key must have 1 to {MaxKeyBytes} bytes (got {key.Length})", nameof(key));
        if (!(gamma > 0 && gamma < 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma (the green fraction) must be in (0, 1)");
        if (vocabSize < 2) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "the vocabulary needs at least 2 tokens");
        _key = key.ToArray();
        Gamma = gamma;
        VocabSize = vocabSize;
        GreenCount = Math.Clamp((int)Math.Round(gamma * vocabSize, MidpointRounding.AwayFromZero), 1, vocabSize - 1);
    }

    public double Gamma { get; }
    public int VocabSize { get; }
    /// <summary>round(γ·V), kept in [1, V−1] so both lists are non-empty.</summary>
    public int GreenCount { get; }
    /// <summary>G / V: the green fraction the detector's null hypothesis uses (equals γ when γ·V is whole).</summary>
    public double EffectiveGamma => (double)GreenCount / VocabSize;

    public bool IsGreen(int previousToken, int token)
    {
        if ((uint)token >= (uint)VocabSize) throw new ArgumentOutOfRangeException(nameof(token), token, $"token outside the vocabulary [0, {VocabSize})");
        return Mask(previousToken)[token];
    }

    /// <summary>The green mask after <paramref name="previousToken"/> (V entries). Callers must not modify it.</summary>
    public bool[] Mask(int previousToken)
    {
        if (_cache.TryGetValue(previousToken, out var cached)) return cached;
        if ((long)(_cache.Count + 1) * VocabSize > MaxCacheBytes) _cache.Clear();
        var mask = Build(previousToken);
        _cache[previousToken] = mask;
        return mask;
    }

    private bool[] Build(int previousToken)
    {
        Span<byte> message = stackalloc byte[Domain.Length + 4];
        Domain.CopyTo(message);
        BinaryPrimitives.WriteInt32LittleEndian(message[Domain.Length..], previousToken);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, message, mac);
        var rng = new SamplingRng(BinaryPrimitives.ReadUInt64LittleEndian(mac));

        var order = new int[VocabSize];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var mask = new bool[VocabSize];
        for (int i = 0; i < GreenCount; i++) // partial Fisher–Yates: positions 0..G-1 end up a uniform G-subset
        {
            int j = i + (int)MmdPermutationTest.UniformBelow(rng, (ulong)(VocabSize - i));
            (order[i], order[j]) = (order[j], order[i]);
            mask[order[i]] = true;
        }
        return mask;
    }
}
