using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Storage;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node.Registry;

/// <summary>
/// The chainstate keeps the model registry: one snapshot per stored block, derived from its parent's, persisted as the
/// blocks' actions and rebuilt at start. Regtest: signal period 8, threshold 6, window 32. Blocks are crafted (no proof;
/// the proof hook records the model it is handed and accepts).
/// </summary>
public class RegistryChainStateTests
{
    private static readonly int Signal0 = ModelRegistry.SignalVersion([0]);
    private static readonly int NoSignal = ModelRegistry.SignalVersion([]);

    private ScratchDirectory _scratch = null!;
    private readonly List<(int Height, RegisteredModel Model)> _hooked = [];

    [SetUp]
    public void CreateScratch()
    {
        _scratch = new ScratchDirectory();
        _hooked.Clear();
    }

    [TearDown]
    public void DeleteScratch() => _scratch.Dispose();

    private ChainState Open() => new(_scratch.Path, TestModel.Parameters, (_, height, model) =>
    {
        lock (_hooked) _hooked.Add((height, model));
        return null;
    });

    private static BlockAcceptResult Accept(ChainState chain, Block block) => chain.AcceptBlock(block, RegtestChain.Now);

    private static void AcceptAll(ChainState chain, IEnumerable<Block> blocks)
    {
        foreach (var block in blocks)
        {
            var result = Accept(chain, block);
            Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain).Or.EqualTo(BlockAcceptStatus.SideChain), result.ToString());
        }
    }

    /// <summary>100 empty blocks (coinbase 1 matures for block 101), then the registration of <paramref name="model"/> at 101.</summary>
    private static (RegtestChain Chain, Transaction Registration) Registered(TestModel model)
    {
        var chain = new RegtestChain().MineEmpty(100);
        var registration = model.RegistrationTx(chain.Coinbase(1));
        chain.Mine(registration);
        return (chain, registration);
    }

    [Test]
    public void AModelIsRegisteredSignalledLockedInAndActivatedAndOnlyThenMined()
    {
        var model = TestModel.Create("alpha", 1);
        var (blocks, registration) = Registered(model);
        using var chain = Open();
        AcceptAll(chain, blocks.Blocks.Skip(1));

        var entry = chain.Registry.Find(model.Id)!;
        Assert.That(entry.Status, Is.EqualTo(ModelStatus.Pending));
        Assert.That(entry.RegisteredHeight, Is.EqualTo(101));
        Assert.That(entry.SignalSlot, Is.EqualTo(0));
        Assert.That(entry.DepositOutPoint, Is.EqualTo(new OutPoint(registration.Txid, 0)));
        Assert.That(chain.GetRegistry(blocks.Blocks[100].Header.Hash)!.Find(model.Id), Is.Null, "the parent's registry is unchanged");

        // A block on a pending model is rejected and not stored.
        var early = RegtestChain.Build(blocks.Tip.Header, 102, [], version: NoSignal, model: model.Id, difficulty: entry.Difficulty);
        var rejected = Accept(chain, early);
        Assert.That(rejected.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(rejected.Violation!.Reason, Is.EqualTo(RegistryReasons.ModelInactive));
        Assert.That(chain.GetHeader(early.Header.Hash), Is.Null);

        // Heights 102..111 signal: the period 104..111 (which began after the registration) has 8 ≥ 6 signals.
        for (int h = 102; h <= 111; h++) AcceptAll(chain, [blocks.MineWith(Signal0)]);
        entry = chain.Registry.Find(model.Id)!;
        Assert.That(entry.Status, Is.EqualTo(ModelStatus.LockedIn));
        Assert.That(entry.StatusHeight, Is.EqualTo(112));
        var lockedIn = RegtestChain.Build(blocks.Tip.Header, 112, [], version: NoSignal, model: model.Id, difficulty: entry.Difficulty);
        Assert.That(Accept(chain, lockedIn).Violation?.Reason, Is.EqualTo(RegistryReasons.ModelInactive), "locked in is not yet active");

        for (int h = 112; h <= 119; h++) AcceptAll(chain, [blocks.MineWith(NoSignal)]);
        entry = chain.Registry.Find(model.Id)!;
        Assert.That(entry.Status, Is.EqualTo(ModelStatus.Active));
        Assert.That(entry.ActivationHeight, Is.EqualTo(120));

        var first = blocks.MineWith(NoSignal, model.Id, entry.Difficulty);
        Assert.That(Accept(chain, first).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        Assert.That(_hooked[^1].Height, Is.EqualTo(120));
        Assert.That(_hooked[^1].Model.Name, Is.EqualTo("alpha"), "the proof check gets the model from the parent's registry");
        Assert.That(chain.Registry.Find(model.Id)!.LastBlockHeight, Is.EqualTo(120));
        Assert.That(chain.Tip.Registry, Is.SameAs(chain.Registry));
    }

    [Test]
    public void TheRegistryIsRebuiltAfterARestartAtTheTipAndOnASideBranch()
    {
        var model = TestModel.Create("beta", 2);
        var (main, _) = Registered(model);
        for (int h = 102; h <= 111; h++) main.MineWith(Signal0);
        var side = main.ForkAt(105, branch: 1);
        for (int h = 106; h <= 110; h++) side.MineWith(NoSignal); // fewer blocks: stays a side branch
        for (int h = 112; h <= 121; h++) main.MineWith(NoSignal);

        string[] tipBefore, sideBefore, forkBefore;
        using (var chain = Open())
        {
            AcceptAll(chain, main.Blocks.Skip(1));
            AcceptAll(chain, side.Blocks.Skip(106));
            Assert.That(chain.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
            Assert.That(chain.Registry.Find(model.Id)!.Status, Is.EqualTo(ModelStatus.Active));
            var sideRegistry = chain.GetRegistry(side.Tip.Header.Hash)!;
            Assert.That(sideRegistry.Find(model.Id)!.Status, Is.EqualTo(ModelStatus.Pending), "the side branch has its own snapshot");
            Assert.That(sideRegistry.Find(model.Id)!.SignalCount, Is.EqualTo(2), "heights 104 and 105 signalled on the side branch");
            tipBefore = TestModel.Describe(chain.Registry);
            sideBefore = TestModel.Describe(sideRegistry);
            forkBefore = TestModel.Describe(chain.GetRegistry(main.Blocks[105].Header.Hash)!);
        }

        using var reopened = Open();
        Assert.That(TestModel.Describe(reopened.Registry), Is.EqualTo(tipBefore));
        Assert.That(TestModel.Describe(reopened.GetRegistry(side.Tip.Header.Hash)!), Is.EqualTo(sideBefore));
        Assert.That(TestModel.Describe(reopened.GetRegistry(main.Blocks[105].Header.Hash)!), Is.EqualTo(forkBefore));
        Assert.That(reopened.GetRegistry(RegtestChain.Build(main.Tip.Header, 200, []).Header.Hash), Is.Null, "an unknown block has no registry");
    }

    [Test]
    public void ARestartOfADatadirWithDamagedRegistryActionsNamesTheBlock()
    {
        var model = TestModel.Create("gamma", 3);
        var (blocks, _) = Registered(model);
        using (var chain = Open()) AcceptAll(chain, blocks.Blocks.Skip(1));
        using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_scratch.Path, ChainDatabase.FileName)};Pooling=False"))
        {
            raw.Open();
            using var command = raw.CreateCommand();
            command.CommandText = "UPDATE registry_actions SET data = x'01ff'";
            Assert.That(command.ExecuteNonQuery(), Is.EqualTo(1));
        }
        Assert.That(Open, Throws.TypeOf<NodeStorageException>().With.Message.Contains(blocks.Tip.Header.Hash.ToString()).And.Message.Contains("registry actions"));
    }

    [Test]
    public void AReorganisationAcrossTheRegistrationBlockUndoesIt()
    {
        var model = TestModel.Create("delta", 4);
        var (main, registration) = Registered(model);
        var rival = main.ForkAt(100, branch: 2).MineEmpty(3);
        using var chain = Open();
        AcceptAll(chain, main.Blocks.Skip(1));
        Assert.That(chain.Registry.Find(model.Id), Is.Not.Null);
        Assert.That(chain.GetCoin(new OutPoint(registration.Txid, 0)), Is.Not.Null);

        AcceptAll(chain, rival.Blocks.Skip(101));
        Assert.That(chain.Tip.Hash, Is.EqualTo(rival.Tip.Header.Hash));
        Assert.That(chain.Registry.Find(model.Id), Is.Null, "the new tip's registry never saw the registration");
        Assert.That(chain.GetCoin(new OutPoint(registration.Txid, 0)), Is.Null);
        Assert.That(chain.GetRegistry(main.Tip.Header.Hash)!.Find(model.Id), Is.Not.Null, "the old branch keeps its snapshot");

        // Back again: the original branch grows longer and the registration is in force once more.
        main.MineEmpty(3);
        AcceptAll(chain, main.Blocks.Skip(102));
        Assert.That(chain.Tip.Hash, Is.EqualTo(main.Tip.Header.Hash));
        Assert.That(chain.Registry.Find(model.Id)!.Status, Is.EqualTo(ModelStatus.Pending));
    }

    [Test]
    public void ADepositSpendIsInvalidWhileLockedAndValidAfterExpiry()
    {
        var model = TestModel.Create("epsilon", 5);
        var (blocks, registration) = Registered(model);
        var deposit = (new OutPoint(registration.Txid, 0), registration.Outputs[0].Value);
        using var chain = Open();
        AcceptAll(chain, blocks.Blocks.Skip(1));

        var early = RegtestChain.Build(blocks.Tip.Header, 102, [TestModel.Spend(deposit, fee: 0)]);
        var result = Accept(chain, early);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Invalid));
        Assert.That(result.Violation!.Reason, Is.EqualTo(RegistryReasons.DepositLocked));

        // No signals: registered at 101, the window of 32 ends at the period boundary after height 135.
        while (blocks.Height < 135) AcceptAll(chain, [blocks.MineWith(NoSignal)]);
        var entry = chain.Registry.Find(model.Id)!;
        Assert.That(entry.Status, Is.EqualTo(ModelStatus.Expired));
        Assert.That(entry.StatusReason, Is.EqualTo(StatusReasons.ExpiredNoSupport));
        Assert.That(entry.DepositReleaseHeight, Is.EqualTo(136));
        Assert.That(Accept(chain, blocks.Mine(TestModel.Spend(deposit, fee: 0))).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
        Assert.That(chain.GetCoin(deposit.Item1), Is.Null, "the released deposit is spent");
    }

    [Test]
    public void ABlockBreakingARegistryRuleIsRejectedAndNotStored()
    {
        var model = TestModel.Create("zeta", 6);
        var (blocks, _) = Registered(model);
        using var chain = Open();
        AcceptAll(chain, blocks.Blocks.Skip(1));
        var again = RegtestChain.Build(blocks.Tip.Header, 102, [model.RegistrationTx(blocks.Coinbase(2))]);
        var result = Accept(chain, again);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.Rejected));
        Assert.That(result.Violation!.Reason, Is.EqualTo(RegistryReasons.RegDuplicate));
        Assert.That(chain.GetHeader(again.Header.Hash), Is.Null);

        var malformed = RegtestChain.Build(blocks.Tip.Header, 102,
            [TestModel.RegistrationTx(blocks.Coinbase(2), RegistryScripts.Build(RegistryOutputKind.Registration, [1, 2, 3]))]);
        Assert.That(Accept(chain, malformed).Violation!.Reason, Is.EqualTo(RegistryReasons.RegEncoding));
    }
}
