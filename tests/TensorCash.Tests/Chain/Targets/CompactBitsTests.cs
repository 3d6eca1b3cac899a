using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Consensus;

namespace TensorCash.Tests.Chain.Targets;

public class CompactBitsTests
{
    /// <summary>
    /// Bitcoin Core src/test/arith_uint256_tests.cpp, test case bignum_SetCompact: compact input, GetHex of the value,
    /// GetCompact (with the negative flag for the two negative inputs), fNegative, fOverflow.
    /// </summary>
    private static readonly object[] CoreSetCompactVectors =
    [
        new object[] { 0x00000000u, "0", 0x00000000u, false, false },
        new object[] { 0x00123456u, "0", 0x00000000u, false, false },
        new object[] { 0x01003456u, "0", 0x00000000u, false, false },
        new object[] { 0x02000056u, "0", 0x00000000u, false, false },
        new object[] { 0x03000000u, "0", 0x00000000u, false, false },
        new object[] { 0x04000000u, "0", 0x00000000u, false, false },
        new object[] { 0x00923456u, "0", 0x00000000u, false, false },
        new object[] { 0x01803456u, "0", 0x00000000u, false, false },
        new object[] { 0x02800056u, "0", 0x00000000u, false, false },
        new object[] { 0x03800000u, "0", 0x00000000u, false, false },
        new object[] { 0x04800000u, "0", 0x00000000u, false, false },
        new object[] { 0x01123456u, "12", 0x01120000u, false, false },
        new object[] { 0x01fedcbau, "7e", 0x01fe0000u, true, false },
        new object[] { 0x02123456u, "1234", 0x02123400u, false, false },
        new object[] { 0x03123456u, "123456", 0x03123456u, false, false },
        new object[] { 0x04123456u, "12345600", 0x04123456u, false, false },
        new object[] { 0x04923456u, "12345600", 0x04923456u, true, false },
        new object[] { 0x05009234u, "92340000", 0x05009234u, false, false },
        new object[] { 0x20123456u, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456u, false, false },
    ];

    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.HexNumber);

    [TestCaseSource(nameof(CoreSetCompactVectors))]
    public void DecodesAndReencodesLikeBitcoinCore(uint compact, string valueHex, uint getCompact, bool negative, bool overflow)
    {
        var value = CompactBits.Decode(compact, out bool isNegative, out bool isOverflow);
        Assert.That(value, Is.EqualTo(Hex(valueHex)));
        Assert.That(isNegative, Is.EqualTo(negative));
        Assert.That(isOverflow, Is.EqualTo(overflow));
        // Encode never sets the sign bit; Core's GetCompact(true) adds it back for a negative number.
        uint encoded = CompactBits.Encode(value);
        Assert.That(negative ? encoded | 0x0080_0000u : encoded, Is.EqualTo(getCompact));
    }

    [Test]
    public void CoreOverflowVectorIsFlagged()
    {
        CompactBits.Decode(0xff123456, out bool negative, out bool overflow);
        Assert.That(negative, Is.False);
        Assert.That(overflow, Is.True);
    }

    [Test]
    public void EncodingNeverSetsTheSignBit() =>
        // Core: "Make sure that we don't generate compacts with the 0x00800000 bit set" (num = 0x80).
        Assert.That(CompactBits.Encode(0x80), Is.EqualTo(0x02008000u));

    [TestCase(0x1d00ffffu, "ffff0000000000000000000000000000000000000000000000000000")] // Bitcoin's powLimit
    [TestCase(0x207fffffu, "7fffff0000000000000000000000000000000000000000000000000000000000")] // regtest
    [TestCase(0x2007ffffu, "07ffff0000000000000000000000000000000000000000000000000000000000")] // TensorCash main/testnet
    [TestCase(0x01010000u, "1")] // the hardest target
    public void ValidTargetsDecode(uint bits, string hex) =>
        Assert.That(CompactBits.DecodeTarget(bits), Is.EqualTo(Hex(hex)));

    [TestCase(0x00000000u)] // zero
    [TestCase(0x04800000u)] // negative zero is zero
    [TestCase(0x01fedcbau)] // negative
    [TestCase(0x04923456u)] // negative
    [TestCase(0xff123456u)] // overflow
    [TestCase(0x21010000u)] // 0x010000 * 256^30 = 2^256: one past the largest 256-bit value
    [TestCase(0x22000100u)] // 0x0100 * 256^31 = 2^256
    [TestCase(0x23000001u)] // 1 * 256^32 = 2^256
    public void UnusableTargetsAreRejected(uint bits) =>
        Assert.That(CompactBits.DecodeTarget(bits), Is.Null);

    [TestCase(0x2100ffffu)] // 0xffff * 256^30 < 2^256
    [TestCase(0x220000ffu)] // 0xff * 256^31 < 2^256
    public void LargestSizesStillDecodeBelow2To256(uint bits) =>
        Assert.That(CompactBits.DecodeTarget(bits), Is.LessThan(BigInteger.One << 256));

    [Test]
    public void EncodeRejectsValuesOutside256Bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactBits.Encode(BigInteger.MinusOne));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactBits.Encode(BigInteger.One << 256));
        Assert.That(CompactBits.Encode((BigInteger.One << 256) - 1), Is.EqualTo(0x2100ffffu));
    }

    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(2000);

    /// <summary>Any value below 2^256 with a random magnitude: 32 random bytes shifted right by 0..256 bits.</summary>
    private static Arbitrary<BigInteger> Values => Gen.Choose(0, int.MaxValue).Select(seed =>
    {
        var random = new Random(seed);
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true) >> random.Next(257);
    }).ToArbitrary();

    /// <summary>Random nBits, mostly with a size byte in the meaningful range 0..35 so many of them decode.</summary>
    private static Arbitrary<uint> Compacts => Gen.Choose(0, int.MaxValue).Select(seed =>
    {
        var random = new Random(seed);
        uint size = (uint)(random.Next(10) == 0 ? random.Next(256) : random.Next(36));
        return size << 24 | (uint)random.Next(1 << 24);
    }).ToArbitrary();

    [Test]
    public void DecodeOfEncodeKeepsTheTopSixteenBitsAtLeast() => Prop.ForAll(Values, t =>
    {
        var back = CompactBits.Decode(CompactBits.Encode(t), out bool negative, out bool overflow);
        // Truncation: never above t, and off by less than one unit in the 16th significant bit.
        long lowBits = Math.Max(0, t.GetBitLength() - 16);
        return !negative && !overflow && back <= t && t - back < (BigInteger.One << (int)lowBits)
            && (t.GetBitLength() > 23 || back == t);
    }).Check(Quick);

    [Test]
    public void EncodeIsCanonical() => Prop.ForAll(Values, t =>
    {
        uint bits = CompactBits.Encode(t);
        uint mantissa = bits & 0x007f_ffff;
        // Normalised: zero is 0; otherwise no sign bit and a mantissa whose top byte is used (at least 0x8000), and
        // decoding then re-encoding gives the same bits.
        bool normalised = t.IsZero ? bits == 0 : (bits & 0x0080_0000) == 0 && mantissa >= 0x8000;
        return normalised && CompactBits.Encode(CompactBits.Decode(bits, out _, out _)) == bits;
    }).Check(Quick);

    [Test]
    public void EveryUsableCompactRoundTripsThroughItsCanonicalForm() => Prop.ForAll(Compacts, bits =>
    {
        if (CompactBits.DecodeTarget(bits) is not { } target) return true;
        return CompactBits.DecodeTarget(CompactBits.Encode(target)) == target;
    }).Check(Quick);

    [Test]
    public void OverflowFlagMeansAtLeast2To256() => Prop.ForAll(Compacts, bits =>
    {
        var value = CompactBits.Decode(bits, out _, out bool overflow);
        return overflow == (value >= BigInteger.One << 256);
    }).Check(Quick);
}
