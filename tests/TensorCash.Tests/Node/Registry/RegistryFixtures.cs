using System.Security.Cryptography;
using System.Text;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;
using TensorCash.Chain.Transactions;
using TensorCash.Proof.Models;

namespace TensorCash.Tests.Node.Registry;

/// <summary>
/// A model committed to by hand for registry tests: builtin:tiny's architecture (so its cost, and on regtest its D_m,
/// equal tiny's: crafted blocks on it seal in a couple of tries) with synthetic tensor leaves, so each seed gives another
/// model id. It cannot be loaded or mined with a real proof; registry state needs neither. <paramref name="zeroLeaf"/>
/// makes that tensor all zeros (a leaf a zero-tensor challenge can prove).
/// </summary>
internal sealed class TestModel
{
    public static readonly ChainParams Parameters = ChainParams.Regtest;
    public static readonly byte[] OpTrue = [0x51];

    private TestModel(ModelRegistration registration, IReadOnlyList<TensorLeaf> leaves)
    {
        Registration = registration;
        Leaves = leaves;
    }

    public ModelRegistration Registration { get; }
    public IReadOnlyList<TensorLeaf> Leaves { get; }
    public Hash256 Id => Registration.ModelId;
    public string Hex => Convert.ToHexStringLower(Id.ToArray());

    public static TestModel Create(string name, int seed, int zeroLeaf = -1)
    {
        var descriptor = ChainParams.BuiltinTinyDescriptor;
        var leaves = descriptor.ExpectedTensors().Select((tensor, i) =>
        {
            long bytes = TensorLeaf.ByteLengthFor(WeightDTypes.F32, tensor.Shape);
            byte[] dataHash = i == zeroLeaf ? TensorDataHash.OfZeros(bytes) : SHA256.HashData(Encoding.ASCII.GetBytes($"{name}/{seed}/{i}"));
            return new TensorLeaf(tensor.Role, WeightDTypes.F32, tensor.Shape, bytes, dataHash);
        }).ToList();
        var root = TensorMerkleTree.Root(leaves.Select(l => l.Hash()).ToList());
        var id = new Hash256(ModelCommitment.ModelId(descriptor.Encode(), root));
        var registration = new ModelRegistration(name, "https://example.org/" + name, [1, 2, 3], id, descriptor, WeightDTypes.F32, new Hash256(root),
            new Hash256(SHA256.HashData(Encoding.ASCII.GetBytes("tokenizer"))), ChainParams.BuiltinTinyProfile(16));
        if (RegistrationRules.Check(registration, Parameters) is { } invalid) throw new InvalidOperationException($"the test registration is invalid: {invalid}");
        return new TestModel(registration, leaves);
    }

    /// <summary>A zero-tensor fraud proof for leaf <paramref name="index"/> (it holds only when that leaf is the zero one).</summary>
    public ModelFraudProof ZeroTensorProof(int index)
    {
        var hashes = Leaves.Select(l => l.Hash()).ToList();
        return new ModelFraudProof(Id, FraudKind.ZeroTensor, new TensorInclusion(Leaves[index], index, TensorMerkleTree.Path(hashes, index)));
    }

    /// <summary>
    /// The registration: output 0 the deposit (OP_TRUE), output 1 the TCMR output, output 2 the change (OP_TRUE), from
    /// one OP_TRUE coin.
    /// </summary>
    public Transaction RegistrationTx((OutPoint OutPoint, long Value) funding, long? deposit = null, long fee = 10_000) =>
        RegistrationTx(funding, RegistryScripts.ForRegistration(Registration), deposit, fee);

    public static Transaction RegistrationTx((OutPoint OutPoint, long Value) funding, byte[] registryScript, long? deposit = null, long fee = 10_000)
    {
        long value = deposit ?? Parameters.Registry.MinimumDeposit;
        return new Transaction(1, [new TxIn(funding.OutPoint, [])],
            [new TxOut(value, OpTrue), new TxOut(0, registryScript), new TxOut(funding.Value - value - fee, OpTrue)], 0);
    }

    /// <summary>A challenge: output 0 the change (OP_TRUE), output 1 the TCMC output.</summary>
    public static Transaction ChallengeTx((OutPoint OutPoint, long Value) funding, ModelFraudProof proof, long fee = 20_000) =>
        new(1, [new TxIn(funding.OutPoint, [])], [new TxOut(funding.Value - fee, OpTrue), new TxOut(0, RegistryScripts.ForChallenge(proof))], 0);

    /// <summary>A plain spend of one OP_TRUE coin into two OP_TRUE outputs (one would be under the standard minimum size).</summary>
    public static Transaction Spend((OutPoint OutPoint, long Value) coin, long fee = 10_000) =>
        new(1, [new TxIn(coin.OutPoint, [])], [new TxOut((coin.Value - fee) / 2, OpTrue), new TxOut(coin.Value - fee - (coin.Value - fee) / 2, OpTrue)], 0);

    /// <summary>An entry's registry state in one line, for comparing snapshots (across restarts, nodes, branches).</summary>
    public static string Describe(RegistryEntry e) =>
        $"{Convert.ToHexStringLower(e.ModelId.ToArray())} {e.Name} {e.Status} {e.StatusReason} reg={e.RegisteredHeight} at={e.StatusHeight} " +
        $"act={e.ActivationHeight} slot={e.SignalSlot} count={e.SignalCount} last={e.LastBlockHeight} deposit={e.DepositOutPoint}/{e.DepositValue} " +
        $"forfeit={e.DepositForfeited} release={e.DepositReleaseHeight} D={e.Difficulty}";

    public static string[] Describe(ModelRegistry registry) => [$"height {registry.Height}", .. registry.Entries.Select(Describe)];
}
