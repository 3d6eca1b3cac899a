using System.Numerics;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using static TensorCash.Tests.Chain.Registry.RegistryFixtures;

namespace TensorCash.Tests.Chain.Registry;

/// <summary>
/// Support, lock-in, activation, expiry, dormancy and the contextual registration rules on regtest's parameters
/// (P 8, threshold 6, window 32, challenge period 16, dormancy 1000).
/// </summary>
public class RegistryLifecycleTests
{
    private static readonly RegistryParams P = Regtest.Registry;

    /// <summary>A registry after height <paramref name="height"/> with <paramref name="model"/> registered in block 1 and fully signalled since.</summary>
    private static ModelRegistry ActivatedAt24(CommittedModel model, out RegistrationAction registration)
    {
        registration = Register(Registration(model));
        var registry = ModelRegistry.Genesis(Regtest).Next(actions: registration);
        return registry.AdvanceTo(23, signal: [0]);
    }

    /// <summary>A header at <paramref name="height"/> on <paramref name="model"/> with the targets <paramref name="registry"/> gives it, ground until it meets them.</summary>
    private static (BlockHeader Header, HeaderContext Context) Mine(ModelRegistry registry, Hash256 model, int height)
    {
        var parent = Regtest.Genesis.Header;
        var context = new HeaderContext(height, parent, parent.Time, parent.Time + 1000);
        uint bits = TargetCalculator.NextBits(context, Regtest);
        ulong difficulty = registry.Find(model)?.Difficulty ?? ChainParams.StandardModelNormaliser;
        uint adjBits = TargetCalculator.AdjustedBits(bits, difficulty, Regtest);
        var tick = BlockVdf.Evaluate(parent.Hash, Regtest);
        var header = new BlockHeader(1, parent.Hash, Hashes.Sha256d([7]), parent.Time + 120, bits, adjBits, model, tick.Output, tick.Ticks, Hash256.Zero, 0);
        BigInteger target = CompactBits.DecodeTarget(adjBits)!.Value;
        while (header.Hash.ToBigInteger() > target) header = header with { Nonce = header.Nonce + 1 };
        return (header, context);
    }

    private static string? HeaderReason(ModelRegistry registry, Hash256 model)
    {
        var (header, context) = Mine(registry, model, registry.Height + 1);
        return HeaderRules.Check(header, BlockVdf.Evaluate(header.PrevBlock, Regtest).Evidence, context, Regtest, registry)?.Reason;
    }

    [Test]
    public void GenesisHoldsTheGenesisTableActive()
    {
        var registry = ModelRegistry.Genesis(Regtest);
        Assert.That(registry.Height, Is.Zero);
        var tiny = registry.Find(Tiny)!;
        Assert.That((tiny.Status, tiny.StatusReason, tiny.IsGenesis, tiny.Name), Is.EqualTo((ModelStatus.Active, "genesis", true, "builtin:tiny")));
        Assert.That(registry.ActiveModel(Tiny), Is.EqualTo(Regtest.Models[Tiny]));
        Assert.That(registry.Entries, Has.Count.EqualTo(1));
        Assert.That(registry.Pending, Is.Empty);
        Assert.That(registry.CheckModel(Tiny), Is.Null);
        Assert.That(registry.CheckModel(Hashes.Sha256d([1]))?.Reason, Is.EqualTo("bad-model"));
    }

    [Test]
    public void SignalVersionsCarryTheSlotBits()
    {
        Assert.That(ModelRegistry.SignalVersion([]), Is.EqualTo(0x20000000));
        Assert.That(ModelRegistry.SignalVersion([0, 3, 15]), Is.EqualTo(0x20008009));
        Assert.That(ModelRegistry.SignalledSlots(0x20008009), Is.EqualTo(new[] { 0, 3, 15 }));
        Assert.That(ModelRegistry.SignalledSlots(0x00008009), Is.Empty, "top bits 000: not signalling");
        Assert.That(ModelRegistry.SignalledSlots(unchecked((int)0x60000001)), Is.Empty, "top bits 011: not signalling");
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelRegistry.SignalVersion([29]));
    }

    [Test]
    public void RegisterSignalLockInActivateAndMine()
    {
        var model = Commit();
        var genesis = ModelRegistry.Genesis(Regtest);
        Assert.That(HeaderReason(genesis, model.ModelId), Is.EqualTo("bad-model"), "unknown before registration");

        var registration = Register(Registration(model));
        var registry = genesis.Next(actions: registration);
        var entry = registry.Find(model.ModelId)!;
        Assert.That((entry.Status, entry.StatusReason, entry.SignalSlot, entry.RegisteredHeight), Is.EqualTo((ModelStatus.Pending, "registered", (int?)0, 1)));
        Assert.That(entry.Difficulty, Is.EqualTo(ModelCost.Difficulty(entry.Cost, Regtest)));
        Assert.That(entry.Difficulty, Is.GreaterThan(ChainParams.StandardModelNormaliser), "a smaller model than tiny gets a harder target");
        Assert.That(registry.Pending.Select(e => e.ModelId), Is.EqualTo(new[] { model.ModelId }));
        Assert.That(HeaderReason(registry, model.ModelId), Is.EqualTo("bad-model-inactive"));

        // Period 0 ([0, 7]) began before the registration: its signals are counted but cannot lock the model in.
        registry = registry.AdvanceTo(6, signal: [0]);
        Assert.That(registry.Find(model.ModelId)!.SignalCount, Is.EqualTo(5));
        registry = registry.Next(signal: [0]);
        Assert.That(registry.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Pending));
        Assert.That(registry.Find(model.ModelId)!.SignalCount, Is.Zero, "counts reset at the period's end");

        // Period 1 ([8, 15]): 6 of 8 blocks signal, exactly the threshold.
        registry = registry.AdvanceTo(9).AdvanceTo(15, signal: [0]);
        entry = registry.Find(model.ModelId)!;
        Assert.That((entry.Status, entry.StatusReason, entry.StatusHeight, entry.SignalSlot), Is.EqualTo((ModelStatus.LockedIn, "locked-in", 16, (int?)0)));
        Assert.That(HeaderReason(registry, model.ModelId), Is.EqualTo("bad-model-inactive"), "locked in is not active yet");
        Assert.That(registry.Pending, Is.Empty, "a locked-in model needs no more signals");

        // Period 2 ([16, 23]) passes; the model is active from 24 and frees its slot.
        var before = registry.AdvanceTo(22);
        Assert.That(HeaderReason(before, model.ModelId), Is.EqualTo("bad-model-inactive"), "block 23 may not run it");
        registry = before.Next();
        entry = registry.Find(model.ModelId)!;
        Assert.That((entry.Status, entry.StatusReason, entry.ActivationHeight, entry.SignalSlot, entry.DepositReleaseHeight),
            Is.EqualTo((ModelStatus.Active, "activated", (int?)24, (int?)null, (int?)(24 + P.ChallengeBlocks))));
        Assert.That(registry.SlotHolder(0), Is.Null);
        Assert.That(HeaderReason(registry, model.ModelId), Is.Null, "block 24 runs it, with nAdjBits from its D_m");
        Assert.That(registry.ActiveModel(model.ModelId)!.Profile, Is.EqualTo(Profile()));

        // Block 24 on it records its height (dormancy counts from there).
        registry = registry.Next(model: model.ModelId);
        Assert.That(registry.Find(model.ModelId)!.LastBlockHeight, Is.EqualTo(24));
    }

    [Test]
    public void ABlockOnAnInactiveModelIsRejectedByTheTransitionToo()
    {
        var model = Commit();
        var registry = ModelRegistry.Genesis(Regtest).Next(actions: Register(Registration(model)));
        var (next, violation) = RegistryRules.Apply(registry, Header(model: model.ModelId), 2, [], Regtest);
        Assert.That(violation?.Reason, Is.EqualTo("bad-model-inactive"));
        Assert.That(next, Is.SameAs(registry));
        Assert.Throws<ArgumentException>(() => RegistryRules.Apply(registry, Header(), 3, [], Regtest), "heights must follow");
    }

    [Test]
    public void FiveSignalsOfEightDoNotLockIn()
    {
        var model = Commit();
        var registry = ModelRegistry.Genesis(Regtest).Next(actions: Register(Registration(model))).AdvanceTo(10).AdvanceTo(15, signal: [0]);
        Assert.That(registry.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Pending));
    }

    [Test]
    public void WithoutSupportAModelExpiresAfterTheWindowAndReleasesItsDeposit()
    {
        var model = Commit();
        var registration = Register(Registration(model));
        var registry = ModelRegistry.Genesis(Regtest).Next(actions: registration);
        Assert.That(registry.CheckDepositSpend(registration.Deposit, 2)?.Reason, Is.EqualTo("bad-txns-deposit-locked"));

        // Registered at 1, window 32: the first period end with h + 1 - 1 >= 32 is h = 39.
        registry = registry.AdvanceTo(38);
        Assert.That(registry.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Pending));
        Assert.That(registry.CheckDepositSpend(registration.Deposit, 38)?.Reason, Is.EqualTo("bad-txns-deposit-locked"));
        registry = registry.Next();
        var entry = registry.Find(model.ModelId)!;
        Assert.That((entry.Status, entry.StatusReason, entry.StatusHeight, entry.SignalSlot, entry.DepositReleaseHeight),
            Is.EqualTo((ModelStatus.Expired, "expired-no-support", 40, (int?)null, (int?)40)));
        Assert.That(registry.CheckDepositSpend(registration.Deposit, 39)?.Reason, Is.EqualTo("bad-txns-deposit-locked"), "in block 39 itself");
        Assert.That(registry.CheckDepositSpend(registration.Deposit, 40), Is.Null, "from block 40");
        Assert.That(registry.SlotHolder(0), Is.Null);

        // It may be registered again: a fresh entry with a fresh deposit; the old one stays spendable.
        var again = Register(Registration(model), deposit: Deposit + 1);
        registry = registry.Next(actions: again);
        entry = registry.Find(model.ModelId)!;
        Assert.That((entry.Status, entry.RegisteredHeight, entry.DepositOutPoint), Is.EqualTo((ModelStatus.Pending, 40, (TensorCash.Chain.Transactions.OutPoint?)again.Deposit)));
        Assert.That(registry.CheckDepositSpend(registration.Deposit, 40), Is.Null);
        Assert.That(registry.CheckDepositSpend(again.Deposit, 40)?.Reason, Is.EqualTo("bad-txns-deposit-locked"));
    }

    [Test]
    public void SlotsRunOutAtSixteenAndAFreedSlotStartsFromZero()
    {
        var sixteen = Enumerable.Range(0, P.MaxPendingModels).Select(i => Register(Registration(Commit(seed: 100 + i), $"m{i}"))).ToArray();
        var registry = ModelRegistry.Genesis(Regtest).Next(actions: sixteen);
        Assert.That(registry.Pending.Select(e => e.SignalSlot), Is.EqualTo(Enumerable.Range(0, 16).Select(s => (int?)s)));
        var seventeenth = Register(Registration(Commit(seed: 99), "m16"));
        var violation = registry.Violation(seventeenth);
        Assert.That(violation?.Reason, Is.EqualTo("bad-reg-no-slot"));
        Assert.That(ModelRegistry.Genesis(Regtest).Violation([.. sixteen, seventeenth])?.Reason, Is.EqualTo("bad-reg-no-slot"), "in one block too");

        // Slot 0's model gets 5 signals a period (never enough) and expires at 40 with the rest; block 40 signals slot 0
        // while nobody holds it; block 41 registers a new model, which takes slot 0 and inherits nothing.
        for (int h = 2; h <= 39; h++) registry = registry.Next(signal: h % 8 < 5 ? [0] : null);
        Assert.That(registry.Pending, Is.Empty, "all sixteen expired");
        Assert.That(registry.Find(sixteen[0].Registration.ModelId)!.Status, Is.EqualTo(ModelStatus.Expired));
        registry = registry.Next(signal: [0]);
        var late = Register(Registration(Commit(seed: 7), "late"));
        registry = registry.Next(signal: [0], actions: late);
        var entry = registry.Find(late.Registration.ModelId)!;
        Assert.That((entry.SignalSlot, entry.SignalCount), Is.EqualTo(((int?)0, 0)), "the registering block's own signal precedes it");
        registry = registry.AdvanceTo(47, signal: [0]);
        entry = registry.Find(late.Registration.ModelId)!;
        Assert.That((entry.Status, entry.SignalCount), Is.EqualTo((ModelStatus.Pending, 0)),
            "6 signals in the period it was registered in do not lock it in, and the count resets");
    }

    [Test]
    public void AnActiveModelNobodyMinesGoesDormantGenesisModelsNever()
    {
        var model = Commit();
        var registry = ActivatedAt24(model, out var registration);
        // Nobody runs it (every block runs builtin:tiny): dormant at the first period end with h + 1 - 24 >= 1000, h = 1023.
        registry = registry.AdvanceTo(1022);
        Assert.That(registry.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Active));
        registry = registry.Next();
        var entry = registry.Find(model.ModelId)!;
        Assert.That((entry.Status, entry.StatusReason, entry.StatusHeight), Is.EqualTo((ModelStatus.Deactivated, "deactivated-dormant", 1024)));
        Assert.That(registry.CheckModel(model.ModelId)?.Reason, Is.EqualTo("bad-model-inactive"));
        Assert.That(registry.CheckDepositSpend(registration.Deposit, 1024), Is.Null, "the challenge period ended long ago");

        // Dormancy is not fraud: it may be registered again.
        registry = registry.Next(actions: Register(Registration(model), deposit: Deposit + 5));
        Assert.That(registry.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Pending));

        // A model in use stays; genesis models stay active however long nobody runs them.
        var used = ActivatedAt24(model, out _).AdvanceTo(500, model: model.ModelId).AdvanceTo(1300);
        Assert.That(used.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Active), "last used at 500");
        used = used.AdvanceTo(1503);
        Assert.That(used.Find(model.ModelId)!.StatusReason, Is.EqualTo("deactivated-dormant"));
        var genesisIdle = ActivatedAt24(model, out _).AdvanceTo(1100, model: model.ModelId);
        Assert.That(genesisIdle.Find(Tiny)!.Status, Is.EqualTo(ModelStatus.Active));
    }

    [Test]
    public void BadRegDuplicate()
    {
        var model = Commit();
        var registration = Register(Registration(model));
        var genesis = ModelRegistry.Genesis(Regtest);
        Assert.That(genesis.Violation(registration, registration)?.Reason, Is.EqualTo("bad-reg-duplicate"), "twice in one block");
        var pending = genesis.Next(actions: registration);
        Assert.That(pending.Violation(Register(Registration(model), Deposit + 1))?.Reason, Is.EqualTo("bad-reg-duplicate"), "pending");
        var tinyAgain = Register(Registration(model) with { ModelId = Tiny });
        var violation = genesis.Violation(tinyAgain);
        Assert.That((violation?.Reason, violation?.Message), Is.EqualTo(("bad-reg-duplicate", violation?.Message)));
        Assert.That(violation!.Message, Does.Contain("genesis"));
        var active = ActivatedAt24(model, out _);
        Assert.That(active.Violation(Register(Registration(model), Deposit + 2))?.Reason, Is.EqualTo("bad-reg-duplicate"), "active");
    }

    [Test]
    public void ApplyIsPureAndSharesUnchangedEntries()
    {
        var model = Commit();
        var genesis = ModelRegistry.Genesis(Regtest);
        var next = genesis.Next(actions: Register(Registration(model)));
        Assert.That(genesis.Find(model.ModelId), Is.Null, "the parent is untouched");
        Assert.That(genesis.Height, Is.Zero);
        var again = RegistryRules.Apply(genesis, Header(), 1, [Register(Registration(model))], Regtest).Next;
        Assert.That(again.Find(model.ModelId), Is.EqualTo(next.Find(model.ModelId)), "same inputs, same entry");
        var later = next.Next();
        Assert.That(later.Find(model.ModelId), Is.SameAs(next.Find(model.ModelId)), "an entry no rule touched is shared, not copied");
    }
}
