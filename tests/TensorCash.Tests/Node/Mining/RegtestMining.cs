using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Node.Mining;
using TensorCash.Proof;

namespace TensorCash.Tests.Node.Mining;

/// <summary>Mines real regtest blocks on builtin:tiny for tests: coinbase to OP_TRUE, proof by the real miner.</summary>
internal static class RegtestMining
{
    /// <summary>builtin:tiny's pinned regtest profile: what every block on it must be mined with.</summary>
    public static ProofProfile Profile => ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId].Profile;

    /// <summary>The pinned profile with one field changed (for blocks the profile rule must reject).</summary>
    public static ProofProfile WithWindow(int windowSize) =>
        new(Profile.Decode, Profile.EvidenceCount, windowSize, Profile.Precision, Profile.VocabSize, Profile.SaltTokens, Profile.MaxPromptTokens, Profile.CeilingQ32);

    public static Transaction Coinbase(int height, long value, uint extraNonce = 0) =>
        BlockTemplateBuilder.Coinbase(height, extraNonce, [0x51], value);

    /// <summary>
    /// A block on <paramref name="model"/> at <paramref name="height"/> after <paramref name="parent"/>; its nAdjBits come
    /// from <paramref name="registry"/> (the registry after the parent; default: the genesis registry, right for any
    /// chain without registrations), and it signals for <paramref name="signalSlots"/>.
    /// </summary>
    public static MiningOutcome Mine(InferenceModel model, BlockHeader parent, int height, IReadOnlyList<Transaction>? spends = null,
        ProofProfile? profile = null, uint extraNonce = 0, int[]? prompt = null, ModelRegistry? registry = null, IEnumerable<int>? signalSlots = null)
    {
        var parameters = ChainParams.Regtest;
        for (uint attempt = 0; ; attempt++)
        {
            Transaction[] txs = [Coinbase(height, Subsidy.GetBlockSubsidy(height, parameters), extraNonce + attempt), .. spends ?? []];
            var root = MerkleTree.BlockRoot(txs, out _);
            var candidate = CandidateHeader.Create(parameters, registry ?? ModelRegistry.Genesis(parameters), parent, height, parent.Time,
                parent.Time + parameters.TargetSpacingSeconds, model.Id, root, txs, signalSlots);
            var miner = new BlockMiner(model.Generator, profile ?? Profile);
            var outcome = miner.Mine(candidate, prompt ?? [72, 101, 108, 108, 111], maxWindows: 16, CancellationToken.None);
            if (outcome.Block is not null) return outcome;
        }
    }
}
