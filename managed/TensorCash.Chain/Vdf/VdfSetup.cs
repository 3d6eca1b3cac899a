namespace TensorCash.Chain.Vdf;

/// <summary>
/// One VDF instance: the discriminant derived from a seed, its class group, and the generator g = (2, 1, (1 − D)/8).
/// Deriving it costs a prime search (milliseconds at 1024 bits), so callers that check several things against one
/// seed build it once.
/// </summary>
public sealed class VdfSetup
{
    public int Bits { get; }
    public byte[] Seed { get; }
    public ClassGroup Group { get; }
    public QuadraticForm Generator { get; }

    /// <summary>Size of Wesolowski's challenge prime ℓ in bits (<see cref="HashToPrime"/>).</summary>
    public int ChallengeBits { get; }

    private VdfSetup(byte[] seed, int bits, int challengeBits)
    {
        Bits = bits;
        ChallengeBits = challengeBits;
        Seed = seed;
        Group = new ClassGroup(VdfDiscriminant.Derive(seed, bits));
        Generator = Group.Generator;
    }

    public static VdfSetup FromSeed(ReadOnlySpan<byte> seed, int bits, int challengeBits = HashToPrime.PrimeBits) =>
        new(seed.ToArray(), bits, challengeBits);

    public System.Numerics.BigInteger Discriminant => Group.Discriminant;

    public int FormBytes => FormEncoding.EncodedBytes(Bits);
}
