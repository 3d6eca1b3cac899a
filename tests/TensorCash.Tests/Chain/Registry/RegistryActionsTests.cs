using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Proof.Models;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;
using static TensorCash.Tests.Chain.Registry.RegistryFixtures;

namespace TensorCash.Tests.Chain.Registry;

/// <summary>Finding registry outputs in transactions and blocks, and every stateless reason (registry.md §2, §4).</summary>
public class RegistryActionsTests
{
    private static (RegistryAction? Action, RuleViolation? Violation) Extract(Transaction tx) => RegistryActions.ExtractFromTransaction(tx, Regtest);

    private static string? Reason(Transaction tx) => Extract(tx).Violation?.Reason;

    private static string? Reason(ModelRegistration registration) => Reason(RegistrationTx(registration));

    [Test]
    public void AValidRegistrationIsFound()
    {
        var model = Commit();
        var registration = Registration(model);
        var tx = RegistrationTx(registration);
        var (action, violation) = Extract(tx);
        Assert.That(violation, Is.Null);
        var found = (RegistrationAction)action!;
        Assert.That(found.Registration, Is.EqualTo(registration));
        Assert.That((found.Txid, found.Deposit, found.DepositValue), Is.EqualTo((tx.Txid, new OutPoint(tx.Txid, 0), Deposit)));
    }

    [Test]
    public void OrdinaryTransactionsAndOtherOpReturnsAreIgnored()
    {
        Assert.That(Extract(Tx(null, new TxOut(5, OpTrue))), Is.EqualTo(((RegistryAction?)null, (RuleViolation?)null)));
        var otherTag = new ScriptBuilder().Op(Opcode.OP_RETURN).Push("TCXX"u8).Push(new byte[80]).ToArray();
        var nonMinimalTag = new byte[] { 0x6a, 0x4c, 0x04, (byte)'T', (byte)'C', (byte)'M', (byte)'R', 0x01, 0x00 };
        var plainData = ScriptTemplates.NullData(new byte[40]);
        foreach (var script in new[] { otherTag, nonMinimalTag, plainData, [0x6a] })
        {
            Assert.That(RegistryScripts.Classify(script), Is.EqualTo(RegistryOutputKind.None));
            Assert.That(Extract(Tx(null, new TxOut(5, OpTrue), new TxOut(0, script))).Violation, Is.Null);
        }
    }

    [Test]
    public void ScriptsCarryExactlyOneMinimalPush()
    {
        var model = Commit();
        byte[] payload = Registration(model).Encode();
        byte[] script = RegistryScripts.ForRegistration(Registration(model));
        Assert.That(RegistryScripts.Classify(script), Is.EqualTo(RegistryOutputKind.Registration));
        Assert.That(RegistryScripts.TryGetPayload(script, out var back), Is.True);
        Assert.That(back, Is.EqualTo(payload));

        // The payload (under 256 bytes) in a PUSHDATA2 instead of PUSHDATA1 is not minimal.
        Assert.That(payload.Length, Is.InRange(76, 255));
        byte[] prefix = [0x6a, 0x04, .. "TCMR"u8];
        byte[] nonMinimal = [.. prefix, 0x4d, (byte)payload.Length, 0, .. payload];
        byte[] trailingOp = [.. script, 0x51];
        byte[] truncated = script[..^1];
        byte[] noPayload = prefix;
        byte[] opcodeNotPush = [.. prefix, 0x51];
        foreach (var (name, bad) in new[] { ("non-minimal", nonMinimal), ("trailing op", trailingOp), ("truncated", truncated), ("no payload", noPayload), ("not a push", opcodeNotPush) })
        {
            Assert.That(RegistryScripts.TryGetPayload(bad, out _), Is.False, name);
            Assert.That(Reason(Tx(null, new TxOut(Deposit, OpTrue), new TxOut(0, bad))), Is.EqualTo("bad-reg-encoding"), name);
        }
        byte[] challengeNoPayload = [0x6a, 0x04, .. "TCMC"u8];
        Assert.That(Reason(Tx(null, new TxOut(0, challengeNoPayload))), Is.EqualTo("bad-challenge-encoding"));
    }

    [Test]
    public void BadRegEncoding()
    {
        var payload = Registration(Commit()).Encode();
        var tx = Tx(null, new TxOut(Deposit, OpTrue), new TxOut(0, RegistryScripts.Build(RegistryOutputKind.Registration, payload[..^1])));
        var violation = Extract(tx).Violation!;
        Assert.That(violation.Reason, Is.EqualTo("bad-reg-encoding"));
        Assert.That(violation.Message, Does.Contain(tx.Txid.ToString()));
    }

    [TestCase("", TestName = "BadRegMetadata(empty name)")]
    [TestCase("a name that is much too long for any registry entry: sixty-five c", TestName = "BadRegMetadata(65 characters)")]
    [TestCase("tab\tname", TestName = "BadRegMetadata(control character)")]
    [TestCase("caf\u00e9", TestName = "BadRegMetadata(not ASCII)")]
    public void BadRegMetadata(string name) => Assert.That(Reason(Registration(Commit(), name)), Is.EqualTo("bad-reg-metadata"));

    [Test]
    public void BadRegMetadataInRepositoryOrCommit()
    {
        var registration = Registration(Commit());
        Assert.That(Reason(registration with { Repository = new string('r', 129) }), Is.EqualTo("bad-reg-metadata"));
        Assert.That(Reason(registration with { Repository = "line\nbreak" }), Is.EqualTo("bad-reg-metadata"));
        Assert.That(Reason(registration with { Commit = new byte[65] }), Is.EqualTo("bad-reg-metadata"));
        Assert.That(Reason(registration with { Name = new string('n', 64), Repository = new string('r', 128), Commit = new byte[64] }), Is.Null, "the limits themselves are fine");
    }

    [Test]
    public void BadRegArchitecture()
    {
        // An unknown weight dtype, and Q8_0 for a model whose FFN rows (48) are not whole blocks of 32.
        var model = Commit();
        Assert.That(Reason(Registration(model) with { WeightDType = 4 }), Is.EqualTo("bad-reg-architecture"));
        var odd = Commit(SmallDescriptor(ffn: 48), WeightDTypes.F32);
        Assert.That(Reason(Registration(odd)), Is.Null, "F32 is fine");
        Assert.That(Reason(Registration(odd) with { WeightDType = WeightDTypes.Q8_0 }), Is.EqualTo("bad-reg-architecture"));
        // A descriptor that fails validation inside the payload bytes.
        var registration = Registration(model);
        byte[] payload = registration.Encode();
        int at = 1 + 1 + registration.Name.Length + 1 + registration.Repository.Length + 1 + registration.Commit.Length + 32 + 2;
        payload[at + 1] = 0; // layer count 0 (little-endian low byte of 2)
        Assert.That(Reason(Tx(null, new TxOut(Deposit, OpTrue), new TxOut(0, RegistryScripts.Build(RegistryOutputKind.Registration, payload)))),
            Is.EqualTo("bad-reg-architecture"));
    }

    [Test]
    public void BadRegModelId()
    {
        var model = Commit();
        Assert.That(Reason(Registration(model) with { ModelId = Hashes.Sha256d([1]) }), Is.EqualTo("bad-reg-model-id"));
        Assert.That(Reason(Registration(model) with { TensorRoot = Hashes.Sha256d([2]) }), Is.EqualTo("bad-reg-model-id"), "the id commits to the root");
        Assert.That(Reason(Registration(model) with { Descriptor = model.Descriptor with { MaxSequenceLength = 4096 } }), Is.EqualTo("bad-reg-model-id"),
            "and to every descriptor field");
    }

    [Test]
    public void BadRegProfile()
    {
        var model = Commit();
        Assert.That(Reason(Registration(model, profile: Profile(vocab: 65))), Is.EqualTo("bad-reg-profile"), "vocabulary differs from the descriptor's");
        int salt = MinimumSalt(64);
        var shortContext = Commit(SmallDescriptor() with { MaxSequenceLength = 1024 + salt + 15 });
        Assert.That(Reason(Registration(shortContext)), Is.EqualTo("bad-reg-profile"), "prompt cap + salt + window exceeds the positions");
        var exact = Commit(SmallDescriptor() with { MaxSequenceLength = 1024 + salt + 16 });
        Assert.That(Reason(Registration(exact)), Is.Null, "exactly fitting is fine");
        // Profile bytes that do not decode (precision tag 9).
        byte[] payload = Registration(model).Encode();
        payload[^TensorCash.Proof.Transcript.TranscriptCodec.ProfileBytes] = 9;
        Assert.That(Reason(Tx(null, new TxOut(Deposit, OpTrue), new TxOut(0, RegistryScripts.Build(RegistryOutputKind.Registration, payload)))),
            Is.EqualTo("bad-reg-profile"));
    }

    [Test]
    public void BadRegProfileBelowTheSecurityFloor()
    {
        var model = Commit();
        Assert.That(MinimumSalt(64), Is.EqualTo(11), "64^11 = 2^66 is the first power of 64 at or above 2^64");
        Assert.That(Reason(Registration(model, profile: Profile(salt: 10))), Is.EqualTo("bad-reg-profile"), "64^10 = 2^60 salts can be ground (security.md §6)");
        Assert.That(Reason(Registration(model, profile: Profile(window: 32))), Is.EqualTo("bad-reg-profile"), "regtest mines 16-token windows only");
        Assert.That(Reason(Registration(model, profile: Profile(ceilingQ32: 1UL << 32))), Is.EqualTo("bad-reg-profile"), "a ceiling of 1 disables the entropy rule");
        Assert.That(Reason(Registration(model, profile: Profile(topK: 0))), Is.EqualTo("bad-reg-profile"), "unlimited top-k");
        Assert.That(Reason(Registration(model, profile: Profile())), Is.Null, "the floor itself is fine");
    }

    [Test]
    public void BadRegDeposit()
    {
        var registration = Registration(Commit());
        Assert.That(Reason(RegistrationTx(registration, deposit: Regtest.Registry.MinimumDeposit - 1)), Is.EqualTo("bad-reg-deposit"));
        Assert.That(Reason(RegistrationTx(registration, deposit: Regtest.Registry.MinimumDeposit)), Is.Null);
        byte[] script = RegistryScripts.ForRegistration(registration);
        Assert.That(Reason(Tx(null, new TxOut(Deposit, script))), Is.EqualTo("bad-reg-deposit"), "the registration output itself at index 0");
        Assert.That(Reason(Tx(null, new TxOut(Deposit, ScriptTemplates.NullData([1])), new TxOut(0, script))), Is.EqualTo("bad-reg-deposit"), "an OP_RETURN deposit");
        Assert.That(Reason(Tx(null, new TxOut(Deposit, new byte[10_001]), new TxOut(0, script))), Is.EqualTo("bad-reg-deposit"), "an unspendably long deposit script");
    }

    [Test]
    public void BadRegMultiple()
    {
        var model = Commit();
        byte[] registration = RegistryScripts.ForRegistration(Registration(model));
        byte[] challenge = RegistryScripts.ForChallenge(new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(0)));
        Assert.That(Reason(Tx(null, new TxOut(Deposit, OpTrue), new TxOut(0, registration), new TxOut(0, registration))), Is.EqualTo("bad-reg-multiple"));
        Assert.That(Reason(Tx(null, new TxOut(Deposit, OpTrue), new TxOut(0, registration), new TxOut(0, challenge))), Is.EqualTo("bad-reg-multiple"));
        Assert.That(Reason(Tx(null, new TxOut(0, challenge), new TxOut(0, challenge))), Is.EqualTo("bad-reg-multiple"));
    }

    [Test]
    public void BadRegCoinbase()
    {
        var model = Commit();
        var coinbase = Coinbase(1, [new TxOut(0, OpTrue), new TxOut(0, RegistryScripts.ForRegistration(Registration(model)))]);
        Assert.That(Reason(coinbase), Is.EqualTo("bad-reg-coinbase"));
        var (actions, violation) = RegistryActions.Extract(Block(coinbase), Regtest);
        Assert.That((actions, violation?.Reason), Is.EqualTo((Array.Empty<RegistryAction>(), "bad-reg-coinbase")));
    }

    [Test]
    public void BadRegAuditIsUnreachableForADescriptorThatValidates()
    {
        // The architecture audit returns no finite cost only for what the earlier checks reject (an invalid descriptor or
        // an unknown dtype) or a cost beyond 2^64, which ModelCostTests shows no valid descriptor reaches. The reason
        // stays in the rules as a guard should the limits ever grow.
        Assert.That(ModelCost.CostUnits(SmallDescriptor() with { HeadCount = 3, KvHeadCount = 2 }, WeightDTypes.F32, Profile()), Is.Zero);
        Assert.That(RegistrationRules.Check(Registration(Commit()), Regtest), Is.Null);
    }

    [Test]
    public void ChallengesAreFoundAndCountedPerBlock()
    {
        var model = Commit();
        var proof = new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(0));
        var (action, violation) = Extract(ChallengeTx(proof));
        Assert.That(violation, Is.Null);
        Assert.That(((ChallengeAction)action!).Proof.Encode(), Is.EqualTo(proof.Encode()));

        var four = Enumerable.Range(0, Regtest.Registry.MaxChallengesPerBlock).Select(_ => ChallengeTx(proof)).ToArray();
        var (actions, fine) = RegistryActions.Extract(BlockOf(four), Regtest);
        Assert.That((actions.Count, fine), Is.EqualTo((4, (RuleViolation?)null)));
        var (none, tooMany) = RegistryActions.Extract(BlockOf([.. four, ChallengeTx(proof)]), Regtest);
        Assert.That((none.Count, tooMany?.Reason), Is.EqualTo((0, "bad-challenge-count")));
    }

    [Test]
    public void BadChallengeEncoding()
    {
        var model = Commit();
        byte[] payload = new ModelFraudProof(model.ModelId, FraudKind.Layout, model.Inclusion(1), LeafCount: 5).Encode();
        var tx = Tx(null, new TxOut(0, RegistryScripts.Build(RegistryOutputKind.Challenge, payload[..^1])));
        Assert.That(Reason(tx), Is.EqualTo("bad-challenge-encoding"));
        var (_, violation) = RegistryActions.Extract(BlockOf(tx), Regtest);
        Assert.That(violation?.Reason, Is.EqualTo("bad-challenge-encoding"));
    }

    [Test]
    public void ABlocksActionsComeInTransactionOrder()
    {
        var first = Registration(Commit(seed: 1), "first");
        var second = Registration(Commit(seed: 2), "second");
        var model = Commit(seed: 3);
        var challenge = ChallengeTx(new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(0)));
        var block = BlockOf(RegistrationTx(second), Tx(null, new TxOut(1, OpTrue)), challenge, RegistrationTx(first));
        var (actions, violation) = RegistryActions.Extract(block, Regtest);
        Assert.That(violation, Is.Null);
        Assert.That(actions.Select(a => a.Txid), Is.EqualTo(new[] { block.Transactions[1].Txid, challenge.Txid, block.Transactions[4].Txid }));
        Assert.That(RegistryActions.Decode(RegistryActions.Encode(actions)).Select(a => a.GetType()), Is.EqualTo(actions.Select(a => a.GetType())));
    }
}
