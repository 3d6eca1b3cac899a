using TensorCash.Chain.Serialization;

namespace TensorCash.Chain.Ledger;

/// <summary>
/// The coins a block spent, one per non-coinbase input in block order (including coins created earlier in the same
/// block), so disconnecting it can restore them. Stored next to the block; encoding in docs/protocol/chain.md:
/// CompactSize(count) || count × <see cref="Coin.WriteTo"/>.
/// </summary>
public sealed record BlockUndo(IReadOnlyList<Coin> SpentCoins)
{
    public byte[] Serialize()
    {
        var writer = new ChainWriter(16 + 40 * SpentCoins.Count);
        writer.CompactSize((ulong)SpentCoins.Count);
        foreach (var coin in SpentCoins) coin.WriteTo(writer);
        return writer.ToArray();
    }

    /// <summary>Decodes exactly one undo record; corrupt, truncated or trailing bytes throw <see cref="ChainFormatException"/>.</summary>
    public static BlockUndo Deserialize(ReadOnlySpan<byte> bytes)
    {
        var reader = new ChainReader(bytes);
        // The count is bounded by what the remaining bytes could hold before anything is allocated.
        int count = (int)reader.CompactSize("undo coin count", (ulong)(reader.Remaining / Coin.MinEncodedBytes));
        var coins = new Coin[count];
        for (int i = 0; i < count; i++) coins[i] = Coin.ReadFrom(ref reader);
        reader.ExpectEnd("block undo");
        return new BlockUndo(coins);
    }
}
