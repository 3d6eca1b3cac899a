using NUnit.Framework;
using TensorCash.Proof;

namespace TensorCash.Tests.Proof;

public class DrawTests
{
    [Test]
    public void DrawVectorsMatchTheDocumentThroughBothImplementations()
    {
        foreach (var vector in ProofTestVectors.Draws)
        {
            var binding = new ChainBinding(vector.B, vector.V, vector.Tick);
            var context = ContextHash.Initial(vector.ModelId, vector.Prompt);
            foreach (var token in vector.PriorTokens) context = ContextHash.Next(context, token);
            Assert.That(Convert.ToHexStringLower(context), Is.EqualTo(vector.ExpectedContextHex), vector.Name);
            Assert.That(DrawFunction.Draw(binding, vector.Step, context, vector.Precision).ToString("x16"), Is.EqualTo(vector.ExpectedDrawHex), vector.Name);

            var specContext = SpecTransliteration.C0(vector.ModelId, vector.Prompt);
            foreach (var token in vector.PriorTokens) specContext = SpecTransliteration.CNext(specContext, token);
            Assert.That(Convert.ToHexStringLower(specContext), Is.EqualTo(vector.ExpectedContextHex), vector.Name);
            var specU = SpecTransliteration.U(vector.B, vector.V, vector.Tick, vector.Step, specContext, (byte)vector.Precision);
            Assert.That(specU.ToString("x16")[^16..], Is.EqualTo(vector.ExpectedDrawHex), vector.Name);
        }
    }

    [Test]
    public void EveryBoundFieldChangesTheDraw()
    {
        var b = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var v = new byte[32];
        var c = ContextHash.Initial("m"u8, [1, 2, 3]);
        var baseline = DrawFunction.Draw(new ChainBinding(b, v, 7), 0, c, PrecisionTag.F32);
        var b2 = (byte[])b.Clone(); b2[31] ^= 1;
        var v2 = (byte[])v.Clone(); v2[0] = 1;
        Assert.Multiple(() =>
        {
            Assert.That(DrawFunction.Draw(new ChainBinding(b2, v, 7), 0, c, PrecisionTag.F32), Is.Not.EqualTo(baseline), "B");
            Assert.That(DrawFunction.Draw(new ChainBinding(b, v2, 7), 0, c, PrecisionTag.F32), Is.Not.EqualTo(baseline), "v");
            Assert.That(DrawFunction.Draw(new ChainBinding(b, v, 8), 0, c, PrecisionTag.F32), Is.Not.EqualTo(baseline), "T");
            Assert.That(DrawFunction.Draw(new ChainBinding(b, v, 7), 1, c, PrecisionTag.F32), Is.Not.EqualTo(baseline), "t");
            Assert.That(DrawFunction.Draw(new ChainBinding(b, v, 7), 0, ContextHash.Next(c, 4), PrecisionTag.F32), Is.Not.EqualTo(baseline), "C_t");
            Assert.That(DrawFunction.Draw(new ChainBinding(b, v, 7), 0, c, PrecisionTag.BF16), Is.Not.EqualTo(baseline), "dt");
            // The length prefix keeps a longer B from aliasing a shorter B followed by v's first byte.
            Assert.That(DrawFunction.Draw(new ChainBinding([.. b, 0], v, 7), 0, c, PrecisionTag.F32), Is.Not.EqualTo(baseline), "|B|");
        });
    }

    [Test]
    public void BadInputsAreRejectedWithTheFieldNamed()
    {
        Assert.That(() => new ChainBinding(new byte[31], new byte[32], 0), Throws.TypeOf<ProofInputException>().With.Message.Contains("chain binding B is 31 bytes"));
        Assert.That(() => new ChainBinding(new byte[81], new byte[32], 0), Throws.TypeOf<ProofInputException>().With.Message.Contains("80"));
        Assert.That(() => new ChainBinding(new byte[32], new byte[31], 0), Throws.TypeOf<ProofInputException>().With.Message.Contains("VDF output"));
        Assert.That(() => ContextHash.Initial([], [1]), Throws.TypeOf<ProofInputException>().With.Message.Contains("model id"));
        Assert.That(() => ContextHash.Initial("m"u8, [1, -2]), Throws.TypeOf<ProofInputException>().With.Message.Contains("prompt token 1"));
        var binding = new ChainBinding(new byte[32], new byte[32], 0);
        Assert.That(() => DrawFunction.Draw(binding, 0, new byte[32], (PrecisionTag)0), Throws.TypeOf<ProofInputException>().With.Message.Contains("0x00"));
        Assert.That(() => DrawFunction.Draw(binding, 0, new byte[31], PrecisionTag.F32), Throws.TypeOf<ProofInputException>().With.Message.Contains("C_0"));
    }
}
