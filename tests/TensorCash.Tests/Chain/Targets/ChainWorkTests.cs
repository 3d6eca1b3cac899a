using System.Numerics;
using NUnit.Framework;
using TensorCash.Chain.Consensus;

namespace TensorCash.Tests.Chain.Targets;

public class ChainWorkTests
{
    [TestCase(0x1d00ffffu, "4295032833")] // Bitcoin's genesis: chainwork 0x100010001
    [TestCase(0x207fffffu, "2")] // Bitcoin's and TensorCash's regtest
    [TestCase(0x2007ffffu, "32")] // TensorCash main/testnet powLimit
    [TestCase(0x1b0404cbu, "70040908352512")] // 0x3fb3ab764c00
    [TestCase(0x01010000u, "57896044618658097711785492504343953926634992332820282019728792003956564819968")] // target 1: 2^255
    public void BlockProofIsFloorOf2To256OverTargetPlusOne(uint bits, string work) =>
        Assert.That(ChainWork.ForBits(bits), Is.EqualTo(BigInteger.Parse(work)));

    [TestCase(0x00000000u)]
    [TestCase(0x04923456u)]
    [TestCase(0xff123456u)]
    public void UnusableBitsAddNoWork(uint bits) => Assert.That(ChainWork.ForBits(bits), Is.EqualTo(BigInteger.Zero));

    [Test]
    public void WorkIgnoresTheModelAdjustment()
    {
        // The same nBits on main's builtin:tiny (D_m ≈ 3779 N, nAdjBits 0x1f008abd) and on a neutral model weigh the same:
        // work is a function of nBits alone, so a header's nAdjBits cannot change it.
        ulong tiny = ChainParams.Main.Models[ChainParams.BuiltinTinyModelId].Difficulty;
        Assert.That(TargetCalculator.AdjustedBits(0x2007ffff, tiny, ChainParams.Main), Is.EqualTo(0x1f008abdu));
        Assert.That(ChainWork.ForBits(0x2007ffff), Is.EqualTo(new BigInteger(32)));
        Assert.That(ChainWork.ForBits(0x1f008abd), Is.Not.EqualTo(ChainWork.ForBits(0x2007ffff)));
    }
}
