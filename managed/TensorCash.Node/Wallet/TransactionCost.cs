using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;

namespace TensorCash.Node.Wallet;

/// <summary>
/// What a wallet transaction costs: serialized sizes of its parts, the fee at a rate in base units per 1000 bytes,
/// and the dust threshold below which an output is not worth creating.
/// </summary>
public static class TransactionCost
{
    /// <summary>
    /// Largest P2PKH input: outpoint 36 + script length 1 + scriptSig 107 + nSequence 4. The scriptSig is
    /// push(DER signature + hash type) + push(33-byte key): a low-S DER signature is at most 71 bytes
    /// (r up to 33 with its sign padding, s at most 32 because it is below n/2), so the first push is at most
    /// 1 + 72 and the second is 1 + 33. Core's dust rule counts this size.
    /// </summary>
    public const int MaxP2PkhInputBytes = 36 + 1 + (1 + 72) + (1 + Secp256k1Keys.PublicKeySize) + 4;
    /// <summary>
    /// A P2PKH input as this wallet signs it: 147 bytes exactly. It re-signs until the DER signature is 70 bytes
    /// (r needs no sign padding, as in Core's low-R grinding, and neither r nor s starts with a zero byte), which
    /// takes two tries on average; so a transaction's size, and its fee, are known before it is signed.
    /// </summary>
    public const int SignedP2PkhInputBytes = MaxP2PkhInputBytes - 1;
    /// <summary>Value 8 + script length 1 + OP_DUP OP_HASH160 push(20) OP_EQUALVERIFY OP_CHECKSIG (25).</summary>
    public const int P2PkhOutputBytes = 8 + 1 + 25;
    /// <summary>Version 4 + nLockTime 4; the input and output counts' CompactSizes come on top.</summary>
    public const int FixedOverheadBytes = 4 + 4;

    /// <summary>
    /// Bitcoin Core's dust relay fee rate (DUST_RELAY_TX_FEE, 3000 per 1000 bytes): an output is dust when creating
    /// and later spending it would cost more than a third of its value at 1000 per 1000 bytes.
    /// </summary>
    public const long DustRelayFeeRate = 3000;
    /// <summary>The dust threshold of a P2PKH output: (34 + 148) * 3000 / 1000 = 546, Core's familiar number.</summary>
    public static readonly long P2PkhDustThreshold = DustThreshold(ScriptTemplates.PayToPubKeyHash(new byte[Hash160.Size]));

    /// <summary>ceil(feeRate * size / 1000): the fee a transaction of <paramref name="size"/> bytes needs at <paramref name="feeRate"/>.</summary>
    public static long FeeFor(long size, long feeRate) => (feeRate * size + 999) / 1000;

    /// <summary>Serialized size of an output paying <paramref name="scriptPubKey"/>.</summary>
    public static int OutputBytes(byte[] scriptPubKey) => 8 + CompactSizeBytes(scriptPubKey.Length) + scriptPubKey.Length;

    /// <summary>Core's GetDustThreshold: outputs below this are not relayed. Unspendable (OP_RETURN) outputs have none.</summary>
    public static long DustThreshold(byte[] scriptPubKey) =>
        ScriptTemplates.IsProvablyUnspendable(scriptPubKey) ? 0 : FeeFor(OutputBytes(scriptPubKey) + MaxP2PkhInputBytes, DustRelayFeeRate);

    /// <summary>
    /// Size of a transaction spending <paramref name="inputCount"/> P2PKH coins with this wallet's signatures
    /// (<see cref="SignedP2PkhInputBytes"/> each) to outputs of the given sizes.
    /// </summary>
    public static int EstimateSize(int inputCount, IEnumerable<int> outputBytes)
    {
        var outputs = outputBytes.ToList();
        return FixedOverheadBytes + CompactSizeBytes(inputCount) + inputCount * SignedP2PkhInputBytes + CompactSizeBytes(outputs.Count) + outputs.Sum();
    }

    public static int CompactSizeBytes(long value) => value switch
    {
        < 0xfd => 1,
        <= 0xffff => 3,
        <= 0xffff_ffff => 5,
        _ => 9,
    };
}
