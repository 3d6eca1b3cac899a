using System.Text;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Consensus;

/// <summary>
/// Builds a network's hard-coded first block. Like Bitcoin's, it is accepted by its hash and never validated: it has no
/// parent to take a target or a median time from, and it carries no model (model id zero) and no proof (empty
/// transcript, zero commitment and nonce), so the proof and proof-of-work checks do not apply to it.
/// </summary>
public static class GenesisBlock
{
    private const byte OpReturn = 0x6a;
    private const int MaxDirectPush = 75;

    /// <summary>
    /// One coinbase: scriptSig = OP_0 (height 0, as BIP34 would write it) then a push of <paramref name="message"/>
    /// (ASCII, at most 75 bytes: one direct push, like Bitcoin's headline); one output of 0 coins to OP_RETURN.
    /// Bitcoin's genesis output pays 50 BTC that can never be spent; here the output creates nothing, which says the
    /// same thing explicitly. nAdjBits = nBits because there is no model to adjust for; v = 0, T = 0 and no VDF
    /// evidence because there is no parent to seed it.
    /// </summary>
    public static Block Create(string message, uint time, uint bits)
    {
        var text = Encoding.ASCII.GetBytes(message);
        if (text.Length > MaxDirectPush) throw new ArgumentException($"genesis message is {text.Length} bytes; at most {MaxDirectPush}", nameof(message));
        byte[] scriptSig = [0x00, (byte)text.Length, .. text];
        var coinbase = new Transaction(1, [new TxIn(OutPoint.Null, scriptSig)], [new TxOut(0, [OpReturn])], 0);
        // A one-transaction Merkle root is that transaction's txid.
        var header = new BlockHeader(1, Hash256.Zero, coinbase.Txid, time, bits, bits, Hash256.Zero, Hash256.Zero, 0, Hash256.Zero, 0);
        return new Block(header, [], [coinbase], []);
    }
}
