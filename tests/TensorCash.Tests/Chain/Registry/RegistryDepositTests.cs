using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Proof.Models;
using static TensorCash.Tests.Chain.Ledger.LedgerFixtures;
using static TensorCash.Tests.Chain.Registry.RegistryFixtures;

namespace TensorCash.Tests.Chain.Registry;

/// <summary>
/// Deposits through the ledger: BlockConnector.Connect with the registry after the block refuses a spend of a locked
/// deposit ("bad-txns-deposit-locked") and accepts it once released.
/// </summary>
public class RegistryDepositTests
{
    /// <summary>Ledger parameters with room for a 1-coin deposit.</summary>
    private static readonly ChainParams Ledger = Params(maxMoney: 21_000_000L * 100_000_000);

    private static ConnectOutcome Connect(Block block, int height, MemoryCoinView view, ModelRegistry? registry) =>
        BlockConnector.Connect(block, height, view, Ledger, medianTimePastAtHeight: null, registry: registry);

    /// <summary>
    /// Block 1 registers a model from a funded coin; returns the view with it connected, the registration transaction
    /// and the registry after block 1 (from the block's own extracted actions; ledger fixture headers carry no model, so
    /// the transition gets a builtin:tiny header).
    /// </summary>
    private static (MemoryCoinView View, Transaction Registration, ModelRegistry Registry) RegisterInBlockOne(CommittedModel model)
    {
        var view = new MemoryCoinView();
        var registrationTx = RegistrationTx(Registration(model), funding: Fund(view, 2 * Deposit));
        var block = Block(Coinbase(1, 0), registrationTx);
        var (actions, violation) = RegistryActions.Extract(block, Regtest);
        Assert.That(violation, Is.Null);
        var registry = RegistryRules.Apply(ModelRegistry.Genesis(Regtest), Header(), 1, actions, Regtest);
        Assert.That(registry.Violation, Is.Null);
        var outcome = Connect(block, 1, view, registry.Next);
        Assert.That(outcome.Violation, Is.Null);
        view.Apply(outcome.Changes!);
        return (view, registrationTx, registry.Next);
    }

    private static Transaction SpendDeposit(Transaction registration) => Spend(new OutPoint(registration.Txid, 0), Deposit - 1000);

    [Test]
    public void ADepositCannotBeSpentInItsOwnBlock()
    {
        var view = new MemoryCoinView();
        var registrationTx = RegistrationTx(Registration(Commit()), funding: Fund(view, 2 * Deposit));
        var block = Block(Coinbase(1, 0), registrationTx, SpendDeposit(registrationTx));
        var (actions, _) = RegistryActions.Extract(block, Regtest);
        var after = RegistryRules.Apply(ModelRegistry.Genesis(Regtest), Header(), 1, actions, Regtest).Next;
        var violation = Connect(block, 1, view, after).Violation;
        Assert.That(violation?.Reason, Is.EqualTo("bad-txns-deposit-locked"));
        Assert.That(violation!.Message, Does.Contain(block.Transactions[2].Txid.ToString()));
        Assert.That(Connect(block, 1, view, registry: null).Violation, Is.Null, "without a registry the ledger alone allows it");
    }

    [Test]
    public void APendingDepositIsLockedAndAnExpiredOneReleased()
    {
        var model = Commit();
        var (view, registrationTx, registry) = RegisterInBlockOne(model);
        var pending = registry.AdvanceTo(2);
        Assert.That(Connect(Block(Coinbase(2, 0), SpendDeposit(registrationTx)), 2, view, pending).Violation?.Reason, Is.EqualTo("bad-txns-deposit-locked"));

        var expired = registry.AdvanceTo(39);
        Assert.That(expired.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Expired));
        Assert.That(Connect(Block(Coinbase(39, 0), SpendDeposit(registrationTx)), 39, view, expired).Violation?.Reason,
            Is.EqualTo("bad-txns-deposit-locked"), "expiry takes effect from block 40");
        var outcome = Connect(Block(Coinbase(40, 0), SpendDeposit(registrationTx)), 40, view, expired.Next());
        Assert.That(outcome.Violation, Is.Null);
        Assert.That(outcome.Changes!.Removed, Does.Contain(new OutPoint(registrationTx.Txid, 0)));
    }

    [Test]
    public void AnActiveDepositIsReleasedAfterTheChallengePeriod()
    {
        var model = Commit();
        var (view, registrationTx, registry) = RegisterInBlockOne(model);
        var active = registry.AdvanceTo(38, signal: [0]);
        Assert.That(active.Find(model.ModelId)!.ActivationHeight, Is.EqualTo(24));
        Assert.That(Connect(Block(Coinbase(39, 0), SpendDeposit(registrationTx)), 39, view, active.Next()).Violation?.Reason,
            Is.EqualTo("bad-txns-deposit-locked"), "24 + 16 = 40");
        Assert.That(Connect(Block(Coinbase(40, 0), SpendDeposit(registrationTx)), 40, view, active.AdvanceTo(40)).Violation, Is.Null);
    }

    [Test]
    public void AForfeitedDepositIsLockedForever()
    {
        var model = Commit(edit: (i, leaf) => leaf.Role == "layers.0.w_down" ? leaf with { DataHash = TensorDataHash.OfZeros(leaf.ByteLength) } : leaf);
        var (view, registrationTx, registry) = RegisterInBlockOne(model);
        var challengeTx = ChallengeTx(new ModelFraudProof(model.ModelId, FraudKind.ZeroTensor, model.Inclusion("layers.0.w_down")), Fund(view, 5000));
        // The challenge and a spend of the deposit race in one block: the registry after the block has it forfeited.
        var race = Block(Coinbase(2, 0), SpendDeposit(registrationTx), challengeTx);
        var (actions, violation) = RegistryActions.Extract(race, Regtest);
        Assert.That(violation, Is.Null);
        var after = RegistryRules.Apply(registry, Header(), 2, actions, Regtest);
        Assert.That(after.Violation, Is.Null);
        Assert.That(after.Next.Find(model.ModelId)!.DepositForfeited, Is.True);
        Assert.That(Connect(race, 2, view, after.Next).Violation?.Reason, Is.EqualTo("bad-txns-deposit-locked"));

        var muchLater = after.Next.AdvanceTo(2000);
        var violationLater = Connect(Block(Coinbase(2001, 0), SpendDeposit(registrationTx)), 2001, view, muchLater.Next()).Violation;
        Assert.That(violationLater?.Reason, Is.EqualTo("bad-txns-deposit-locked"));
        Assert.That(violationLater!.Message, Does.Contain("forfeited"));
    }

    [Test]
    public void OtherCoinsAreUnaffected()
    {
        var (view, _, registry) = RegisterInBlockOne(Commit());
        var coin = Fund(view, 5000);
        Assert.That(Connect(Block(Coinbase(2, 0), Spend(coin, 4000)), 2, view, registry.Next()).Violation, Is.Null);
        Assert.That(registry.CheckDepositSpend(coin, 2), Is.Null);
    }
}
