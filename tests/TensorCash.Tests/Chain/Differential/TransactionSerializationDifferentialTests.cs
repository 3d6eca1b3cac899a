using FsCheck;
using FsCheck.Fluent;
using NBitcoin;
using NUnit.Framework;
using TensorCash.Chain.Serialization;
using Ours = TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// Our transaction serialization against NBitcoin's witness-free one (issue 12, item 3): random transactions both
/// ways, and every non-witness transaction of Bitcoin Core's tx_valid.json and tx_invalid.json. TensorCash's format is
/// Bitcoin's legacy format exactly; the one difference (a decoding cap on script length) has its own test below.
/// </summary>
public class TransactionSerializationDifferentialTests
{
    internal const int RandomCases = 400;

    [Test]
    public void NBitcoinReadsOurSerializationAsTheSameTransaction()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var ours = RandomTransactions.Next(new Random(seed));
            byte[] bytes = ours.Serialize();
            var theirs = NBitcoinOracle.TryParseLegacy(bytes, out var error);
            Assert.That(theirs, Is.Not.Null, $"seed {seed}: NBitcoin refused our serialization: {error}");
            AssertSameTransaction(ours, theirs!, $"seed {seed}");
            Assert.That(NBitcoinOracle.SerializeLegacy(theirs!), Is.EqualTo(bytes), $"seed {seed}");
            Assert.That(NBitcoinOracle.Txid(theirs!), Is.EqualTo(ours.Txid), $"seed {seed}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(RandomCases));
    }

    [Test]
    public void WeReadNBitcoinsSerializationAsTheSameTransaction()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            // Built field by field through NBitcoin's own object model, not from our bytes.
            var random = new Random(seed);
            var template = RandomTransactions.Next(random);
            var theirs = Network.Main.CreateTransaction();
            theirs.Version = (uint)template.Version;
            theirs.LockTime = new LockTime(template.LockTime);
            foreach (var input in template.Inputs)
                theirs.Inputs.Add(new NBitcoin.TxIn(new NBitcoin.OutPoint(new uint256(input.Prevout.Txid.ToArray()), input.Prevout.Index), NBitcoin.Script.FromBytesUnsafe(input.ScriptSig))
                    { Sequence = new Sequence(input.Sequence) });
            foreach (var output in template.Outputs)
                theirs.Outputs.Add(new NBitcoin.TxOut(Money.Satoshis(output.Value), NBitcoin.Script.FromBytesUnsafe(output.ScriptPubKey)));

            byte[] bytes = NBitcoinOracle.SerializeLegacy(theirs);
            var ours = Ours.Transaction.Deserialize(bytes);
            AssertSameTransaction(ours, theirs, $"seed {seed}");
            Assert.That(ours.Serialize(), Is.EqualTo(bytes), $"seed {seed}");
            Assert.That(ours.Txid, Is.EqualTo(NBitcoinOracle.Txid(theirs)), $"seed {seed}");
            Assert.That(ours.SerializedSize, Is.EqualTo(bytes.Length), $"seed {seed}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(RandomCases));
    }

    public static IEnumerable<TestCaseData> CoreTransactionFiles() => [new("tx_valid.json"), new("tx_invalid.json")];

    [TestCaseSource(nameof(CoreTransactionFiles))]
    public void EveryNonWitnessCoreVectorRoundTripsWithNBitcoinsTxid(string file)
    {
        int compared = 0, witness = 0;
        foreach (var vector in BitcoinCoreVectors.Transactions(file))
        {
            if (NBitcoinOracle.HasWitness(vector.Transaction))
            {
                witness++; // segwit serialization: no such thing in TensorCash (see WeRefuseSegwitSerialization)
                continue;
            }
            string where = $"{file} row {vector.Row}";
            var theirs = NBitcoinOracle.TryParseLegacy(vector.Transaction, out var error);
            Assert.That(theirs, Is.Not.Null, $"{where}: {error}");
            var ours = Ours.Transaction.Deserialize(vector.Transaction);
            AssertSameTransaction(ours, theirs!, where);
            Assert.That(ours.Serialize(), Is.EqualTo(vector.Transaction), where);
            Assert.That(ours.Txid, Is.EqualTo(NBitcoinOracle.Txid(theirs!)), where);
            compared++;
        }
        TestContext.Out.WriteLine($"{file}: {compared} non-witness transactions compared, {witness} witness transactions skipped");
        Assert.That(compared, Is.GreaterThan(file == "tx_valid.json" ? 90 : 70), "the fixture lost its vectors");
    }

    [Test]
    public void WeRefuseSegwitSerialization()
    {
        // Core's segwit vectors start with the marker 0x00 and flag 0x01. Bitcoin's witness-free reader, like ours, reads
        // the marker as an empty input list; we then refuse what follows, so no witness transaction decodes here.
        int refused = 0;
        foreach (var vector in BitcoinCoreVectors.Transactions("tx_valid.json").Where(v => NBitcoinOracle.HasWitness(v.Transaction)))
        {
            Assert.That(vector.Transaction[4], Is.EqualTo(0x00), $"row {vector.Row}: marker");
            Assert.Throws<ChainFormatException>(() => Ours.Transaction.Deserialize(vector.Transaction), $"row {vector.Row}");
            refused++;
        }
        Assert.That(refused, Is.GreaterThan(10));
    }

    [Test]
    public void ScriptsLongerThan10000BytesAreReadByBitcoinButRefusedByUs()
    {
        // Documented difference (chain.md, "Differences from Bitcoin, found by differential testing"): Bitcoin's
        // format has no script length cap (a longer scriptPubKey is merely unspendable); ours refuses to decode one.
        foreach (int length in new[] { 10_000, 10_001 })
        {
            var tx = new Ours.Transaction(1, [new Ours.TxIn(new Ours.OutPoint(default, 0), [])], [new Ours.TxOut(0, new byte[length])], 0);
            byte[] bytes = tx.Serialize();
            Assert.That(NBitcoinOracle.TryParseLegacy(bytes, out _), Is.Not.Null);
            if (length <= 10_000)
                Assert.That(Ours.Transaction.Deserialize(bytes).Txid, Is.EqualTo(tx.Txid));
            else
                Assert.That(Assert.Throws<ChainFormatException>(() => Ours.Transaction.Deserialize(bytes))!.Message, Does.Contain("scriptPubKey"));
        }
    }

    private static void AssertSameTransaction(Ours.Transaction ours, NBitcoin.Transaction theirs, string where)
    {
        Assert.That(theirs.Version, Is.EqualTo((uint)ours.Version), $"{where}: version");
        Assert.That(theirs.LockTime.Value, Is.EqualTo(ours.LockTime), $"{where}: lock time");
        Assert.That(theirs.Inputs.Count, Is.EqualTo(ours.Inputs.Count), $"{where}: input count");
        Assert.That(theirs.Outputs.Count, Is.EqualTo(ours.Outputs.Count), $"{where}: output count");
        for (int i = 0; i < ours.Inputs.Count; i++)
        {
            var (a, b) = (ours.Inputs[i], theirs.Inputs[i]);
            Assert.That(b.PrevOut.Hash.ToBytes(lendian: true), Is.EqualTo(a.Prevout.Txid.ToArray()), $"{where}: input {i} prevout txid");
            Assert.That(b.PrevOut.N, Is.EqualTo(a.Prevout.Index), $"{where}: input {i} prevout index");
            Assert.That(b.ScriptSig.ToBytes(true), Is.EqualTo(a.ScriptSig), $"{where}: input {i} scriptSig");
            Assert.That((uint)b.Sequence, Is.EqualTo(a.Sequence), $"{where}: input {i} sequence");
        }
        for (int i = 0; i < ours.Outputs.Count; i++)
        {
            Assert.That(theirs.Outputs[i].Value.Satoshi, Is.EqualTo(ours.Outputs[i].Value), $"{where}: output {i} value");
            Assert.That(theirs.Outputs[i].ScriptPubKey.ToBytes(true), Is.EqualTo(ours.Outputs[i].ScriptPubKey), $"{where}: output {i} script");
        }
    }
}
