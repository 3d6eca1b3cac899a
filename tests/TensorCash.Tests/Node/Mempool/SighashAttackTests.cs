using System.Diagnostics;
using NUnit.Framework;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Mempool;
using TensorCash.Tests.Chain.Ledger;
using TensorCash.Tests.Chain.Script;
using static TensorCash.Tests.Node.Mempool.TestChain;

namespace TensorCash.Tests.Node.Mempool;

/// <summary>
/// Issue 12, "Quadratic signature hashing": outputs of <c>(OP_2DUP OP_CHECKSIGVERIFY)×100 OP_CHECKSIG</c> are funded,
/// then one transaction spends them all with its last signature wrong. Before the fix each send cost seconds of CPU
/// under the pool lock. Now the funding is non-standard, the spend breaks the consensus limit on the sigops of spent
/// scripts (refused by a scan, before any script runs), a resend is refused from the recent-rejects set, and within the
/// limit each input hashes the transaction once.
/// </summary>
public class SighashAttackTests
{
    private const long OutputValue = 100_000;
    private static readonly byte[] Key = ScriptTestKit.PrivateKeys[0];
    private static readonly byte[] PublicKey = ScriptTestKit.PublicKeys[0];
    private static readonly byte[] PayTo = ScriptTemplates.PayToPubKeyHash(Hash160.Compute(PublicKey));
    private static readonly byte[] AttackScript = SignatureHashCacheTests.AttackScript();

    /// <summary>A transaction paying <paramref name="count"/> attack outputs from an OP_TRUE coin of <paramref name="chain"/>.</summary>
    private static Transaction Funding(TestChain chain, int count) =>
        new(1, [new TxIn(chain.Fund(count * OutputValue + 1_000_000), [])],
            Enumerable.Range(0, count).Select(_ => new TxOut(OutputValue, AttackScript)).ToArray(), 0);

    /// <summary>Mines <paramref name="count"/> attack outputs (in blocks that respect the block sigop limit) and returns them.</summary>
    private static List<OutPoint> FundedAttackOutputs(TestChain chain, int count)
    {
        var outputs = new List<OutPoint>();
        int perBlock = Parameters.MaxBlockSigOps / ScriptVerifier.CountLegacySigOps(AttackScript);
        while (outputs.Count < count)
        {
            var funding = Funding(chain, Math.Min(perBlock, count - outputs.Count));
            chain.Mine(funding);
            outputs.AddRange(Enumerable.Range(0, funding.Outputs.Count).Select(o => new OutPoint(funding.Txid, (uint)o)));
        }
        return outputs;
    }

    /// <summary>Spends <paramref name="prevouts"/> (attack outputs) to one P2PKH output; the last signature is input 0's, so it does not verify.</summary>
    private static Transaction AttackSpend(IReadOnlyList<OutPoint> prevouts, bool lastSignatureWrong = true)
    {
        long fee = 200 * prevouts.Count;
        var unsigned = new Transaction(1, prevouts.Select(p => new TxIn(p, [])).ToArray(),
            [new TxOut(prevouts.Count * OutputValue - fee, PayTo)], 0);
        // The legacy signature hash blanks every scriptSig, so each signature can be made on the unsigned transaction.
        var signatures = Enumerable.Range(0, prevouts.Count).Select(i => TransactionSigner.CreateSignature(unsigned, i, AttackScript, Key)).ToArray();
        if (lastSignatureWrong) signatures[^1] = signatures[0];
        var tx = unsigned;
        for (int i = 0; i < prevouts.Count; i++)
            tx = TransactionSigner.WithScriptSig(tx, i, new ScriptBuilder().Push(signatures[i]).Push(PublicKey).ToArray());
        return tx;
    }

    [Test]
    public void FundingTheAttackIsNonStandard()
    {
        var chain = new TestChain();
        var pool = new TransactionPool(Parameters, requireStandardOutputs: true);
        var result = chain.Offer(pool, Funding(chain, 100));
        Assert.That(result.Rejection?.Reason, Is.EqualTo(MempoolReasons.ScriptPubKey), result.Rejection?.ToString());
        Assert.That(result.Rejection!.Message, Does.Contain("output 0"));
    }

    [Test]
    public void TheSpendIsRefusedByItsSpentSigOpsInUnder50MillisecondsAndAResendHitsTheRejectCache()
    {
        var chain = new TestChain();
        var outputs = FundedAttackOutputs(chain, 100);
        var attack = AttackSpend(outputs);
        Assert.That(SpentSigOps.Count(attack, outputs.Select(o => chain.Coins.GetCoin(o)!).ToArray()), Is.EqualTo(100 * 101));
        var pool = new TransactionPool(Parameters, requireStandardOutputs: true);
        // Warm up the admission path (JIT) on another rejected transaction, so the timing is of the check, not of compilation.
        Assert.That(chain.Offer(pool, AttackSpend(outputs.Take(30).ToArray())).Rejection?.Reason, Is.EqualTo(SpentSigOps.Reason));

        var watch = Stopwatch.StartNew();
        var first = chain.Offer(pool, attack);
        watch.Stop();
        Assert.That(first.Rejection?.Reason, Is.EqualTo(SpentSigOps.Reason), first.Rejection?.ToString());
        Assert.That(first.Rejection!.Message, Does.Contain("10100"));
        TestContext.Out.WriteLine($"100-input attack ({attack.SerializedSize} bytes, 10,100 spent sigops) refused in {watch.Elapsed.TotalMilliseconds:F2} ms");
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(50));

        long hits = pool.RecentRejectHits;
        var second = chain.Offer(pool, attack);
        Assert.That(second.Rejection, Is.EqualTo(first.Rejection));
        Assert.That(pool.RecentRejectHits, Is.EqualTo(hits + 1));
    }

    [Test]
    public void AtTheIssuesScaleThe650InputSpendIsRefusedInUnder50Milliseconds()
    {
        var chain = new TestChain();
        var outputs = FundedAttackOutputs(chain, 650);
        var attack = AttackSpend(outputs);
        Assert.That(attack.SerializedSize, Is.InRange(90_000, MempoolPolicy.MaxStandardTransactionBytes));
        var pool = new TransactionPool(Parameters, requireStandardOutputs: true);
        chain.Offer(pool, AttackSpend(outputs.Take(30).ToArray())); // warm-up
        var watch = Stopwatch.StartNew();
        var result = chain.Offer(pool, attack);
        watch.Stop();
        TestContext.Out.WriteLine($"650-input attack ({attack.SerializedSize} bytes) refused in {watch.Elapsed.TotalMilliseconds:F2} ms: {result.Rejection}");
        Assert.That(result.Rejection?.Reason, Is.EqualTo(SpentSigOps.Reason));
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(50));
    }

    [Test]
    public void ForcedIntoABlockTheSpendBreaksTheSpentSigOpsLimit()
    {
        var chain = new TestChain();
        var outputs = FundedAttackOutputs(chain, 100);
        var block = LedgerFixtures.Block([LedgerFixtures.Coinbase(chain.NextHeight, 0, 0xee), AttackSpend(outputs, lastSignatureWrong: false)]);
        var violation = chain.Connect(block);
        Assert.That(violation?.Reason, Is.EqualTo(SpentSigOps.Reason), violation?.ToString());
        Assert.That(violation!.Message, Does.Contain("transaction 1"));
    }

    [Test]
    public void WithinTheLimitEachInputHashesTheTransactionOnceAndVerdictsAreUnchanged()
    {
        var chain = new TestChain();
        int inputs = SpentSigOps.MaxPerTransaction / 101; // 24 inputs, 2,424 sigops
        var outputs = FundedAttackOutputs(chain, inputs);
        var coins = outputs.Select(o => chain.Coins.GetCoin(o)!).ToArray();
        var bad = AttackSpend(outputs);
        var good = AttackSpend(outputs, lastSignatureWrong: false);
        Assert.That(SpentSigOps.Check(good, coins), Is.Null);

        foreach (var (tx, valid) in new[] { (good, true), (bad, false) })
        {
            int cachedHashes = 0, uncachedHashes = 0, cachedVerifications = 0, uncachedVerifications = 0;
            var cachedTime = Stopwatch.StartNew();
            var cachedVerdicts = Enumerable.Range(0, inputs).Select(i =>
            {
                var checker = new TransactionSignatureChecker(tx, i);
                var result = ScriptInterpreter.Verify(tx.Inputs[i].ScriptSig, AttackScript, checker);
                cachedHashes += checker.SignatureHashesComputed;
                cachedVerifications += checker.SignatureVerifications;
                return result;
            }).ToArray();
            cachedTime.Stop();
            var uncachedTime = Stopwatch.StartNew();
            var uncachedVerdicts = Enumerable.Range(0, inputs).Select(i =>
            {
                var checker = new TransactionSignatureChecker(tx, i, cacheSignatureHashes: false);
                var result = ScriptInterpreter.Verify(tx.Inputs[i].ScriptSig, AttackScript, checker);
                uncachedHashes += checker.SignatureHashesComputed;
                uncachedVerifications += checker.SignatureVerifications;
                return result;
            }).ToArray();
            uncachedTime.Stop();
            TestContext.Out.WriteLine($"{inputs} inputs, {tx.SerializedSize} bytes, valid={valid}: {cachedHashes} hashes and {cachedVerifications} ECDSA in {cachedTime.Elapsed.TotalMilliseconds:F1} ms cached, {uncachedHashes} and {uncachedVerifications} in {uncachedTime.Elapsed.TotalMilliseconds:F1} ms uncached");
            Assert.That(cachedVerdicts, Is.EqualTo(uncachedVerdicts));
            Assert.That(cachedVerdicts.Take(inputs - 1).All(v => v.IsSuccess), Is.True);
            Assert.That(cachedVerdicts[^1].IsSuccess, Is.EqualTo(valid));
            if (!valid) Assert.That(cachedVerdicts[^1].Error, Is.EqualTo(ScriptError.NULLFAIL));
            Assert.That(cachedHashes, Is.EqualTo(inputs));
            Assert.That(uncachedHashes, Is.EqualTo(valid ? inputs * 101 : (inputs - 1) * 101 + 1));
            Assert.That(cachedVerifications, Is.EqualTo(inputs));
            Assert.That(uncachedVerifications, Is.EqualTo(uncachedHashes));
        }

        // A standard pool never runs these scripts: the coins were mined with a non-standard script, so spending them
        // is refused up front (Core's AreInputsStandard).
        var standard = new TransactionPool(Parameters, requireStandardOutputs: true);
        Assert.That(chain.Offer(standard, bad).Rejection?.Reason, Is.EqualTo(MempoolReasons.NonStandardInputs));
        // A pool that relays non-standard scripts (regtest's default) runs them: NULLFAIL for the bad one, and the good
        // one is admitted.
        var pool = new TransactionPool(Parameters, requireStandardOutputs: false);
        Assert.That(chain.Offer(pool, bad).Rejection?.Reason, Is.EqualTo(ScriptVerifier.Reason(ScriptError.NULLFAIL)));
        var accepted = chain.Offer(pool, good);
        Assert.That(accepted.Accepted, Is.True, accepted.Rejection?.ToString());
    }
}
