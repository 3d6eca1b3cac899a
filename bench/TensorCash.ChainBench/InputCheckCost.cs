using System.Diagnostics;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.ChainBench;

/// <summary>
/// What checking one P2PKH input costs, taken apart: the whole script check (ScriptVerifier.VerifyInput), the legacy
/// signature hash, HASH160 of the key, and Secp256k1Keys.Verify (NBitcoin.Secp256k1), with the previous OpenSSL path
/// (<see cref="OpenSslEcdsaReference"/>, NaN where the platform's OpenSSL lacks secp256k1) beside it; plus signing.
/// Medians of single calls on one input, to read the ledger numbers against.
/// </summary>
public sealed record InputCheckCost(double ScriptCheck, double SignatureHash, double KeyHash, double Verify, double OpenSslVerify, double Sign)
{
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

        PhaseTimings script = new(), sighash = new(), keyHash = new(), verify = new(), openSslVerify = new(), sign = new();
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

            if (OpenSslEcdsaReference.IsAvailable)
            {
                start = Stopwatch.GetTimestamp();
                valid = OpenSslEcdsaReference.Verify(publicKey, hash, signature);
                openSslVerify.Add(Stopwatch.GetElapsedTime(start));
                if (!valid) throw new InvalidOperationException("OpenSSL rejects a signature Secp256k1Keys accepted");
            }
        }
        return new InputCheckCost(script.Median(), sighash.Median(), keyHash.Median(), verify.Median(), openSslVerify.Median(), sign.Median());
    }
}
