using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;

namespace TensorCash.Node.Hosting;

/// <summary>Between addresses and the P2PKH output scripts they stand for, on one network.</summary>
public static class PaymentAddress
{
    private const int PayToPubKeyHashSize = 25;

    public static bool TryGetScript(string address, ChainParams parameters, out byte[] scriptPubKey, out string error)
    {
        scriptPubKey = [];
        if (!Address.TryDecode(address, parameters.Bech32Hrp, out var hash160, out error)) return false;
        scriptPubKey = ScriptTemplates.PayToPubKeyHash(hash160);
        return true;
    }

    /// <summary>The address a P2PKH script pays, or null for any other script (which has no address form).</summary>
    public static string? FromScript(ReadOnlySpan<byte> scriptPubKey, ChainParams parameters)
    {
        if (scriptPubKey.Length != PayToPubKeyHashSize
            || scriptPubKey[0] != (byte)Opcode.OP_DUP || scriptPubKey[1] != (byte)Opcode.OP_HASH160 || scriptPubKey[2] != Hash160.Size
            || scriptPubKey[23] != (byte)Opcode.OP_EQUALVERIFY || scriptPubKey[24] != (byte)Opcode.OP_CHECKSIG)
            return null;
        return Address.Encode(scriptPubKey.Slice(3, Hash160.Size), parameters.Bech32Hrp);
    }
}
