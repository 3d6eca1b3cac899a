using System.Diagnostics;
using System.Security.Cryptography;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.ChainBench;

/// <summary>
/// What checking one P2PKH input costs, taken apart: the whole script check (ScriptVerifier.VerifyInput), the legacy
/// signature hash, HASH160 of the key, and Secp256k1Keys.Verify with its own steps (decompressing the public key in
/// managed BigInteger code, importing the point into OpenSSL, the ECDSA check itself); plus signing. Medians of single
/// calls on one input, to read the ledger numbers against and to show where a faster implementation would gain.
/// </summary>
public sealed record InputCheckCost(double ScriptCheck, double SignatureHash, double KeyHash, double Verify, double Decompress,
    double Import, double VerifyHash, double Sign)
{
    private static readonly ECCurve Curve = ECCurve.CreateFromFriendlyName("secp256k1");

    public static InputCheckCost Measure(int repetitions, Random random)
    {
        var key = new byte[Secp256k1Keys.PrivateKeySize];
        do random.NextBytes(key);
        while (!Secp256k1Keys.IsValidPrivateKey(key));
        var publicKey = Secp256k1Keys.GetPublicKey(key);
        var spent = new TxOut(50_000_000, ScriptTemplates.PayToPubKeyHash(Hash160.Compute(publicKey)));
        var prevout = new byte[Hash256.Size];
        random.NextBytes(prevout);
        var unsigned = new Transaction(1, [new TxIn(new OutPoint(new Hash256(prevout), 0), [])],
            [new TxOut(20_000_000, spent.ScriptPubKey), new TxOut(29_990_000, spent.ScriptPubKey)], 0);
        var tx = TransactionSigner.WithScriptSig(unsigned, 0, TransactionSigner.SignP2PKH(unsigned, 0, spent.ScriptPubKey, key));
        var hash = LegacySignatureHash.Compute(tx, 0, spent.ScriptPubKey, SigHashType.All)!.Value.ToArray();

        PhaseTimings script = new(), sighash = new(), keyHash = new(), verify = new(),
            decompress = new(), import = new(), verifyHash = new(), sign = new();
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            if (ScriptVerifier.VerifyInput(tx, 0, spent) is { } violation) throw new InvalidOperationException($"the reference input does not verify: {violation}");
            script.Add(Stopwatch.GetElapsedTime(start));
            start = Stopwatch.GetTimestamp();
            LegacySignatureHash.Compute(tx, 0, spent.ScriptPubKey, SigHashType.All);
            sighash.Add(Stopwatch.GetElapsedTime(start));
            start = Stopwatch.GetTimestamp();
            Hash160.Compute(publicKey);
            keyHash.Add(Stopwatch.GetElapsedTime(start));

            start = Stopwatch.GetTimestamp();
            var signature = Secp256k1Keys.Sign(key, hash);
            sign.Add(Stopwatch.GetElapsedTime(start));
            start = Stopwatch.GetTimestamp();
            bool valid = Secp256k1Keys.Verify(publicKey, hash, signature);
            verify.Add(Stopwatch.GetElapsedTime(start));
            if (!valid) throw new InvalidOperationException("a fresh signature does not verify");

            start = Stopwatch.GetTimestamp();
            if (!Secp256k1Curve.TryDecompress(publicKey, out var x, out var y)) throw new InvalidOperationException("a derived public key does not decompress");
            decompress.Add(Stopwatch.GetElapsedTime(start));
            start = Stopwatch.GetTimestamp();
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = Curve, Q = new ECPoint { X = x, Y = y } });
            import.Add(Stopwatch.GetElapsedTime(start));
            if (!DerSignature.TryParse(signature, out var r, out var s)) throw new InvalidOperationException("a fresh signature is not strict DER");
            byte[] fixedSignature = [.. Secp256k1Curve.ToScalarBytes(r), .. Secp256k1Curve.ToScalarBytes(s)];
            start = Stopwatch.GetTimestamp();
            valid = ecdsa.VerifyHash(hash, fixedSignature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            verifyHash.Add(Stopwatch.GetElapsedTime(start));
            if (!valid) throw new InvalidOperationException("OpenSSL rejects a signature Secp256k1Keys accepted");
        }
        return new InputCheckCost(script.Median(), sighash.Median(), keyHash.Median(), verify.Median(), decompress.Median(),
            import.Median(), verifyHash.Median(), sign.Median());
    }
}
