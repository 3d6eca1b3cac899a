using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using static TensorCash.Tests.Chain.Script.ScriptTestKit;

namespace TensorCash.Tests.Chain.Crypto;

/// <summary>The signature cache may change how fast a verdict comes, never the verdict.</summary>
public class SignatureCacheTests
{
    private static readonly byte[] Key = [2, 1, 2, 3], Hash = [4, 5, 6], Signature = [7, 8];

    [Test]
    public void AHitNeedsTheExactTriple()
    {
        var cache = new SignatureCache();
        cache.Add(Key, Hash, Signature);
        Assert.That(cache.Contains(Key, Hash, Signature), Is.True);
        Assert.That(cache.Contains([2, 1, 2, 9], Hash, Signature), Is.False, "other key");
        Assert.That(cache.Contains(Key, [4, 5, 7], Signature), Is.False, "other hash");
        Assert.That(cache.Contains(Key, Hash, [7, 9]), Is.False, "other signature");
        // The same bytes split differently between the three parts are a different triple.
        Assert.That(cache.Contains([2, 1, 2], [3, 4, 5, 6], Signature), Is.False, "shifted split");
        Assert.That(cache.Hits, Is.EqualTo(1));
        Assert.That(new SignatureCache().Contains(Key, Hash, Signature), Is.False, "another cache");
    }

    [Test]
    public void TheOldestEntryGoesWhenTheCacheIsFull()
    {
        var cache = new SignatureCache(maxEntries: 3);
        for (byte i = 0; i < 4; i++) cache.Add(Key, Hash, [i]);
        cache.Add(Key, Hash, [3]); // a repeat does not take a slot
        Assert.That(cache.Count, Is.EqualTo(3));
        Assert.That(cache.Contains(Key, Hash, [0]), Is.False);
        Assert.That(Enumerable.Range(1, 3).All(i => cache.Contains(Key, Hash, [(byte)i])), Is.True);
    }

    [Test]
    public void ConcurrentUseKeepsTheBound()
    {
        var cache = new SignatureCache(maxEntries: 100);
        Parallel.For(0, 5000, i =>
        {
            byte[] signature = BitConverter.GetBytes(i);
            cache.Add(Key, Hash, signature);
            cache.Contains(Key, Hash, signature);
        });
        Assert.That(cache.Count, Is.EqualTo(100));
    }

    [Test]
    public void AVerifiedSignatureIsCachedAndAFailedOneNever()
    {
        var scriptPubKey = ScriptTemplates.PayToPubKeyHash(Hash160.Compute(PublicKeys[0]));
        var signed = SignedWith(Spend([]), tx => TransactionSigner.SignP2PKH(tx, 0, scriptPubKey, PrivateKeys[0]));
        var spent = new TxOut(5000, scriptPubKey);
        var cache = new SignatureCache();

        Assert.That(ScriptVerifier.VerifyInput(signed, 0, spent, cache), Is.Null);
        Assert.That((cache.Count, cache.Hits), Is.EqualTo((1, 0L)));
        Assert.That(ScriptVerifier.VerifyInput(signed, 0, spent, cache), Is.Null);
        Assert.That(cache.Hits, Is.EqualTo(1), "the second check is a hit");

        // Another output changes the signature hash: the cached triple does not apply and the check fails.
        var tampered = new Transaction(signed.Version, signed.Inputs, [new TxOut(4999, [])], signed.LockTime);
        var violation = ScriptVerifier.VerifyInput(tampered, 0, spent, cache);
        Assert.That(violation?.Reason, Is.EqualTo(ScriptVerifier.Reason(ScriptError.NULLFAIL)));
        Assert.That(ScriptVerifier.VerifyInput(tampered, 0, spent, cache)?.Reason, Is.EqualTo(violation!.Reason));
        Assert.That((cache.Count, cache.Hits), Is.EqualTo((1, 1L)), "failures are not stored");
    }
}
