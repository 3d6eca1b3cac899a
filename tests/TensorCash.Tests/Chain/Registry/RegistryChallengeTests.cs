using NUnit.Framework;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Proof.Models;
using static TensorCash.Tests.Chain.Registry.RegistryFixtures;

namespace TensorCash.Tests.Chain.Registry;

/// <summary>Fraud proofs of each kind against registered commitments (registry.md §4), valid and every way of being invalid.</summary>
public class RegistryChallengeTests
{
    private static TensorLeaf Zeroed(TensorLeaf leaf) => leaf with { DataHash = TensorDataHash.OfZeros(leaf.ByteLength) };

    /// <summary>The registry after block 1, which registered <paramref name="model"/>.</summary>
    private static ModelRegistry Registered(CommittedModel model, out RegistrationAction registration)
    {
        registration = Register(Registration(model));
        return ModelRegistry.Genesis(Regtest).Next(actions: registration);
    }

    private static ModelRegistry Registered(CommittedModel model) => Registered(model, out _);

    private static ModelFraudProof ZeroProof(CommittedModel model, string role) => new(model.ModelId, FraudKind.ZeroTensor, model.Inclusion(role));

    private static ModelFraudProof DuplicateProof(CommittedModel model, string a, string b) =>
        new(model.ModelId, FraudKind.DuplicateTensor, model.Inclusion(a), model.Inclusion(b));

    private static ModelFraudProof LayoutProof(CommittedModel model, int index) =>
        new(model.ModelId, FraudKind.Layout, model.Inclusion(index), LeafCount: model.Leaves.Count);

    /// <summary>Applies the challenge and requires it to hold: the model is deactivated for fraud in that block.</summary>
    private static ModelRegistry Upheld(ModelRegistry registry, ModelFraudProof proof)
    {
        var (next, violation) = RegistryRules.Apply(registry, Header(), registry.Height + 1, [Challenge(proof)], Regtest);
        Assert.That(violation, Is.Null);
        var entry = next.Find(proof.ModelId)!;
        Assert.That((entry.Status, entry.StatusReason, entry.StatusHeight, entry.SignalSlot),
            Is.EqualTo((ModelStatus.Deactivated, "deactivated-fraud", registry.Height + 1, (int?)null)));
        return next;
    }

    private static string? Rejected(ModelRegistry registry, ModelFraudProof proof, string? message = null)
    {
        var violation = registry.Violation(Challenge(proof));
        if (message is not null) Assert.That(violation?.Message, Does.Contain(message));
        return violation?.Reason;
    }

    [Test]
    public void ZeroTensorProofDeactivatesAndForfeitsTheDeposit()
    {
        var model = Commit(edit: (i, leaf) => leaf.Role == "layers.1.w_up" ? Zeroed(leaf) : leaf);
        var registry = Registered(model, out var registration);
        var next = Upheld(registry, ZeroProof(model, "layers.1.w_up"));
        var entry = next.Find(model.ModelId)!;
        Assert.That(entry.DepositForfeited, Is.True);
        Assert.That(next.CheckDepositSpend(registration.Deposit, 1_000_000)?.Message, Does.Contain("forfeited"));
        Assert.That(next.SlotHolder(0), Is.Null, "its slot is free again");
        Assert.That(next.Pending, Is.Empty);
    }

    [Test]
    public void ZeroTensorProofsThatDoNotHold()
    {
        var model = Commit(SmallDescriptor(bias: true), edit: (i, leaf) => leaf.Role is "layers.0.bq" or "layers.0.wk" ? Zeroed(leaf) : leaf);
        var registry = Registered(model);
        Assert.That(Rejected(registry, ZeroProof(model, "layers.0.bq"), "bias"), Is.EqualTo("bad-challenge-proof"), "a zero bias is legitimate");
        Assert.That(Rejected(registry, ZeroProof(model, "layers.0.wq"), "zero bytes"), Is.EqualTo("bad-challenge-proof"), "wq is not zero");

        var honest = ZeroProof(model, "layers.0.wk");
        Assert.That(Rejected(registry, honest), Is.Null, "the real fraud holds");
        var forgedLeaf = honest with { Tensor = model.Inclusion("layers.0.wq") with { Leaf = Zeroed(model.Leaves[model.IndexOf("layers.0.wq")]) } };
        Assert.That(Rejected(registry, forgedLeaf, "not in the tensor root"), Is.EqualTo("bad-challenge-proof"), "a zero leaf the root does not hold");
        var path = honest.Tensor.Path.Select(n => (byte[])n.Clone()).ToArray();
        path[0][5] ^= 1;
        Assert.That(Rejected(registry, honest with { Tensor = honest.Tensor with { Path = path } }), Is.EqualTo("bad-challenge-proof"), "a broken path");
        Assert.That(Rejected(registry, honest with { Tensor = honest.Tensor with { Index = honest.Tensor.Index + 1 } }), Is.EqualTo("bad-challenge-proof"), "the wrong index");
        Assert.That(Rejected(registry, honest with { Tensor = honest.Tensor with { Path = honest.Tensor.Path.Take(1).ToArray() } }), Is.EqualTo("bad-challenge-proof"), "a short path");
    }

    [Test]
    public void DuplicateTensorProofDeactivates()
    {
        var model = Commit(edit: (i, leaf) => leaf.Role == "layers.1.wq" ? leaf with { DataHash = TensorDataHash.Compute([1, 2, 3]) }
            : leaf.Role == "layers.0.wq" ? leaf with { DataHash = TensorDataHash.Compute([1, 2, 3]) } : leaf);
        Upheld(Registered(model), DuplicateProof(model, "layers.0.wq", "layers.1.wq"));
    }

    [Test]
    public void DuplicateTensorProofsThatDoNotHold()
    {
        byte[] same = TensorDataHash.Compute([9, 9]);
        // wq and wo are both [32, 32] here; layers 0 and 1 share their norm vectors, and w_gate/w_up of layer 0 differ.
        var model = Commit(edit: (i, leaf) => leaf.Role is "layers.0.wq" or "layers.0.wo" or "layers.0.attn_norm" or "layers.1.attn_norm"
            ? leaf with { DataHash = same } : leaf);
        var registry = Registered(model);
        Assert.That(Rejected(registry, DuplicateProof(model, "layers.0.wq", "layers.0.wo"), "different kinds"), Is.EqualTo("bad-challenge-proof"), "a different suffix");
        Assert.That(Rejected(registry, DuplicateProof(model, "layers.0.attn_norm", "layers.1.attn_norm"), "matrices"), Is.EqualTo("bad-challenge-proof"), "vectors");
        Assert.That(Rejected(registry, DuplicateProof(model, "layers.0.w_up", "layers.1.w_up"), "different data"), Is.EqualTo("bad-challenge-proof"), "different data");
        Assert.That(Rejected(registry, DuplicateProof(model, "layers.0.wq", "layers.0.wq"), "both tensors"), Is.EqualTo("bad-challenge-proof"), "the same tensor twice");
        var badPath = DuplicateProof(model, "layers.0.wq", "layers.1.wq");
        badPath = badPath with { Other = badPath.Other! with { Path = badPath.Tensor.Path } };
        Assert.That(Rejected(registry, badPath, "not in the tensor root"), Is.EqualTo("bad-challenge-proof"), "b's path is a's");
    }

    [Test]
    public void LayoutProofsOfEachMismatchDeactivate()
    {
        var descriptor = SmallDescriptor();
        // One tensor too many (an extra matrix appended after the canonical list).
        var expected = descriptor.ExpectedTensors();
        var extra = Commit(descriptor);
        var leaves = extra.Leaves.Append(extra.Leaves[^1] with { Role = "layers.2.w_down" }).ToList();
        var longer = new CommittedModel(descriptor, WeightDTypes.F32, leaves);
        Upheld(Registered(longer), new ModelFraudProof(longer.ModelId, FraudKind.Layout, longer.Inclusion(leaves.Count - 1), LeafCount: leaves.Count));

        // A transposed FFN matrix, a matrix in F16 under an F32 registration, a role out of place.
        int gate = expected.Select((t, i) => (t, i)).First(x => x.t.Role == "layers.0.w_gate").i;
        var transposed = Commit(descriptor, edit: (i, leaf) => i == gate ? leaf with { Shape = [leaf.Shape[1], leaf.Shape[0]] } : leaf);
        Upheld(Registered(transposed), LayoutProof(transposed, gate));
        var halfPrecision = Commit(descriptor, edit: (i, leaf) => i == gate ? leaf with { DType = WeightDTypes.F16, ByteLength = leaf.ByteLength / 2 } : leaf);
        Upheld(Registered(halfPrecision), LayoutProof(halfPrecision, gate));
        var renamed = Commit(descriptor, edit: (i, leaf) => i == gate ? leaf with { Role = "layers.0.w_extra" } : leaf);
        Upheld(Registered(renamed), LayoutProof(renamed, gate));
    }

    [Test]
    public void LayoutProofsThatDoNotHold()
    {
        // Vectors may be F32 under a BF16 registration; every leaf then matches its place.
        var model = Commit(dtype: WeightDTypes.BF16);
        var registry = Registered(model);
        Assert.That(Rejected(registry, LayoutProof(model, model.IndexOf("output_norm")), "exactly the layout's tensor"), Is.EqualTo("bad-challenge-proof"));
        Assert.That(Rejected(registry, LayoutProof(model, model.IndexOf("layers.1.wv"))), Is.EqualTo("bad-challenge-proof"));
        // Claiming another count: the root commits to the real one, so the path cannot verify.
        var wrongCount = LayoutProof(model, 0) with { LeafCount = model.Leaves.Count + 1 };
        Assert.That(Rejected(registry, wrongCount, "tree of"), Is.EqualTo("bad-challenge-proof"));
        Assert.That(Rejected(registry, LayoutProof(model, 0) with { LeafCount = 0 }), Is.EqualTo("bad-challenge-proof"), "count 0");
    }

    [Test]
    public void ChallengesNeedAChallengeableRegisteredModel()
    {
        var model = Commit(edit: (i, leaf) => leaf.Role == "layers.0.wq" ? Zeroed(leaf) : leaf);
        var proof = ZeroProof(model, "layers.0.wq");
        Assert.That(Rejected(ModelRegistry.Genesis(Regtest), proof), Is.EqualTo("bad-challenge-model"), "never registered");
        Assert.That(Rejected(ModelRegistry.Genesis(Regtest), proof with { ModelId = Tiny }, "genesis"), Is.EqualTo("bad-challenge-model"));

        var deactivated = Upheld(Registered(model), proof);
        Assert.That(Rejected(deactivated, proof, "already Deactivated"), Is.EqualTo("bad-challenge-status"), "twice");
        Assert.That(Registered(model).Violation(Challenge(proof), Challenge(proof))?.Reason, Is.EqualTo("bad-challenge-status"), "twice in one block");
        Assert.That(deactivated.Violation(Register(Registration(model), Deposit + 1))?.Reason, Is.EqualTo("bad-reg-banned"), "never again");

        var expired = Registered(model).AdvanceTo(39);
        Assert.That(expired.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Expired));
        Assert.That(Rejected(expired, proof), Is.EqualTo("bad-challenge-status"));
    }

    [Test]
    public void ChallengesOfLockedInAndActiveModels()
    {
        var model = Commit(edit: (i, leaf) => leaf.Role == "token_embedding" ? Zeroed(leaf) : leaf);
        var proof = ZeroProof(model, "token_embedding");
        var registry = Registered(model, out var registration).AdvanceTo(15, signal: [0]);
        Assert.That(registry.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.LockedIn));
        Assert.That(Upheld(registry, proof).Find(model.ModelId)!.DepositForfeited, Is.True, "locked in");

        var active = registry.AdvanceTo(30);
        Assert.That(active.Find(model.ModelId)!.Status, Is.EqualTo(ModelStatus.Active));
        var duringChallengePeriod = Upheld(active, proof);
        Assert.That(duringChallengePeriod.Find(model.ModelId)!.DepositForfeited, Is.True, "active at 31 < 24 + 16");
        Assert.That(duringChallengePeriod.CheckModel(model.ModelId)?.Reason, Is.EqualTo("bad-model-inactive"), "no block may run it any more");

        // After the challenge period the deposit is the registrant's again: a late proof bans the model, forfeits nothing.
        var late = registry.AdvanceTo(44);
        Assert.That(late.CheckDepositSpend(registration.Deposit, 45), Is.Null);
        var banned = Upheld(late, proof);
        Assert.That(banned.Find(model.ModelId)!.DepositForfeited, Is.False);
        Assert.That(banned.CheckDepositSpend(registration.Deposit, 46), Is.Null);
    }

    [Test]
    public void FraudProofVerifierRefusesAnInvalidLeafInsteadOfThrowing()
    {
        var model = Commit();
        var entry = Registered(model).Find(model.ModelId)!;
        var bad = ZeroProof(model, "layers.0.wq");
        bad = bad with { Tensor = bad.Tensor with { Leaf = bad.Tensor.Leaf with { ByteLength = 3 } } };
        Assert.That(FraudProofVerifier.Verify(bad, entry)?.Reason, Is.EqualTo("bad-challenge-proof"));
        Assert.That(FraudProofVerifier.Verify(ZeroProof(model, "layers.0.wq") with { ModelId = Tiny }, entry)?.Reason, Is.EqualTo("bad-challenge-model"));
    }
}
