using System.Numerics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Node.Chainstate;

namespace TensorCash.Node.Rpc;

/// <summary>
/// What the RPC needs to know about a stored block beyond its bytes: its height, whether it is on the active chain,
/// and the work of the chain it ends. The chainstate's index holds these but exposes only the active chain by
/// height, so they are derived: the height from the coinbase (BIP34, which every stored block passed), the rest by
/// walking headers down to the active chain.
/// </summary>
public static class BlockLookup
{
    /// <summary>The stored block, or a -5 "Block not found" error.</summary>
    public static Block Require(ChainState chain, Hash256 hash, string method) =>
        chain.GetBlock(hash) ?? throw new RpcException(RpcErrorCode.InvalidAddressOrKey, $"{method}: Block not found ({hash})");

    /// <summary>The height of a stored block: 0 for genesis, else the BIP34 height its coinbase starts with.</summary>
    public static int HeightOf(Block block, ChainParams parameters)
    {
        if (block.Header.Hash == parameters.GenesisHash) return 0;
        var scriptSig = block.Transactions[0].Inputs[0].ScriptSig;
        if (scriptSig.Length > 0 && scriptSig[0] >= 0x51 && scriptSig[0] <= 0x60) return scriptSig[0] - 0x50; // OP_1..OP_16
        if (scriptSig.Length == 0 || scriptSig[0] is 0 or > 4 || scriptSig.Length < 1 + scriptSig[0])
            throw new InvalidOperationException($"stored block {block.Header.Hash} has no BIP34 height in its coinbase");
        int height = 0;
        for (int i = scriptSig[0]; i >= 1; i--) height = (height << 8) | scriptSig[i];
        return height;
    }

    public static bool IsActive(ChainState chain, Hash256 hash, int height) => chain.GetBlockHash(height) == hash;

    /// <summary>Total work of the chain ending at the stored block <paramref name="hash"/> at <paramref name="height"/>.</summary>
    public static BigInteger ChainWorkOf(ChainState chain, Hash256 hash, int height)
    {
        // Down to the first ancestor on the active chain, adding the work of the side-chain blocks passed.
        var sideWork = BigInteger.Zero;
        while (chain.GetBlockHash(height) != hash)
        {
            var header = chain.GetHeader(hash)!;
            sideWork += ChainWork.ForBits(header.Bits);
            hash = header.PrevBlock;
            height--;
        }
        // The tip's work less the work of the active blocks above that ancestor.
        var tip = chain.Tip;
        var work = tip.ChainWork;
        for (int above = tip.Height; above > height; above--)
            work -= ChainWork.ForBits(chain.GetHeader(chain.GetBlockHash(above)!.Value)!.Bits);
        return work + sideWork;
    }
}
