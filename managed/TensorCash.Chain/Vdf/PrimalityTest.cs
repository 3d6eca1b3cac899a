using System.Numerics;

namespace TensorCash.Chain.Vdf;

/// <summary>
/// The consensus primality test of the VDF (docs/protocol/vdf.md, "Primality"): trial division by the primes below
/// <see cref="TrialDivisionBound"/>, then Miller–Rabin to each of the first <see cref="WitnessCount"/> primes as bases
/// (2, 3, 5, …, 53). Fixed bases make the verdict a pure function of n, which consensus needs; the candidates come out of
/// SHA-256 (seeded by a block hash or by the VDF output), so nobody picks a strong pseudoprime to these bases.
/// Trial division only saves work: a candidate above the bound that a small prime divides is composite either way.
/// </summary>
public static class PrimalityTest
{
    public const int TrialDivisionBound = 2000;
    public const int WitnessCount = 16;

    private static readonly int[] SmallPrimes = Sieve(TrialDivisionBound);

    public static bool IsProbablePrime(BigInteger n)
    {
        if (n < 2) return false;
        if (n < TrialDivisionBound) return Array.BinarySearch(SmallPrimes, (int)n) >= 0;
        if (HasSmallFactor(n)) return false;
        var nMinusOne = n - 1;
        int s = 0;
        var d = nMinusOne;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }
        for (int i = 0; i < WitnessCount; i++)
        {
            if (!PassesRound(n, nMinusOne, d, s, SmallPrimes[i])) return false;
        }
        return true;
    }

    private static bool PassesRound(BigInteger n, BigInteger nMinusOne, BigInteger d, int s, BigInteger witness)
    {
        var x = BigInteger.ModPow(witness, d, n);
        if (x.IsOne || x == nMinusOne) return true;
        for (int r = 1; r < s; r++)
        {
            x = BigInteger.ModPow(x, 2, n);
            if (x == nMinusOne) return true;
            if (x.IsOne) return false;
        }
        return false;
    }

    /// <summary>
    /// Whether a prime below the bound divides n (n above the bound): remainders by Horner's rule over n's 32-bit
    /// words in machine integers, since a BigInteger remainder per prime costs more than the rest of the test.
    /// </summary>
    private static bool HasSmallFactor(BigInteger n)
    {
        int byteCount = n.GetByteCount(isUnsigned: true);
        Span<byte> bytes = byteCount <= 1024 ? stackalloc byte[(byteCount + 3) / 4 * 4] : new byte[(byteCount + 3) / 4 * 4];
        n.TryWriteBytes(bytes[(bytes.Length - byteCount)..], out _, isUnsigned: true, isBigEndian: true);
        int words = bytes.Length / 4;
        Span<uint> limbs = words <= 256 ? stackalloc uint[words] : new uint[words];
        for (int i = 0; i < words; i++) limbs[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(4 * i, 4));
        foreach (int p in SmallPrimes)
        {
            ulong remainder = 0;
            foreach (uint limb in limbs) remainder = ((remainder << 32) | limb) % (uint)p;
            if (remainder == 0) return true;
        }
        return false;
    }

    private static int[] Sieve(int bound)
    {
        var composite = new bool[bound];
        var primes = new List<int>();
        for (int i = 2; i < bound; i++)
        {
            if (composite[i]) continue;
            primes.Add(i);
            for (int j = i * i; j < bound; j += i) composite[j] = true;
        }
        return [.. primes];
    }
}
