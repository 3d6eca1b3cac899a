using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Chain.Script;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>Standard output templates ("scriptpubkey", Core's IsStandard on each output).</summary>
public class StandardOutputTests
{
    private static readonly byte[][] Keys = ScriptTestKit.PublicKeys;

    public static IEnumerable<TestCaseData> Standard()
    {
        yield return new TestCaseData(ScriptTemplates.PayToPubKeyHash(Hash160.Compute(Keys[0]))).SetName("P2PKH");
        yield return new TestCaseData(ScriptTemplates.PayToPubKey(Keys[0])).SetName("P2PK");
        yield return new TestCaseData(ScriptTemplates.Multisig(1, [Keys[0]])).SetName("1-of-1 multisig");
        yield return new TestCaseData(ScriptTemplates.Multisig(2, Keys)).SetName("2-of-3 multisig");
        yield return new TestCaseData(ScriptTemplates.Multisig(3, Keys)).SetName("3-of-3 multisig");
        yield return new TestCaseData(new byte[] { (byte)Opcode.OP_RETURN }).SetName("bare OP_RETURN");
        yield return new TestCaseData(ScriptTemplates.NullData(new byte[80])).SetName("OP_RETURN data");
        yield return new TestCaseData(ScriptTemplates.NullData(new byte[5_000])).SetName("large OP_RETURN data");
        yield return new TestCaseData(RegistryScripts.Build(RegistryOutputKind.Registration, new byte[300])).SetName("registry TCMR output");
        yield return new TestCaseData(RegistryScripts.Build(RegistryOutputKind.Challenge, new byte[300])).SetName("registry TCMC output");
    }

    public static IEnumerable<TestCaseData> NonStandard()
    {
        yield return new TestCaseData(new byte[] { (byte)Opcode.OP_1 }).SetName("OP_TRUE");
        yield return new TestCaseData(Array.Empty<byte>()).SetName("empty script");
        yield return new TestCaseData(SignatureHashCacheTests.AttackScript()).SetName("issue 12 attack script");
        byte[] fourKeys = [(byte)Opcode.OP_1, .. Keys.Concat([Keys[0]]).SelectMany(k => new byte[] { 33 }.Concat(k)), (byte)Opcode.OP_4, (byte)Opcode.OP_CHECKMULTISIG];
        yield return new TestCaseData(fourKeys).SetName("1-of-4 multisig");
        byte[] uncompressed = [65, 0x04, .. new byte[64], (byte)Opcode.OP_CHECKSIG];
        yield return new TestCaseData(uncompressed).SetName("uncompressed P2PK (unspendable here)");
        yield return new TestCaseData(ScriptTemplates.Sha256Hashlock(new byte[32])).SetName("hashlock");
        yield return new TestCaseData(ScriptTemplates.AbsoluteTimelock(10, new byte[20])).SetName("timelocked P2PKH");
        yield return new TestCaseData(new byte[] { (byte)Opcode.OP_RETURN, (byte)Opcode.OP_CHECKSIG }).SetName("OP_RETURN then an operation");
        byte[] badMultisig = [(byte)Opcode.OP_3, .. Keys.Take(2).SelectMany(k => new byte[] { 33 }.Concat(k)), (byte)Opcode.OP_2, (byte)Opcode.OP_CHECKMULTISIG];
        yield return new TestCaseData(badMultisig).SetName("3-of-2 multisig");
        byte[] p2pkhWithVerify = [.. ScriptTemplates.PayToPubKeyHash(new byte[20])[..^1], (byte)Opcode.OP_CHECKSIGVERIFY];
        yield return new TestCaseData(p2pkhWithVerify).SetName("P2PKH with CHECKSIGVERIFY");
    }

    [TestCaseSource(nameof(Standard))]
    public void IsStandard(byte[] script)
    {
        Assert.That(StandardnessRules.IsStandardOutputScript(script), Is.True);
        Assert.That(Offer(script, requireStandard: true).Rejection?.Reason, Is.Not.EqualTo(MempoolReasons.ScriptPubKey));
    }

    [TestCaseSource(nameof(NonStandard))]
    public void IsNotStandard(byte[] script)
    {
        Assert.That(StandardnessRules.IsStandardOutputScript(script), Is.False);
        var refused = Offer(script, requireStandard: true);
        Assert.That(refused.Rejection?.Reason, Is.EqualTo(MempoolReasons.ScriptPubKey), refused.Rejection?.ToString());
        Assert.That(Offer(script, requireStandard: false).Rejection?.Reason, Is.Not.EqualTo(MempoolReasons.ScriptPubKey));
    }

    [Test]
    public void SpendingANonStandardCoinIsRefusedWhereOutputsMustBeStandard()
    {
        var chain = new TestChain();
        var spend = new Transaction(1, [new TxIn(chain.Fund(1_000_000), [])], [new TxOut(100_000, ScriptTemplates.PayToPubKeyHash(new byte[20]))], 0);
        // The fixture's coins pay OP_TRUE: no standard template.
        var refused = chain.Offer(new TransactionPool(Parameters, requireStandardOutputs: true), spend);
        Assert.That(refused.Rejection?.Reason, Is.EqualTo(MempoolReasons.NonStandardInputs), refused.Rejection?.ToString());
        Assert.That(chain.Offer(new TransactionPool(Parameters, requireStandardOutputs: false), spend).Accepted, Is.True, "regtest's default relays it");
    }

    [Test]
    public void RegtestRelaysAnyOutputByDefaultOtherNetworksDoNot()
    {
        Assert.That(new TransactionPool(Parameters).RequireStandardOutputs, Is.False);
        Assert.That(new TransactionPool(TensorCash.Chain.Consensus.ChainParams.Main).RequireStandardOutputs, Is.True);
        Assert.That(new TransactionPool(TensorCash.Chain.Consensus.ChainParams.Testnet).RequireStandardOutputs, Is.True);
    }

    private static MempoolAcceptResult Offer(byte[] script, bool requireStandard)
    {
        var chain = new TestChain();
        var pool = new TransactionPool(Parameters, requireStandardOutputs: requireStandard);
        var tx = new Transaction(1, [new TxIn(chain.Fund(1_000_000), [])], [new TxOut(100_000, script)], 0);
        return chain.Offer(pool, tx);
    }
}
