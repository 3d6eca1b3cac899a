using System.Globalization;
using System.Numerics;
using NUnit.Framework;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;

namespace TensorCash.Tests.Chain.Targets;

public class TargetCalculatorTests
{
    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber);
    private static readonly ChainParams Main = ChainParams.Main;
    private const ulong N = ChainParams.StandardModelNormaliser;

    /// <summary>A context whose parent is at height - 1 with the given time (MTP and clock do not matter to targets).</summary>
    private static HeaderContext At(ChainParams p, int height, long parentTime) =>
        new(height, p.Genesis.Header with { Time = (uint)parentTime }, 0, 0);

    // T_adj examples (also in docs/protocol/chain.md): nBits, D_m, floor(T_base * N / D_m) clamped, nAdjBits.
    [TestCase(0x2007ffffu, 1_024_000_000ul, "1ffffc0000000000000000000000000000000000000000000000000000000", 0x1f01ffffu)] // a model at 1024 N at powLimit
    [TestCase(0x1d00ffffu, 3_000_000ul, "55550000000000000000000000000000000000000000000000000000", 0x1c555500u)]
    [TestCase(0x1b0404cbu, 1_234_567ul, "34152aa6d5f42b8be4e212baabc6a1b9bf2dfc52d131250218a0c", 0x1b034152u)]
    [TestCase(0x2007ffffu, 500_000ul, "7ffff0000000000000000000000000000000000000000000000000000000000", 0x2007ffffu)] // 2 T_base, clamped to powLimit
    [TestCase(0x1f00ffffu, 999_999ul, "ffff10c6e7f336dde2dc4ab3afa221c280cb96793f528adbf10c6e7f336d", 0x1f00ffffu)] // slightly easier, same compact
    [TestCase(0x01010000u, 2_000_000ul, "1", 0x01010000u)] // floor(1/2) = 0, raised to the hardest valid target 1
    public void AdjustedTargetIsExactAndEncodesToNAdjBits(uint bits, ulong difficulty, string adjustedHex, uint adjBits)
    {
        var adjusted = TargetCalculator.AdjustedTarget(CompactBits.DecodeTarget(bits)!.Value, difficulty, Main);
        Assert.That(adjusted, Is.EqualTo(Hex(adjustedHex)));
        Assert.That(CompactBits.Encode(adjusted), Is.EqualTo(adjBits));
    }

    [Test]
    public void AdjustedBitsUsesTheModelsDifficulty()
    {
        static ulong Tiny(ChainParams p) => p.Models[ChainParams.BuiltinTinyModelId].Difficulty;
        // builtin:tiny on main: D_m = 735 748 228 (its cost against the 1B-class reference).
        Assert.That(TargetCalculator.AdjustedBits(0x2007ffff, Tiny(ChainParams.Main), ChainParams.Main), Is.EqualTo(0x1f008abdu));
        Assert.That(TargetCalculator.AdjustedBits(0x2007ffff, 1024 * N, ChainParams.Main), Is.EqualTo(0x1f01ffffu));
        // Neutral D_m = N on testnet and regtest: nAdjBits = nBits.
        Assert.That(TargetCalculator.AdjustedBits(0x1c0ffff0, Tiny(ChainParams.Testnet), ChainParams.Testnet), Is.EqualTo(0x1c0ffff0u));
        Assert.That(TargetCalculator.AdjustedBits(0x207fffff, Tiny(ChainParams.Regtest), ChainParams.Regtest), Is.EqualTo(0x207fffffu));
    }

    [Test]
    public void AdjustmentStartsFromTheDecodedBaseTarget()
    {
        // 0x1c0ffff0 decodes to 0x0ffff0 * 256^25; halving that exact value, not some unrounded ASERT output.
        var tbase = Hex("0ffff0") << (8 * 25);
        Assert.That(TargetCalculator.AdjustedTarget(tbase, 2 * N, Main), Is.EqualTo(Hex("7fff8") << (8 * 25)));
    }

    [Test]
    public void InvalidInputsThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TargetCalculator.AdjustedTarget(BigInteger.One, 0, Main));
        Assert.Throws<ArgumentException>(() => TargetCalculator.AdjustedBits(0x04923456, N, Main));
        Assert.Throws<ArgumentOutOfRangeException>(() => TargetCalculator.NextBits(At(Main, 0, 0), Main));
    }

    [Test]
    public void OnScheduleChainKeepsTheGenesisTarget()
    {
        var genesis = ChainParams.Testnet.Genesis.Header;
        foreach (int height in new[] { 1, 2, 100, 10_000 })
        {
            long parentTime = genesis.Time + (height - 1) * ChainParams.Testnet.TargetSpacingSeconds;
            Assert.That(TargetCalculator.NextBits(At(ChainParams.Testnet, height, parentTime), ChainParams.Testnet), Is.EqualTo(genesis.Bits), $"height {height}");
        }
    }

    [Test]
    public void OneHalfLifeAheadHalvesTheTargetAndLateBlocksStayAtPowLimit()
    {
        var p = ChainParams.Testnet;
        long onSchedule = p.Genesis.Header.Time + 999 * p.TargetSpacingSeconds; // parent of block 1000
        Assert.That(TargetCalculator.NextBits(At(p, 1000, onSchedule - p.AsertHalfLifeSeconds), p), Is.EqualTo(0x2003ffffu));
        Assert.That(TargetCalculator.NextBits(At(p, 1000, onSchedule - 2 * p.AsertHalfLifeSeconds), p), Is.EqualTo(0x2001ffffu));
        // Genesis starts at powLimit: a slow chain cannot get easier than that.
        Assert.That(TargetCalculator.NextBits(At(p, 1000, onSchedule + 5 * p.AsertHalfLifeSeconds), p), Is.EqualTo(p.PowLimitBits));
    }

    [Test]
    public void AsertVectorsForTensorCashMain()
    {
        // Documented in docs/protocol/chain.md: (height, parent time offset from genesis) -> nBits.
        var p = ChainParams.Main;
        long g = p.Genesis.Header.Time;
        Assert.That(TargetCalculator.NextBits(At(p, 1, g), p), Is.EqualTo(0x2007ffffu));
        Assert.That(TargetCalculator.NextBits(At(p, 361, g + 360 * 120 - 43_200), p), Is.EqualTo(0x2003ffffu));
        Assert.That(TargetCalculator.NextBits(At(p, 721, g + 720 * 120 - 3 * 3600), p), Is.EqualTo(0x2006ba43u));
        Assert.That(TargetCalculator.NextBits(At(p, 1441, g + 60), p), Is.EqualTo(0x2000801fu));
    }

    [Test]
    public void RegtestNeverRetargets()
    {
        var p = ChainParams.Regtest;
        foreach (long parentTime in new long[] { 0, p.Genesis.Header.Time, p.Genesis.Header.Time + 1_000_000 })
            Assert.That(TargetCalculator.NextBits(At(p, 500, parentTime), p), Is.EqualTo(0x207fffffu));
    }

    [Test]
    public void AsertClampsToOneAndToPowLimit()
    {
        var limit = CompactBits.DecodeTarget(0x1d00ffff)!.Value;
        Assert.That(Asert.NextTarget(limit, long.MinValue / 2, 0, 600, 172_800, limit), Is.EqualTo(BigInteger.One));
        Assert.That(Asert.NextTarget(BigInteger.One, long.MaxValue / 2, 0, 600, 172_800, limit), Is.EqualTo(limit));
        Assert.That(Asert.NextTarget(BigInteger.One, 0, long.MaxValue - 1, 600, 172_800, limit), Is.EqualTo(BigInteger.One));
        Assert.Throws<ArgumentOutOfRangeException>(() => Asert.NextTarget(limit + 1, 0, 0, 600, 172_800, limit));
        Assert.Throws<ArgumentOutOfRangeException>(() => Asert.NextTarget(BigInteger.Zero, 0, 0, 600, 172_800, limit));
        Assert.Throws<ArgumentOutOfRangeException>(() => Asert.NextTarget(limit, 0, -1, 600, 172_800, limit));
    }
}
