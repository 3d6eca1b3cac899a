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

    private VdfSetup(byte[] seed, int bits)
    {
        Bits = bits;
        Seed = seed;
        Group = new ClassGroup(VdfDiscriminant.Derive(seed, bits));
        Generator = Group.Generator;
    }

    public static VdfSetup FromSeed(ReadOnlySpan<byte> seed, int bits) => new(seed.ToArray(), bits);

    public System.Numerics.BigInteger Discriminant => Group.Discriminant;

    public int FormBytes => FormEncoding.EncodedBytes(Bits);
}
