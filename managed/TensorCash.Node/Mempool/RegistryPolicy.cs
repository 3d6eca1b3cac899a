using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;

namespace TensorCash.Node.Mempool;

/// <summary>
/// The model registry's contextual rules for transactions not yet in a block (the mempool and the block template),
/// by the consensus function itself: <see cref="RegistryRules.Apply"/> of the actions to the registry after the tip,
/// in a probe block. The probe header signals nothing and runs a genesis model (always Active), so the verdict on the
/// actions (duplicate, banned, no slot; a challenge's model, status and proof) is exactly what a block carrying them
/// would get; the header only decides signal counts, which no action's validity depends on.
/// </summary>
public static class RegistryPolicy
{
    /// <summary>
    /// <paramref name="actions"/> applied in order in the block after <paramref name="registry"/>: the registry after
    /// that block, or the first violation. With no actions, <paramref name="registry"/> itself: what a block without
    /// actions changes (signal counts, a period's transitions) never unlocks a deposit in that block (every release
    /// it sets is a later height), so for the deposits that block may spend the two registries agree.
    /// </summary>
    public static (ModelRegistry Next, RuleViolation? Violation) Apply(ModelRegistry registry, IReadOnlyList<RegistryAction> actions, ChainParams parameters) =>
        actions.Count == 0 ? (registry, null) : RegistryRules.Apply(registry, ProbeHeader(parameters), registry.Height + 1, actions, parameters);

    /// <summary>The first violation of <paramref name="actions"/> in the block after <paramref name="registry"/>, or null.</summary>
    public static RuleViolation? Check(ModelRegistry registry, IReadOnlyList<RegistryAction> actions, ChainParams parameters) =>
        actions.Count == 0 ? null : Apply(registry, actions, parameters).Violation;

    private static BlockHeader ProbeHeader(ChainParams parameters)
    {
        var genesisModel = parameters.Models.Keys.OrderBy(id => id.ToString(), StringComparer.Ordinal).FirstOrDefault();
        if (parameters.Models.Count == 0)
            throw new InvalidOperationException($"the {parameters.Network} parameters have no genesis model for the registry's probe block");
        return new BlockHeader(1, Hash256.Zero, Hash256.Zero, 0, 0, 0, genesisModel, Hash256.Zero, 0, Hash256.Zero, 0);
    }
}
