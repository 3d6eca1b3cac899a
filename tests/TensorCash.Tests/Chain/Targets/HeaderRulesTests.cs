using System.Numerics;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Registry;

namespace TensorCash.Tests.Chain.Targets;

public class HeaderRulesTests
{
    private static readonly Hash256 Tiny = ChainParams.BuiltinTinyModelId;
    private static readonly ChainParams Testnet = ChainParams.Testnet;
    private static uint GenesisTime => Testnet.Genesis.Header.Time;

    /// <summary>Block 1 on top of genesis: MTP = genesis time, the node's clock 1000 s later.</summary>
    private static HeaderContext FirstBlock(ChainParams p) =>
        new(1, p.Genesis.Header, p.Genesis.Header.Time, p.Genesis.Header.Time + 1000);

    /// <summary>
    /// A header with the expected targets for <paramref name="context"/>, altered by <paramref name="tweak"/>, then
    /// ground over its proof commitment (free here: header rules do not look at the proof) until its hash is at most
    /// the target its nAdjBits names, or above it when <paramref name="aboveTarget"/>.
    /// </summary>
    private static BlockHeader Mine(ChainParams p, HeaderContext context, long time, Func<BlockHeader, BlockHeader>? tweak = null, bool aboveTarget = false)
    {
        uint bits = TargetCalculator.NextBits(context, p);
        uint adjBits = TargetCalculator.AdjustedBits(bits, p.Models[Tiny].Difficulty, p);
        var header = new BlockHeader(1, context.Parent.Hash, Hashes.Sha256d([7]), (uint)time, bits, adjBits, Tiny,
            Tick(p, context.Parent.Hash)?.Output ?? Hash256.Zero, p.VdfTicks, Hash256.Zero, 0);
        header = tweak?.Invoke(header) ?? header;
        var target = CompactBits.DecodeTarget(header.AdjBits) ?? BigInteger.Zero;
        return Grind(header, hash => hash <= target != aboveTarget);
    }

    private static BlockHeader Grind(BlockHeader header, Func<BigInteger, bool> accept)
    {
        for (uint i = 0; ; i++)
        {
            var candidate = header with { ProofCommitment = Hashes.Sha256d(BitConverter.GetBytes(i)), Nonce = i };
            if (accept(candidate.Hash.ToBigInteger())) return candidate;
        }
    }

    /// <summary>
    /// The real VDF tick on regtest. The public networks' (1024 bits, T = 2^15) takes seconds, so their headers carry no
    /// evidence: a check that reaches the VDF rule (last) ends in "bad-vdf-encoding", which says every earlier rule passed.
    /// </summary>
    private static VdfTick? Tick(ChainParams p, Hash256 parent) => p.Network == Network.Regtest ? BlockVdf.Evaluate(parent, p) : null;

    /// <summary>What a testnet header that passes every rule before the VDF gets (it carries no evidence).</summary>
    private const string ReachedTheVdfRule = "bad-vdf-encoding";

    private static RuleViolation? Check(BlockHeader header, HeaderContext context, ChainParams p) =>
        HeaderRules.Check(header, Tick(p, header.PrevBlock)?.Evidence ?? [], context, p, ModelRegistry.Genesis(p));

    private static string? Reason(BlockHeader header, HeaderContext context, ChainParams p) => Check(header, context, p)?.Reason;

    [Test]
    public void ValidHeadersPassOnEveryNetwork()
    {
        foreach (var p in new[] { ChainParams.Main, ChainParams.Testnet, ChainParams.Regtest })
        {
            var context = FirstBlock(p);
            var header = Mine(p, context, p.Genesis.Header.Time + 120);
            Assert.That(Check(header, context, p)?.Reason, p.Network == Network.Regtest ? Is.Null : Is.EqualTo(ReachedTheVdfRule), p.Network.ToString());
        }
    }

    [Test]
    public void BadVersion()
    {
        var context = FirstBlock(Testnet);
        var violation = Check(Mine(Testnet, context, GenesisTime + 120, h => h with { Version = 0 }), context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("bad-version"));
        Assert.That(violation!.Message, Does.Contain("0"));
    }

    [Test]
    public void BadDiffBits()
    {
        var context = FirstBlock(Testnet);
        var violation = Check(Mine(Testnet, context, GenesisTime + 120, h => h with { Bits = 0x2003ffff, AdjBits = 0x2003ffff }), context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("bad-diffbits"));
        Assert.That(violation!.Message, Does.Contain("0x2003ffff").And.Contain("0x2007ffff"));
    }

    [Test]
    public void BadDiffBitsOnRegtestToo()
    {
        var p = ChainParams.Regtest;
        var context = FirstBlock(p);
        Assert.That(Reason(Mine(p, context, p.Genesis.Header.Time + 120, h => h with { Bits = 0x2007ffff, AdjBits = 0x2007ffff }), context, p), Is.EqualTo("bad-diffbits"));
    }

    [Test]
    public void BadModel()
    {
        var context = FirstBlock(Testnet);
        var stranger = Hashes.Sha256d([9]);
        var violation = Check(Mine(Testnet, context, GenesisTime + 120, h => h with { ModelId = stranger }), context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("bad-model"));
        // Model ids are shown in serialized byte order, as ModelIdentity.Hex and the registry print them.
        Assert.That(violation!.Message, Does.Contain(Convert.ToHexStringLower(stranger.ToArray())));
    }

    [Test]
    public void GenesisModelIdZeroIsNotAModel()
    {
        var context = FirstBlock(Testnet);
        Assert.That(Reason(Mine(Testnet, context, GenesisTime + 120, h => h with { ModelId = Hash256.Zero }), context, Testnet), Is.EqualTo("bad-model"));
    }

    [Test]
    public void BadAdjBits()
    {
        var main = ChainParams.Main;
        var context = FirstBlock(main);
        // builtin:tiny on main must carry 0x1f008abd; claiming the unadjusted base target is rejected.
        var violation = Check(Mine(main, context, main.Genesis.Header.Time + 120, h => h with { AdjBits = h.Bits }), context, main);
        Assert.That(violation?.Reason, Is.EqualTo("bad-adjbits"));
        Assert.That(violation!.Message, Does.Contain("0x1f008abd"));
        // A harder nAdjBits than required is just as wrong: nAdjBits must be exactly the encoding of T_adj.
        Assert.That(Reason(Mine(main, context, main.Genesis.Header.Time + 120, h => h with { AdjBits = 0x1f02c896 }), context, main), Is.EqualTo("bad-adjbits"));
    }

    [Test]
    public void HighHash()
    {
        var context = FirstBlock(Testnet);
        var header = Mine(Testnet, context, GenesisTime + 120, aboveTarget: true);
        var violation = Check(header, context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("high-hash"));
        Assert.That(violation!.Message, Does.Contain(header.Hash.ToString()));
    }

    [Test]
    public void ProofOfWorkUsesTheModelAdjustedTarget()
    {
        // On main, builtin:tiny's target is 1024 times harder than nBits: a hash that meets nBits but not nAdjBits fails.
        var main = ChainParams.Main;
        var context = FirstBlock(main);
        var header = Mine(main, context, main.Genesis.Header.Time + 120);
        var baseTarget = CompactBits.DecodeTarget(header.Bits)!.Value;
        var adjustedTarget = CompactBits.DecodeTarget(header.AdjBits)!.Value;
        header = Grind(header, hash => hash > adjustedTarget && hash <= baseTarget);
        Assert.That(Reason(header, context, main), Is.EqualTo("high-hash"));
    }

    [Test]
    public void TimeTooOld()
    {
        var context = FirstBlock(Testnet);
        var violation = Check(Mine(Testnet, context, context.ParentMedianTimePast), context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("time-too-old"));
        Assert.That(violation!.Message, Does.Contain(context.ParentMedianTimePast.ToString()));
        Assert.That(Reason(Mine(Testnet, context, context.ParentMedianTimePast + 1), context, Testnet), Is.EqualTo(ReachedTheVdfRule));
    }

    [Test]
    public void TimeTooNew()
    {
        var context = FirstBlock(Testnet);
        long latest = context.AdjustedNow + Testnet.MaxFutureBlockTimeSeconds;
        var violation = Check(Mine(Testnet, context, latest + 1), context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("time-too-new"));
        Assert.That(violation!.Message, Does.Contain(context.AdjustedNow.ToString()));
        Assert.That(Reason(Mine(Testnet, context, latest), context, Testnet), Is.EqualTo(ReachedTheVdfRule));
    }

    [Test]
    public void TimeWarpAttack()
    {
        // Blocks 1..19 on schedule, block 20 stamped 100 000 s ahead; the median of blocks 10..20 is block 15's time.
        var times = Enumerable.Range(0, 21).Select(h => (long)GenesisTime + 120 * h).ToArray();
        times[20] += 100_000;
        var parent = Testnet.Genesis.Header with { PrevBlock = Hashes.Sha256d([20]), Time = (uint)times[20] };
        var context = new HeaderContext(21, parent, MedianTimePast.Compute(times), times[20]);
        Assert.That(context.ParentMedianTimePast, Is.EqualTo(GenesisTime + 120 * 15));

        long earliest = times[20] - Testnet.MaxTimeWarpSeconds;
        var violation = Check(Mine(Testnet, context, earliest - 1), context, Testnet);
        Assert.That(violation?.Reason, Is.EqualTo("time-timewarp-attack"));
        Assert.That(violation!.Message, Does.Contain(times[20].ToString()));
        Assert.That(Reason(Mine(Testnet, context, earliest), context, Testnet), Is.EqualTo(ReachedTheVdfRule));
    }

    [Test]
    public void NextBitsFollowTheParentsTimestamp()
    {
        // The same parent height with an earlier parent timestamp demands a harder target: the header must carry it.
        var parent = Testnet.Genesis.Header with { Time = GenesisTime + 120 * 360 - 43_200 };
        var context = new HeaderContext(361, parent, parent.Time - 600, parent.Time + 60);
        var header = Mine(Testnet, context, parent.Time + 60);
        Assert.That(header.Bits, Is.EqualTo(0x2003ffffu));
        Assert.That(Reason(header, context, Testnet), Is.EqualTo(ReachedTheVdfRule));
    }
}
