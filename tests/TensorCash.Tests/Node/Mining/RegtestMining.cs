using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Node.Mining;
using TensorCash.Proof;

namespace TensorCash.Tests.Node.Mining;

/// <summary>Mines real regtest blocks on builtin:tiny for tests: coinbase to OP_TRUE, proof by the real miner.</summary>
internal static class RegtestMining
{
    public static readonly DecodeParameters Decode = new(65536, 40, DecodeParameters.TopPOffQ32);
    public const int Evidence = 40;

    public static Transaction Coinbase(int height, long value, uint extraNonce = 0) =>
        BlockTemplateBuilder.Coinbase(height, extraNonce, [0x51], value);

    public static MiningOutcome Mine(InferenceModel model, BlockHeader parent, int height, IReadOnlyList<Transaction>? spends = null,
        int windowSize = 0, uint extraNonce = 0)
    {
        var parameters = ChainParams.Regtest;
        for (uint attempt = 0; ; attempt++)
        {
            Transaction[] txs = [Coinbase(height, Subsidy.GetBlockSubsidy(height, parameters), extraNonce + attempt), .. spends ?? []];
            var root = MerkleTree.BlockRoot(txs, out _);
            var candidate = CandidateHeader.Create(parameters, parent, height, parent.Time, parent.Time + parameters.TargetSpacingSeconds,
                model.Id, root, txs);
            var miner = new BlockMiner(model.Generator, PrecisionTag.F32, windowSize == 0 ? parameters.ProofWindowSize : windowSize, Evidence);
            var outcome = miner.Mine(candidate, [72, 101, 108, 108, 111], Decode, maxWindows: 16, CancellationToken.None);
            if (outcome.Block is not null) return outcome;
        }
    }
}
