using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Hosting;
using TensorCash.Node.Mempool;
using TensorCash.Tests.CrossCheck;

namespace TensorCash.Tests.Node.Registry;

/// <summary>
/// The mempool and the block template under the registry's rules: stateless and contextual registry checks at
/// admission, deposit locks, one pooled registration per model, re-checks after a block, and templates that always
/// pass RegistryRules.Apply. A chainstate of crafted regtest blocks (OP_TRUE coinbases) with the node's mempool on it.
/// </summary>
public class RegistryMempoolTests
{
    private ScratchDirectory _scratch = null!;
    private ChainState _chain = null!;
    private NodeMempool _mempool = null!;
    private RegtestChain _blocks = null!;

    [SetUp]
    public void Open()
    {
        _scratch = new ScratchDirectory();
        _chain = new ChainState(_scratch.Path, TestModel.Parameters, (_, _, _) => null);
        _mempool = new NodeMempool(_chain, TestModel.Parameters, new TransactionPool(TestModel.Parameters, signatures: _chain.Signatures));
        _blocks = new RegtestChain();
        MineEmpty(118); // coinbases 1..18 are mature for block 119
    }

    [TearDown]
    public void Close()
    {
        _chain.Dispose();
        _scratch.Dispose();
    }

    private void Connect(Block block)
    {
        var result = _chain.AcceptBlock(block, RegtestChain.Now);
        Assert.That(result.Status, Is.EqualTo(BlockAcceptStatus.ActiveChain), result.ToString());
    }

    private void MineEmpty(int count, int version = 1)
    {
        for (int i = 0; i < count; i++) Connect(_blocks.MineWith(version));
    }

    private string? Submit(Transaction tx) => _mempool.Submit(tx).Rejection?.Reason;

    /// <summary>The template's transactions (after the coinbase) mined into a block at the tip, which must connect.</summary>
    private Block MineTemplate()
    {
        var tip = _chain.Tip;
        var content = _mempool.BuildContent(tip.Height + 1, _chain.GetMedianTimePast(tip.Hash)!.Value, TestModel.OpTrue, 7);
        var block = RegtestChain.Seal(new BlockHeader(1, tip.Hash, MerkleTree.BlockRoot(content.Transactions, out _), tip.Header.Time + 120,
            TestModel.Parameters.PowLimitBits, 0, ChainParams.BuiltinTinyModelId, Hash256.Zero, 0, Hash256.Zero, 0), content.Transactions);
        Connect(block);
        _blocks.Append(block);
        return block;
    }

    [Test]
    public void ARegistrationIsAdmittedOnceAndAMalformedOneNever()
    {
        var model = TestModel.Create("pool-a", 11);
        var registration = model.RegistrationTx(_blocks.Coinbase(1));
        Assert.That(Submit(registration), Is.Null);
        Assert.That(Submit(model.RegistrationTx(_blocks.Coinbase(2))), Is.EqualTo(RegistryReasons.RegDuplicate), "another pooled transaction registers it");

        var malformed = TestModel.RegistrationTx(_blocks.Coinbase(3), RegistryScripts.Build(RegistryOutputKind.Registration, [1, 2, 3]));
        Assert.That(Submit(malformed), Is.EqualTo(RegistryReasons.RegEncoding));
        var tooSmall = model.RegistrationTx(_blocks.Coinbase(4), deposit: TestModel.Parameters.Registry.MinimumDeposit - 1);
        Assert.That(Submit(tooSmall), Is.EqualTo(RegistryReasons.RegDeposit));

        var spendsDeposit = TestModel.Spend((new OutPoint(registration.Txid, 0), registration.Outputs[0].Value));
        Assert.That(Submit(spendsDeposit), Is.EqualTo(RegistryReasons.DepositLocked), "the deposit of a pooled registration");
        var spendsChange = TestModel.Spend((new OutPoint(registration.Txid, 2), registration.Outputs[2].Value));
        Assert.That(Submit(spendsChange), Is.Null, "its change is an ordinary output");

        var block = MineTemplate();
        Assert.That(block.Transactions.Select(t => t.Txid), Does.Contain(registration.Txid).And.Contain(spendsChange.Txid));
        Assert.That(_chain.Registry.Find(model.Id)!.Status, Is.EqualTo(ModelStatus.Pending));
        Assert.That(_mempool.Pool.Count, Is.Zero);
        Assert.That(Submit(model.RegistrationTx(_blocks.Coinbase(2))), Is.EqualTo(RegistryReasons.RegDuplicate), "the tip's registry has it");
        var deposit = (new OutPoint(registration.Txid, 0), registration.Outputs[0].Value);
        Assert.That(Submit(TestModel.Spend(deposit)), Is.EqualTo(RegistryReasons.DepositLocked), "a pending model's deposit is locked");
    }

    [Test]
    public void AReleasedDepositIsSpendableFromThePool()
    {
        var model = TestModel.Create("pool-b", 12);
        var registration = model.RegistrationTx(_blocks.Coinbase(1));
        Connect(_blocks.Mine(registration)); // height 119
        var deposit = (new OutPoint(registration.Txid, 0), registration.Outputs[0].Value);
        // No support: the window of 32 from height 119 ends at the boundary after height 151.
        while (_chain.Tip.Height < 150) Connect(_blocks.MineWith(ModelRegistry.SignalVersion([])));
        Assert.That(Submit(TestModel.Spend(deposit)), Is.EqualTo(RegistryReasons.DepositLocked));
        Connect(_blocks.MineWith(ModelRegistry.SignalVersion([])));
        Assert.That(_chain.Registry.Find(model.Id)!.Status, Is.EqualTo(ModelStatus.Expired));
        Assert.That(Submit(TestModel.Spend(deposit)), Is.Null, "released by the expiry");
        Assert.That(Submit(model.RegistrationTx(_blocks.Coinbase(2))), Is.Null, "an expired model may be registered again");
    }

    [Test]
    public void APooledRegistrationLeavesWhenABlockRegistersTheModelOtherwise()
    {
        var model = TestModel.Create("pool-c", 13);
        var pooled = model.RegistrationTx(_blocks.Coinbase(1));
        Assert.That(Submit(pooled), Is.Null);
        var child = TestModel.Spend((new OutPoint(pooled.Txid, 2), pooled.Outputs[2].Value));
        Assert.That(Submit(child), Is.Null);
        Connect(_blocks.Mine(model.RegistrationTx(_blocks.Coinbase(2))));
        Assert.That(_mempool.Pool.Contains(pooled.Txid), Is.False, "the block registered the model: the pooled registration is a duplicate now");
        Assert.That(_mempool.Pool.Contains(child.Txid), Is.False, "with its descendants");
    }

    [Test]
    public void TheTemplateLeavesOutRegistrationsBeyondTheFreeSlots()
    {
        int slots = TestModel.Parameters.Registry.MaxPendingModels;
        var models = Enumerable.Range(0, slots + 1).Select(i => TestModel.Create($"slot-{i}", 100 + i)).ToList();
        for (int i = 0; i < models.Count; i++)
            Assert.That(Submit(models[i].RegistrationTx(_blocks.Coinbase(1 + i))), Is.Null, $"each fits the tip's registry alone ({i})");

        var block = MineTemplate();
        Assert.That(block.Transactions.Count, Is.EqualTo(1 + slots), "one registration waits for a slot");
        Assert.That(_chain.Registry.Pending.Count, Is.EqualTo(slots));
        Assert.That(_mempool.Pool.Count, Is.Zero, "the one left out now fails the new registry (no free slot) and leaves the pool");
    }

    [Test]
    public void AChallengeIsCheckedAgainstTheTipRegistry()
    {
        var model = TestModel.Create("pool-d", 14, zeroLeaf: 5);
        var registration = model.RegistrationTx(_blocks.Coinbase(1));
        Assert.That(Submit(TestModel.ChallengeTx(_blocks.Coinbase(2), model.ZeroTensorProof(5))), Is.EqualTo(RegistryReasons.ChallengeModel),
            "not registered yet");
        Connect(_blocks.Mine(registration));

        Assert.That(Submit(TestModel.ChallengeTx(_blocks.Coinbase(2), model.ZeroTensorProof(4))), Is.EqualTo(RegistryReasons.ChallengeProof),
            "leaf 4 is not all zeros");
        var challenge = TestModel.ChallengeTx(_blocks.Coinbase(3), model.ZeroTensorProof(5));
        Assert.That(Submit(challenge), Is.Null);
        Assert.That(Submit(TestModel.ChallengeTx(_blocks.Coinbase(4), model.ZeroTensorProof(5))), Is.Null,
            "a second challenge is valid alone; the template takes one");

        var block = MineTemplate();
        Assert.That(block.Transactions.Count, Is.EqualTo(2), "the second challenge would find the model deactivated already");
        var entry = _chain.Registry.Find(model.Id)!;
        Assert.That(entry.StatusReason, Is.EqualTo(StatusReasons.DeactivatedFraud));
        Assert.That(entry.DepositForfeited, Is.True);
        Assert.That(_mempool.Pool.Count, Is.Zero, "the other challenge fails the new registry and leaves");
        Assert.That(Submit(TestModel.Spend((new OutPoint(registration.Txid, 0), registration.Outputs[0].Value))), Is.EqualTo(RegistryReasons.DepositLocked),
            "a forfeited deposit is locked forever");
        Assert.That(Submit(model.RegistrationTx(_blocks.Coinbase(5))), Is.EqualTo(RegistryReasons.RegBanned));
    }
}
