using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Ledger;

public class BlockUndoTests
{
    private static readonly Gen<Coin> Coins =
        from value in Gen.Choose(0, int.MaxValue).Select(v => (long)v * 3)
        from script in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
        from height in Gen.Choose(0, int.MaxValue)
        from coinbase in Gen.Elements(true, false)
        select new Coin(new TxOut(value, script), height, coinbase);

    [Test]
    public void RoundTripsExactly() =>
        Prop.ForAll(Gen.ArrayOf(Coins).ToArbitrary(), coins =>
        {
            var bytes = new BlockUndo(coins).Serialize();
            var back = BlockUndo.Deserialize(bytes);
            return back.SpentCoins.SequenceEqual(coins) && back.Serialize().AsSpan().SequenceEqual(bytes);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void KnownEncoding()
    {
        // count 1 | value 5000 (i64 LE) | script length 1, OP_TRUE | height 7 (u32 LE) | coinbase 1
        var undo = new BlockUndo([new Coin(new TxOut(5000, [0x51]), 7, true)]);
        Assert.That(Convert.ToHexString(undo.Serialize()).ToLowerInvariant(), Is.EqualTo("01" + "8813000000000000" + "0151" + "07000000" + "01"));
    }

    [TestCase("01" + "8813000000000000" + "0151" + "07000000" + "02", "coinbase flag")]
    [TestCase("01" + "ffffffffffffffff" + "0151" + "07000000" + "00", "negative")]
    [TestCase("01" + "8813000000000000" + "0151" + "ffffffff" + "00", "height")]
    [TestCase("01" + "8813000000000000" + "0151" + "07000000", "truncated")]
    [TestCase("01" + "8813000000000000" + "0151" + "07000000" + "00" + "00", "trailing")]
    [TestCase("fdff00" + "00", "exceeds the limit")]
    [TestCase("fd0100", "non-canonical")]
    public void CorruptBytesAreRejectedWithContext(string hex, string expected)
    {
        var error = Assert.Throws<ChainFormatException>(() => BlockUndo.Deserialize(Convert.FromHexString(hex)));
        Assert.That(error!.Message, Does.Contain(expected));
    }
}
