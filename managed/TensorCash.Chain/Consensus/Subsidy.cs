namespace TensorCash.Chain.Consensus;

/// <summary>The new coins a block may create (Bitcoin Core's GetBlockSubsidy): halving every interval.</summary>
public static class Subsidy
{
    /// <summary>
    /// InitialSubsidy &gt;&gt; (height / SubsidyHalvingInterval), and 0 from the 64th halving on (a shift of 64 would
    /// wrap in C and in C#; the subsidy is already 0 from the 33rd halving of 50 coins).
    /// </summary>
    public static long GetBlockSubsidy(int height, ChainParams parameters)
    {
        if (height < 0) throw new ArgumentOutOfRangeException(nameof(height), height, "block heights are non-negative");
        int halvings = height / parameters.SubsidyHalvingInterval;
        return halvings >= 64 ? 0 : parameters.InitialSubsidy >> halvings;
    }
}
