using System.Numerics;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// Work a block adds to its chain (Bitcoin Core's GetBlockProof): the expected number of hashes to meet target T,
/// floor(2^256 / (T + 1)). Counted from the BASE target nBits, never from nAdjBits: see <see cref="ForBits"/>.
/// </summary>
public static class ChainWork
{
    private static readonly BigInteger TwoTo256 = BigInteger.One << 256;

    /// <summary>
    /// floor(2^256 / (T_base + 1)) for the header's nBits; 0 for an unusable nBits (negative, zero, overflowing),
    /// as in Core. The model-adjusted target is deliberately ignored. T_adj = T_base * N / D_m sets how many windows
    /// (attempts) a block takes on model m so that attempts times the cost of one window is the same on every model:
    /// it equalises the COST of a block. Counting 2^256/T_adj would count attempts instead, and weight per unit of
    /// cost would become 1 / (cost of one window): the cheapest model would always build the heaviest chain per
    /// unit spent, whatever D_m says. With base work every block at a height weighs the same, and a model can only
    /// be cheaper per unit of weight by as much as its D_m is mis-set.
    /// </summary>
    public static BigInteger ForBits(uint bits) =>
        CompactBits.DecodeTarget(bits) is { } target ? TwoTo256 / (target + 1) : BigInteger.Zero;
}
