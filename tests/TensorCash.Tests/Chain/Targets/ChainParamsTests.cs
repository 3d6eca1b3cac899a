using System.Text;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;

namespace TensorCash.Tests.Chain.Targets;

public class ChainParamsTests
{
    private static readonly ChainParams[] All = [ChainParams.Main, ChainParams.Testnet, ChainParams.Regtest];

    [Test]
    public void ForReturnsEachNetwork()
    {
        foreach (var network in Enum.GetValues<Network>())
            Assert.That(ChainParams.For(network).Network, Is.EqualTo(network));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChainParams.For((Network)7));
    }

    [TestCase(Network.Main, 8432, "tc", 210_000)]
    [TestCase(Network.Testnet, 18432, "tctest", 210_000)]
    [TestCase(Network.Regtest, 18543, "tcrt", 150)]
    public void PortsPrefixesAndHalvings(Network network, int rpcPort, string hrp, int halving)
    {
        var p = ChainParams.For(network);
        Assert.That(p.DefaultRpcPort, Is.EqualTo(rpcPort));
        Assert.That(p.Bech32Hrp, Is.EqualTo(hrp));
        Assert.That(p.SubsidyHalvingInterval, Is.EqualTo(halving));
        Assert.That(p.InitialSubsidy, Is.EqualTo(50 * p.Coin));
        Assert.That(p.MaxMoney, Is.EqualTo(21_000_000 * p.Coin));
    }

    [Test]
    public void TargetsAndTimingConstants()
    {
        foreach (var p in All)
        {
            Assert.That(CompactBits.DecodeTarget(p.PowLimitBits), Is.EqualTo(p.PowLimit), $"{p.Network}: powLimit is exactly representable");
            Assert.That(p.TargetSpacingSeconds, Is.EqualTo(120));
            Assert.That(p.AsertHalfLifeSeconds, Is.EqualTo(12 * 3600));
            Assert.That(p.MaxFutureBlockTimeSeconds, Is.EqualTo(7200));
            Assert.That(p.MaxTimeWarpSeconds, Is.EqualTo(7200));
        }
        Assert.That(ChainParams.Main.PowLimitBits, Is.EqualTo(0x2007ffffu));
        Assert.That(ChainParams.Testnet.PowLimitBits, Is.EqualTo(0x2007ffffu));
        Assert.That(ChainParams.Regtest.PowLimitBits, Is.EqualTo(0x207fffffu));
        Assert.That(ChainParams.Regtest.NoRetargeting, Is.True);
        Assert.That(ChainParams.Main.NoRetargeting || ChainParams.Testnet.NoRetargeting, Is.False);
    }

    [Test]
    public void ModelTablesHoldBuiltinTiny()
    {
        foreach (var p in All)
        {
            Assert.That(p.ModelNormaliser, Is.EqualTo(1_000_000ul));
            Assert.That(p.Models.Values.Select(m => m.Difficulty), Has.All.GreaterThanOrEqualTo(1ul), $"{p.Network}: D_m >= 1");
            Assert.That(p.Models.ContainsKey(ChainParams.BuiltinTinyModelId), $"{p.Network} lists builtin:tiny");
            Assert.That(p.Models.ContainsKey(Hash256.Zero), Is.False, "model id zero is genesis's 'no model'");
        }
        // Main: builtin:tiny's architecture cost against the 1B-class reference (ModelCost), about 3779 N.
        Assert.That(ChainParams.Main.Models[ChainParams.BuiltinTinyModelId].Difficulty, Is.EqualTo(3_778_932_492ul));
        Assert.That(ChainParams.Testnet.Models[ChainParams.BuiltinTinyModelId].Difficulty, Is.EqualTo(1_000_000ul));
        Assert.That(ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId].Difficulty, Is.EqualTo(1_000_000ul));
    }

    [Test]
    public void GenesisBlocksAreWellFormed()
    {
        foreach (var p in All)
        {
            var genesis = p.Genesis;
            var header = genesis.Header;
            Assert.That(genesis.Transactions, Has.Count.EqualTo(1));
            var coinbase = genesis.Transactions[0];
            Assert.That(coinbase.IsCoinbase, Is.True);
            Assert.That(header.MerkleRoot, Is.EqualTo(coinbase.Txid));
            Assert.That(header.MerkleRoot, Is.EqualTo(Hashes.Sha256d(coinbase.Serialize())));
            Assert.That(MerkleTree.BlockRoot(genesis.Transactions, out bool mutated), Is.EqualTo(header.MerkleRoot));
            Assert.That(mutated, Is.False);
            // The context-free block rules hold for genesis too (it is only exempt from the header and proof checks).
            Assert.That(BlockRules.CheckBlock(genesis, p), Is.Null, p.Network.ToString());
            Assert.That(header.PrevBlock, Is.EqualTo(Hash256.Zero));
            Assert.That(header.ModelId, Is.EqualTo(Hash256.Zero));
            Assert.That(header.ProofCommitment, Is.EqualTo(Hash256.Zero));
            Assert.That(header.Nonce, Is.Zero);
            Assert.That(header.Version, Is.EqualTo(1));
            Assert.That(header.Bits, Is.EqualTo(p.PowLimitBits));
            Assert.That(header.AdjBits, Is.EqualTo(header.Bits));
            Assert.That(header.Time, Is.EqualTo(1_767_225_600u));
            Assert.That(genesis.Proof, Is.Empty);
            Assert.That(p.GenesisTarget, Is.EqualTo(p.PowLimit));
            // scriptSig: OP_0 (height 0) then a direct push of the message; one 0-value OP_RETURN output.
            var scriptSig = coinbase.Inputs[0].ScriptSig;
            Assert.That(scriptSig[0], Is.EqualTo(0x00));
            Assert.That(scriptSig[1], Is.EqualTo(scriptSig.Length - 2));
            Assert.That(Encoding.ASCII.GetString(scriptSig, 2, scriptSig.Length - 2), Does.StartWith("TensorCash"));
            Assert.That(coinbase.Outputs, Has.Count.EqualTo(1));
            Assert.That(coinbase.Outputs[0].Value, Is.Zero);
            Assert.That(coinbase.Outputs[0].ScriptPubKey, Is.EqualTo(new byte[] { 0x6a }));
            // Survives the wire encoding.
            Assert.That(Block.Deserialize(genesis.Serialize()).Header.Hash, Is.EqualTo(p.GenesisHash));
        }
    }

    /// <summary>
    /// Pinned (display order; values in docs/protocol/chain.md), and reproduced independently of this code from the
    /// documented layout with Python's hashlib. Any change to the genesis construction changes every network's identity.
    /// </summary>
    [TestCase(Network.Main, "b66a35d3e048dc514f07bddf9642dbacb90b9edbe1cdd8843806d1c033012476", "96436c77e6fa714f3947a9129b3f5db2aa90cd0699ded6553fbb5425db8343ea")]
    [TestCase(Network.Testnet, "2f03d9fb3b0bebe015e326c21184d38cf66f40f5a3aaee24597fae7a20aa6ee4", "4d2b72c4ee58261476e74b62afbc698ee62d02a0f69885a796abddafd29c9840")]
    [TestCase(Network.Regtest, "50b02ac973ec6e91b39f9212aad3e58f4083f2f8860f4f3119cfc54317aef5dc", "d51754bfa402ac4598102a905bf0930f9b27f2b4215f200f94509f86fe283e7b")]
    public void GenesisHashesArePinned(Network network, string hash, string merkleRoot)
    {
        var p = ChainParams.For(network);
        Assert.That(p.GenesisHash.ToString(), Is.EqualTo(hash));
        Assert.That(p.Genesis.Header.MerkleRoot.ToString(), Is.EqualTo(merkleRoot));
    }

    [Test]
    public void GenesisMessagesAreLimitedToOneDirectPush() =>
        Assert.Throws<ArgumentException>(() => GenesisBlock.Create(new string('x', 76), 0, 0x207fffff));
}
