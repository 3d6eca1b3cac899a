using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Serialization;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain;

public class SerializationRoundTripTests
{
    [Test]
    public void Hash256DisplaysByteReversed()
    {
        var bytes = new byte[32];
        bytes[0] = 0x01;
        var hash = new Hash256(bytes);
        Assert.That(hash.ToString(), Is.EqualTo(new string('0', 62) + "01"));
        Assert.That(Hash256.Parse(hash.ToString()), Is.EqualTo(hash));
    }

    [Test]
    public void TransactionRoundTripsAndRejectsTrailingBytes()
    {
        var tx = new Transaction(1, [new TxIn(new OutPoint(Hashes.Sha256d([1]), 3), [0x51], 7)], [new TxOut(5000, [0x6a])], 9);
        var bytes = tx.Serialize();
        var back = Transaction.Deserialize(bytes);
        Assert.That(back.Txid, Is.EqualTo(tx.Txid));
        Assert.That(back.SerializedSize, Is.EqualTo(bytes.Length));
        Assert.Throws<ChainFormatException>(() => Transaction.Deserialize([.. bytes, 0]));
    }

    [Test]
    public void NonMinimalCompactSizeIsRejected()
    {
        var reader = new ChainReader([0xFD, 0x05, 0x00]);
        try
        {
            reader.CompactSize("count");
            Assert.Fail("expected a ChainFormatException");
        }
        catch (ChainFormatException e)
        {
            Assert.That(e.Message, Does.Contain("non-canonical"));
        }
    }

    [Test]
    public void HeaderIs148BytesAndBindingIgnoresCommitmentAndNonce()
    {
        var header = new BlockHeader(1, Hashes.Sha256d([1]), Hashes.Sha256d([2]), 1_700_000_000, 0x207fffff, 0x207fffff, Hashes.Sha256d([3]), Hashes.Sha256d([4]), 512, Hash256.Zero, 0);
        Assert.That(header.Serialize(), Has.Length.EqualTo(BlockHeader.Size));
        var mined = header with { ProofCommitment = Hashes.Sha256d([4]), Nonce = 42 };
        Assert.That(mined.ProofBinding, Is.EqualTo(header.ProofBinding));
        Assert.That(mined.Hash, Is.Not.EqualTo(header.Hash));
        Assert.That(BlockHeader.Deserialize(mined.Serialize()), Is.EqualTo(mined));
    }
}
