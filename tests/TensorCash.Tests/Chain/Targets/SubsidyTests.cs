using NUnit.Framework;
using TensorCash.Chain.Consensus;

namespace TensorCash.Tests.Chain.Targets;

public class SubsidyTests
{
    private const long Coin = 100_000_000;

    [TestCase(0, 50 * Coin)]
    [TestCase(209_999, 50 * Coin)]
    [TestCase(210_000, 25 * Coin)]
    [TestCase(419_999, 25 * Coin)]
    [TestCase(420_000, 1_250_000_000L)]
    [TestCase(32 * 210_000, 1L)] // 5e9 >> 32: the last satoshi
    [TestCase(33 * 210_000, 0L)]
    [TestCase(63 * 210_000 + 209_999, 0L)]
    [TestCase(64 * 210_000, 0L)] // a 64-bit shift must not wrap around to 50 coins
    [TestCase(int.MaxValue, 0L)]
    public void MainHalvesEvery210000Blocks(int height, long subsidy) =>
        Assert.That(Subsidy.GetBlockSubsidy(height, ChainParams.Main), Is.EqualTo(subsidy));

    [TestCase(149, 50 * Coin)]
    [TestCase(150, 25 * Coin)]
    [TestCase(299, 25 * Coin)]
    [TestCase(300, 1_250_000_000L)]
    [TestCase(64 * 150, 0L)]
    [TestCase(64 * 150 - 1, 0L)]
    public void RegtestHalvesEvery150Blocks(int height, long subsidy) =>
        Assert.That(Subsidy.GetBlockSubsidy(height, ChainParams.Regtest), Is.EqualTo(subsidy));

    [Test]
    public void TestnetFollowsMain() =>
        Assert.That(Subsidy.GetBlockSubsidy(210_000, ChainParams.Testnet), Is.EqualTo(25 * Coin));

    [Test]
    public void TotalIssuanceStaysBelowMaxMoney()
    {
        foreach (var p in new[] { ChainParams.Main, ChainParams.Regtest })
        {
            long total = 0;
            for (int halving = 0; halving < 64; halving++)
                total += p.SubsidyHalvingInterval * Subsidy.GetBlockSubsidy(halving * p.SubsidyHalvingInterval, p);
            Assert.That(total, Is.LessThanOrEqualTo(p.MaxMoney), p.Network.ToString());
            if (p.Network == Network.Main) Assert.That(total, Is.EqualTo(2_099_999_997_690_000L));
        }
    }

    [Test]
    public void NegativeHeightIsAnError() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Subsidy.GetBlockSubsidy(-1, ChainParams.Main));
}
