using TensorCash.Chain.Ledger;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Node.Storage;

// TEMPORARY until the ledger branch's BlockUndo serialization is merged; then this file goes.
internal static class TemporaryUndoEncoding
{
    public static byte[] Encode(BlockUndo undo)
    {
        var w = new ChainWriter();
        w.CompactSize((ulong)undo.SpentCoins.Count);
        foreach (var c in undo.SpentCoins) w.I64(c.Output.Value).VarBytes(c.Output.ScriptPubKey).I32(c.Height).U8(c.IsCoinbase ? (byte)1 : (byte)0);
        return w.ToArray();
    }

    public static BlockUndo Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new ChainReader(bytes);
        int n = (int)r.CompactSize("n");
        var coins = new Coin[n];
        for (int i = 0; i < n; i++) coins[i] = new Coin(new TxOut(r.I64("v"), r.VarBytes("s", 10_000)), r.I32("h"), r.U8("c") == 1);
        r.ExpectEnd("undo");
        return new BlockUndo(coins);
    }
}
