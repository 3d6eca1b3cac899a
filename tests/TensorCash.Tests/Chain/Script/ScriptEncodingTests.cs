using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Script;

namespace TensorCash.Tests.Chain.Script;

/// <summary>Push encoding, parsing and script numbers.</summary>
public class ScriptEncodingTests
{
    // What a push instruction leaves on the stack: its data, or the value of a number opcode.
    private static byte[] PushedValue(Opcode opcode, ReadOnlySpan<byte> data) => opcode switch
    {
        Opcode.OP_1NEGATE => [0x81],
        >= Opcode.OP_1 and <= Opcode.OP_16 => [(byte)(opcode - Opcode.OP_1 + 1)],
        _ => data.ToArray(),
    };

    [TestCase(0, "00")]
    [TestCase(1, "51")]  // the single byte 0x01 is OP_1
    [TestCase(16, "10")] // 16 zero bytes: a direct push
    [TestCase(75, "4b")]
    [TestCase(76, "4c4c")]
    [TestCase(255, "4cff")]
    [TestCase(256, "4d0001")]
    [TestCase(65535, "4dffff")]
    [TestCase(65536, "4e00000100")]
    public void PushUsesTheShortestForm(int length, string expectedPrefix)
    {
        var data = new byte[length];
        if (length == 1) data[0] = 1;
        var script = new ScriptBuilder().Push(data).ToArray();
        Assert.That(Convert.ToHexString(script).ToLowerInvariant(), Does.StartWith(expectedPrefix));
        Assert.That(script, Has.Length.EqualTo(expectedPrefix.Length / 2 + (length == 1 ? 0 : length)));
    }

    [TestCase(-1, "4f")]
    [TestCase(0, "00")]
    [TestCase(7, "57")]
    [TestCase(16, "60")]
    [TestCase(17, "0111")]
    [TestCase(-2, "0182")]
    [TestCase(128, "028000")]
    [TestCase(-128, "028080")]
    [TestCase(500_000_000, "040065cd1d")]
    [TestCase(2_147_483_648L, "050000008000")]
    public void NumbersUseOpNOrMinimalScriptNums(long value, string expected)
    {
        Assert.That(Convert.ToHexString(new ScriptBuilder().Number(value).ToArray()).ToLowerInvariant(), Is.EqualTo(expected));
    }

    [Test]
    public void AnyPushParsesBackAsOneMinimalInstructionWithTheSameValue()
    {
        var element = Gen.Frequency(
            (3, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Where(a => a.Length <= 80)),
            (1, Gen.Choose(0, 20).Select(b => new[] { (byte)b })),
            (1, Gen.Choose(70, 600).SelectMany(n => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(n))),
            (1, Gen.Constant(new byte[] { 0x81 })));
        Prop.ForAll(element.ArrayOf().ToArbitrary(), elements =>
        {
            var builder = new ScriptBuilder();
            foreach (var e in elements) builder.Push(e);
            var script = builder.ToArray();
            if (!ScriptReader.IsPushOnly(script)) return false;
            var reader = new ScriptReader(script);
            foreach (var e in elements)
            {
                if (reader.AtEnd || !reader.TryRead(out var opcode, out var data)) return false;
                if (opcode <= Opcode.OP_PUSHDATA4 && !ScriptBuilder.IsMinimalPush(opcode, data)) return false;
                if (!PushedValue(opcode, data).AsSpan().SequenceEqual(e)) return false;
            }
            return reader.AtEnd;
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void AnyByteStringParsesIntoInstructionsThatReassembleIt()
    {
        // The reader never reads out of bounds: it either consumes every byte or stops at a truncated push.
        Prop.ForAll<byte[]>(bytes =>
        {
            bytes ??= [];
            var reader = new ScriptReader(bytes);
            var rebuilt = new List<byte>();
            while (!reader.AtEnd)
            {
                int start = reader.Position;
                if (!reader.TryRead(out _, out var data))
                    return reader.Position == start && IsTruncatedPushAt(bytes, start);
                rebuilt.AddRange(bytes[start..reader.Position]);
                if (data.Length > reader.Position - start) return false;
            }
            return rebuilt.SequenceEqual(bytes);
        }).QuickCheckThrowOnFailure();
    }

    private static bool IsTruncatedPushAt(byte[] script, int at) => script[at] <= (byte)Opcode.OP_PUSHDATA4;

    [Test]
    public void ScriptNumRoundTripsAndRejectsNonMinimalForms()
    {
        Prop.ForAll(Gen.Choose(int.MinValue, int.MaxValue).Select(v => (long)v * 3).ToArbitrary(), value =>
        {
            var bytes = ScriptNum.Encode(value);
            return ScriptNum.TryDecode(bytes, 8, out long back, out _) && back == value;
        }).QuickCheckThrowOnFailure();
        Assert.That(ScriptNum.TryDecode([0x01, 0x00], 4, out _, out _), Is.False, "1 with a redundant zero byte");
        Assert.That(ScriptNum.TryDecode([0x01, 0x80], 4, out _, out _), Is.False, "-1 with a redundant sign byte");
        Assert.That(ScriptNum.TryDecode([0xFF, 0x00], 4, out long needed, out _) && needed == 255, Is.True, "0x00 needed as the sign byte");
        Assert.That(ScriptNum.TryDecode([0x80], 4, out _, out var problem), Is.False, "negative zero");
        Assert.That(problem, Does.Contain("not minimally encoded"));
        Assert.That(ScriptNum.TryDecode([1, 2, 3, 4, 5], 4, out _, out problem), Is.False);
        Assert.That(problem, Does.Contain("5 bytes"));
        Assert.That(ScriptNum.TryDecode([0xFF, 0xFF, 0xFF, 0xFF], 4, out long min, out _) && min == -int.MaxValue, Is.True);
    }

    [Test]
    public void CastToBoolTreatsEveryZeroEncodingAsFalse()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ScriptInterpreter.CastToBool([]), Is.False);
            Assert.That(ScriptInterpreter.CastToBool([0, 0]), Is.False);
            Assert.That(ScriptInterpreter.CastToBool([0, 0x80]), Is.False);
            Assert.That(ScriptInterpreter.CastToBool([0x80, 0]), Is.True);
            Assert.That(ScriptInterpreter.CastToBool([0, 1]), Is.True);
        });
    }

    [Test]
    public void LegacySigOpsCountCheckSigAsOneAndMultisigAsTwentyUntilATruncatedPush()
    {
        Assert.That(ScriptVerifier.CountLegacySigOps(ScriptAsm.Parse("DUP HASH160 0x14 0x" + new string('0', 40) + " EQUALVERIFY CHECKSIG")), Is.EqualTo(1));
        Assert.That(ScriptVerifier.CountLegacySigOps(ScriptAsm.Parse("1 0 1 CHECKMULTISIG CHECKSIGVERIFY CHECKMULTISIGVERIFY")), Is.EqualTo(41));
        Assert.That(ScriptVerifier.CountLegacySigOps(ScriptAsm.Parse("0x01 0xac CHECKSIG 0x4c 0x05 0xacac")), Is.EqualTo(1), "bytes inside pushes and after a truncated push do not count");
        Assert.That(ScriptVerifier.CountLegacySigOps([]), Is.Zero);
    }

    [Test]
    public void OpReturnOutputsAreProvablyUnspendable()
    {
        Assert.That(ScriptTemplates.IsProvablyUnspendable(ScriptTemplates.NullData("hello"u8)), Is.True);
        Assert.That(ScriptTemplates.IsProvablyUnspendable(new byte[ScriptLimits.MaxScriptSize + 1]), Is.True);
        Assert.That(ScriptTemplates.IsProvablyUnspendable(ScriptTemplates.PayToPubKey(ScriptTestKit.PublicKeys[0])), Is.False);
        Assert.That(ScriptTemplates.IsProvablyUnspendable([]), Is.False);
    }
}
