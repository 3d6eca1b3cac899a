using TensorCash.Chain.Blocks;

namespace TensorCash.Chain.Consensus;

/// <summary>Header rules: nBits from ASERT, nAdjBits from the model table, proof of work, timestamps.</summary>
public static class HeaderRules
{
    /// <summary>
    /// Checks a non-genesis header against its context: nBits equals the ASERT target, the model is registered,
    /// nAdjBits equals T_adj exactly, SHA-256d(header) &lt;= T_adj, time &gt; MTP, time &lt;= now + limit, time-warp bound.
    /// </summary>
    public static RuleViolation? Check(BlockHeader header, HeaderContext context, ChainParams parameters) =>
        throw new NotImplementedException("owned by the targets work");
}
