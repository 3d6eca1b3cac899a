using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Script;

/// <summary>
/// The checker's signature-hash cache (issue 12, "Quadratic signature hashing"): one hash per (scriptCode, hash type)
/// within an input, and the same verdict as recomputing at every check.
/// </summary>
public class SignatureHashCacheTests
{
    private static readonly byte[][] Keys = ScriptTestKit.PrivateKeys;
    private static readonly byte[][] PublicKeys = ScriptTestKit.PublicKeys;
    private static readonly byte[] HashTypes =
        [SigHashType.All, SigHashType.None, SigHashType.Single, SigHashType.All | SigHashType.AnyoneCanPay,
         SigHashType.None | SigHashType.AnyoneCanPay, SigHashType.Single | SigHashType.AnyoneCanPay];

    /// <summary>The DoS script of issue 12: <c>(OP_2DUP OP_CHECKSIGVERIFY)×100 OP_CHECKSIG</c>, spent by &lt;sig&gt; &lt;pubkey&gt;.</summary>
    public static byte[] AttackScript(int repeats = 100)
    {
        var builder = new ScriptBuilder();
        for (int i = 0; i < repeats; i++) builder.Op(Opcode.OP_2DUP).Op(Opcode.OP_CHECKSIGVERIFY);
        return builder.Op(Opcode.OP_CHECKSIG).ToArray();
    }

    [Test]
    public void TheAttackScriptHashesOncePerInputInsteadOfOncePerCheck()
    {
        var script = AttackScript();
        Assert.That(ScriptVerifier.CountAccurateSigOps(script), Is.EqualTo(101));
        var unsigned = ScriptTestKit.Spend([]);
        var signature = TransactionSigner.CreateSignature(unsigned, 0, script, Keys[0]);
        var tx = TransactionSigner.WithScriptSig(unsigned, 0, new ScriptBuilder().Push(signature).Push(PublicKeys[0]).ToArray());

        var cached = new TransactionSignatureChecker(tx, 0);
        var uncached = new TransactionSignatureChecker(tx, 0, cacheSignatureHashes: false);
        Assert.That(ScriptInterpreter.Verify(tx.Inputs[0].ScriptSig, script, cached).IsSuccess, Is.True);
        Assert.That(ScriptInterpreter.Verify(tx.Inputs[0].ScriptSig, script, uncached).IsSuccess, Is.True);
        Assert.That(cached.SignatureHashesComputed, Is.EqualTo(1));
        Assert.That(uncached.SignatureHashesComputed, Is.EqualTo(101));
        Assert.That(cached.SignatureVerifications, Is.EqualTo(1));
        Assert.That(uncached.SignatureVerifications, Is.EqualTo(101));
    }

    [Test]
    public void ACodeSeparatorOrAnotherHashTypeIsANewHash()
    {
        // <pk0> CHECKSIGVERIFY <pk0> CHECKSIGVERIFY CODESEPARATOR <pk0> CHECKSIGVERIFY <pk0> CHECKSIGVERIFY 1, with the
        // second signature of each half under another hash type: four checks, three distinct (scriptCode, type) pairs.
        var (tx, script) = Build(new Random(1), [(false, SigHashType.All), (false, SigHashType.All), (true, SigHashType.All), (false, SigHashType.None)], inputs: 1, outputs: 1, corrupt: -1);
        var checker = new TransactionSignatureChecker(tx, 0);
        var result = ScriptInterpreter.Verify(tx.Inputs[0].ScriptSig, script, checker);
        Assert.That(result.IsSuccess, Is.True, result.ToString());
        Assert.That(checker.SignatureHashesComputed, Is.EqualTo(3));
    }

    [Test]
    public void CachingNeverChangesAVerdict()
    {
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int checks = random.Next(1, 6);
            var plan = Enumerable.Range(0, checks).Select(_ => (Separator: random.Next(4) == 0, HashType: HashTypes[random.Next(random.Next(2) == 0 ? 2 : HashTypes.Length)])).ToArray();
            int inputs = random.Next(1, 4), outputs = random.Next(1, 4);
            int corrupt = random.Next(3) == 0 ? random.Next(checks) : -1;
            var (tx, script) = Build(random, plan, inputs, outputs, corrupt);
            int input = random.Next(inputs);
            var cached = new TransactionSignatureChecker(tx, input);
            var uncached = new TransactionSignatureChecker(tx, input, cacheSignatureHashes: false);
            var a = ScriptInterpreter.Verify(tx.Inputs[input].ScriptSig, script, cached);
            var b = ScriptInterpreter.Verify(tx.Inputs[input].ScriptSig, script, uncached);
            Assert.That(a, Is.EqualTo(b), $"seed {seed}");
            Assert.That(cached.SignatureHashesComputed, Is.LessThanOrEqualTo(uncached.SignatureHashesComputed));
            // Signed correctly and not corrupted means valid, unless SINGLE lacks an output (no hash, SIG_HASHTYPE).
            bool singleWithoutOutput = input >= outputs && plan.Any(p => (p.HashType & SigHashType.BaseTypeMask) == SigHashType.Single);
            if (corrupt < 0 && !singleWithoutOutput) Assert.That(a.IsSuccess, Is.True, $"seed {seed}: {a}");
            if (corrupt >= 0) Assert.That(a.IsSuccess, Is.False, $"seed {seed}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
    }

    /// <summary>
    /// A transaction of <paramref name="inputs"/> inputs, each signed for <c>script</c> as its spent script. The script is, per planned check, an optional OP_CODESEPARATOR
    /// then <c>&lt;pk&gt; OP_CHECKSIGVERIFY</c>, and OP_1 at the end; check <paramref name="corrupt"/> (if any) gets a
    /// signature over the wrong hash type byte, which does not verify.
    /// </summary>
    private static (Transaction Tx, byte[] Script) Build(Random random, (bool Separator, byte HashType)[] plan, int inputs, int outputs, int corrupt)
    {
        var builder = new ScriptBuilder();
        var codeStarts = new int[plan.Length];
        var keyIndex = new int[plan.Length];
        int codeStart = 0;
        for (int c = 0; c < plan.Length; c++)
        {
            if (plan[c].Separator)
            {
                builder.Op(Opcode.OP_CODESEPARATOR);
                codeStart = builder.ToArray().Length;
            }
            codeStarts[c] = codeStart;
            keyIndex[c] = random.Next(PublicKeys.Length);
            builder.Push(PublicKeys[keyIndex[c]]).Op(Opcode.OP_CHECKSIGVERIFY);
        }
        var script = builder.Op(Opcode.OP_1).ToArray();

        var unsigned = new Transaction(1,
            Enumerable.Range(0, inputs).Select(i => new TxIn(new OutPoint(Hashes.Sha256d([(byte)i, (byte)random.Next(256)]), (uint)i), [], (uint)random.Next())).ToArray(),
            Enumerable.Range(0, outputs).Select(o => new TxOut(1_000 + random.Next(10_000), [(byte)Opcode.OP_1, (byte)o])).ToArray(), (uint)random.Next(1000));
        var scriptSigs = new byte[inputs][];
        for (int i = 0; i < inputs; i++)
        {
            var pushes = new List<byte[]>();
            for (int c = 0; c < plan.Length; c++)
            {
                var scriptCode = script[codeStarts[c]..];
                var hash = LegacySignatureHash.Compute(unsigned, i, scriptCode, plan[c].HashType);
                // SINGLE without an output has no hash: any well-formed signature makes the check fail with SIG_HASHTYPE.
                var signed = hash ?? Hashes.Sha256d(scriptCode);
                byte[] signature = [.. Secp256k1Keys.Sign(Keys[keyIndex[c]], signed.ToArray()), plan[c].HashType];
                if (c == corrupt) signature[^1] = plan[c].HashType == SigHashType.All ? SigHashType.None : SigHashType.All;
                pushes.Add(signature);
            }
            pushes.Reverse(); // the first check takes the top of the stack
            var scriptSig = new ScriptBuilder();
            foreach (var push in pushes) scriptSig.Push(push);
            scriptSigs[i] = scriptSig.ToArray();
        }
        var tx = unsigned;
        for (int i = 0; i < inputs; i++) tx = TransactionSigner.WithScriptSig(tx, i, scriptSigs[i]);
        return (tx, script);
    }
}
