using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using NBitcoin;
using NUnit.Framework;
using TensorCash.Chain.Script;
using NbScriptError = NBitcoin.ScriptError;
using Ours = TensorCash.Chain.Transactions;
using OurScriptError = TensorCash.Chain.Script.ScriptError;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// Our script interpreter against NBitcoin's (issue 12, item 3): every non-witness vector of Bitcoin Core's
/// script_tests.json and random scripts, each run by both under TensorCash's always-on rules
/// (<see cref="NBitcoinOracle.TensorCashFlags"/> plus clean stack). Verdicts and error classes must be equal, except in
/// the documented differences of <see cref="KnownDifferences.Script"/>, which are counted and reported.
/// </summary>
public class ScriptInterpreterDifferentialTests
{
    internal const int RandomCases = 2000;

    private sealed record CoreScriptVector(int Row, string ScriptSig, string ScriptPubKey, string Flags, string Expected);

    private static IEnumerable<CoreScriptVector> NonWitnessVectors() =>
        BitcoinCoreVectors.Rows("script_tests.json")
            .Where(r => r.Fields[0].ValueKind == JsonValueKind.String && r.Fields.Length >= 4)
            .Select(r => new CoreScriptVector(r.Row, r.Fields[0].GetString()!, r.Fields[1].GetString()!, r.Fields[2].GetString()!, r.Fields[3].GetString()!));

    /// <summary>Core's crediting and spending transactions for a script test (script_tests.cpp's BuildCreditingTransaction / BuildSpendingTransaction).</summary>
    private static Ours.Transaction CoreSpendingTransaction(byte[] scriptSig, byte[] scriptPubKey)
    {
        var credit = new Ours.Transaction(1, [new Ours.TxIn(Ours.OutPoint.Null, [(byte)Opcode.OP_0, (byte)Opcode.OP_0])], [new Ours.TxOut(0, scriptPubKey)], 0);
        return new Ours.Transaction(1, [new Ours.TxIn(new Ours.OutPoint(credit.Txid, 0), scriptSig)], [new Ours.TxOut(0, [])], 0);
    }

    [Test]
    public void CoreScriptTestsAgreeWithNBitcoinUnderTensorCashRules()
    {
        var tally = new Dictionary<string, int>();
        int vectors = 0, sameAsCoresExpectation = 0;
        foreach (var vector in NonWitnessVectors())
        {
            byte[] scriptSig = Script.ScriptAsm.Parse(vector.ScriptSig), scriptPubKey = Script.ScriptAsm.Parse(vector.ScriptPubKey);
            var tx = CoreSpendingTransaction(scriptSig, scriptPubKey);
            var (ours, outcome) = Compare(tx, 0, scriptSig, scriptPubKey, $"script_tests.json row {vector.Row} [{vector.ScriptSig}] [{vector.ScriptPubKey}] ({vector.Flags} -> {vector.Expected})");
            Count(tally, outcome);
            if (CoreName(ours.Error) == vector.Expected) sameAsCoresExpectation++;
            vectors++;
        }
        TestContext.Out.WriteLine($"script_tests.json: {vectors} non-witness vectors; {Describe(tally)}; " +
                                  $"{sameAsCoresExpectation} also give the result Core expects under the vector's own (often weaker) flags");
        Assert.That(vectors, Is.GreaterThan(1000), "the fixture lost its vectors");
        Assert.That(tally.GetValueOrDefault(Agree), Is.GreaterThan(vectors * 9 / 10));
    }

    [Test]
    public void NBitcoinGivesCoresExpectedResultsUnderCoresFlags()
    {
        // Trust in the oracle: with each vector's own flags NBitcoin must reproduce Core's expected error. One known
        // exception: the Core version these vectors come from reports OP_IF/OP_NOTIF on an empty stack as
        // INVALID_STACK_OPERATION, where NBitcoin (and we, chain.md) say UNBALANCED_CONDITIONAL; both reject.
        int checkedVectors = 0, ifOnEmptyStack = 0;
        var disagreements = new List<string>();
        foreach (var vector in NonWitnessVectors())
        {
            if (!TryMapCoreFlags(vector.Flags, out var flags) || !Enum.TryParse<NbScriptError>(vector.Expected.Replace("_", ""), ignoreCase: true, out var expected))
                continue; // a flag or error NBitcoin does not model (CONST_SCRIPTCODE, SIG_FINDANDDELETE)
            byte[] scriptSig = Script.ScriptAsm.Parse(vector.ScriptSig), scriptPubKey = Script.ScriptAsm.Parse(vector.ScriptPubKey);
            var tx = NBitcoinOracle.ToNBitcoin(CoreSpendingTransaction(scriptSig, scriptPubKey));
            var theirs = NBitcoinOracle.VerifyScript(tx, 0, scriptSig, scriptPubKey, flags, cleanStack: false);
            if (expected == NbScriptError.InvalidStackOperation && theirs == NbScriptError.UnbalancedConditional)
                ifOnEmptyStack++;
            else if (theirs != expected) disagreements.Add($"row {vector.Row} [{vector.ScriptSig}] [{vector.ScriptPubKey}] {vector.Flags}: Core {vector.Expected}, NBitcoin {theirs}");
            checkedVectors++;
        }
        TestContext.Out.WriteLine($"{checkedVectors} vectors checked against Core's expectation; {disagreements.Count} disagreements; " +
                                  $"{ifOnEmptyStack} OP_IF on an empty stack named differently");
        Assert.That(ifOnEmptyStack, Is.LessThanOrEqualTo(4), "more renamed errors than the four known OP_IF/OP_NOTIF vectors");
        Assert.That(disagreements, Is.Empty, string.Join("\n", disagreements));
        Assert.That(checkedVectors, Is.GreaterThan(1000));
    }

    public static IEnumerable<TestCaseData> CoreTransactionFiles() => [new("tx_valid.json"), new("tx_invalid.json")];

    /// <summary>
    /// Every input of every non-witness transaction in Core's tx_valid.json / tx_invalid.json, against the spent script
    /// the vector gives: real signatures from Bitcoin's history (multisig, uncompressed keys, odd DER), run by both.
    /// </summary>
    [TestCaseSource(nameof(CoreTransactionFiles))]
    public void CoreTransactionVectorsAgreeWithNBitcoinUnderTensorCashRules(string file)
    {
        var tally = new Dictionary<string, int>();
        int inputs = 0;
        foreach (var vector in BitcoinCoreVectors.Transactions(file))
        {
            if (NBitcoinOracle.HasWitness(vector.Transaction)) continue;
            var tx = Ours.Transaction.Deserialize(vector.Transaction);
            for (int i = 0; i < tx.Inputs.Count; i++)
            {
                var prevout = tx.Inputs[i].Prevout;
                var spent = vector.Prevouts.Where(p => Hash256Of(p.Txid) == prevout.Txid && (uint)p.Index == prevout.Index).ToArray();
                if (spent.Length != 1) continue; // the vector is about a missing or duplicated prevout
                byte[] scriptPubKey = Script.ScriptAsm.Parse(spent[0].ScriptPubKey);
                var (_, outcome) = Compare(tx, i, tx.Inputs[i].ScriptSig, scriptPubKey, $"{file} row {vector.Row} input {i} ({vector.Flags})");
                Count(tally, outcome);
                inputs++;
            }
        }
        TestContext.Out.WriteLine($"{file}: {inputs} inputs of non-witness transactions; {Describe(tally)}");
        Assert.That(inputs, Is.GreaterThan(file == "tx_valid.json" ? 100 : 70), "the fixture lost its vectors");
    }

    private static TensorCash.Chain.Primitives.Hash256 Hash256Of(string displayHex) => TensorCash.Chain.Primitives.Hash256.Parse(displayHex);

    [Test]
    public void RandomScriptsAgreeWithNBitcoin()
    {
        var tally = new Dictionary<string, int>();
        var outcomes = new Dictionary<string, int>();
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var c = RandomScriptCases.Next(new Random(seed));
            var (ours, outcome) = Compare(c.Tx, c.Input, c.ScriptSig, c.ScriptPubKey, $"seed {seed} (replay: RandomScriptCases.Next(new Random({seed})))");
            lock (tally)
            {
                Count(tally, outcome);
                Count(outcomes, ours.Error.ToString());
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(RandomCases));
        TestContext.Out.WriteLine($"{RandomCases} random cases: {Describe(tally)}");
        TestContext.Out.WriteLine($"our outcomes: {Describe(outcomes)}");
        // The generator must reach both verdicts and the signature paths, or the property proves little.
        Assert.That(outcomes.GetValueOrDefault("OK"), Is.GreaterThan(RandomCases / 40), "too few accepted scripts");
        Assert.That(outcomes.GetValueOrDefault("NULLFAIL"), Is.GreaterThan(0));
        Assert.That(outcomes.GetValueOrDefault("SIG_DER") + outcomes.GetValueOrDefault("SIG_HIGH_S"), Is.GreaterThan(0));
    }

    /// <summary>
    /// Runs both interpreters; fails the test unless they agree, a documented TensorCash rule explains the disagreement,
    /// or NBitcoin is known to depart from Core on the case. Returns what happened, for the tally.
    /// </summary>
    private static (ScriptResult Ours, string Outcome) Compare(Ours.Transaction tx, int input, byte[] scriptSig, byte[] scriptPubKey, string where)
    {
        var ours = ScriptInterpreter.Verify(scriptSig, scriptPubKey, new TransactionSignatureChecker(tx, input));
        var deviation = KnownDifferences.BeforeAskingNBitcoin(scriptSig, scriptPubKey);
        if (deviation != KnownDifferences.OracleDeviation.None) return (ours, $"not compared ({deviation})");
        var theirs = NBitcoinOracle.VerifyScript(NBitcoinOracle.ToNBitcoin(tx), input, scriptSig, scriptPubKey, NBitcoinOracle.TensorCashFlags, cleanStack: true);
        if (NBitcoinOracle.ToNBitcoin(ours.Error) == theirs) return (ours, Agree);
        var difference = KnownDifferences.OfScript(ours, tx, input, scriptSig, scriptPubKey);
        if (difference != KnownDifferences.Script.None) return (ours, $"TensorCash rule {difference}");
        deviation = KnownDifferences.AfterAskingNBitcoin(ours, theirs, scriptSig);
        if (deviation != KnownDifferences.OracleDeviation.None) return (ours, $"NBitcoin departs from Core ({deviation})");
        Assert.Fail($"{where}: we say {ours}, NBitcoin says {theirs}\n" +
                    $"tx {Convert.ToHexString(tx.Serialize())} input {input}\nscriptSig {Convert.ToHexString(scriptSig)}\nscriptPubKey {Convert.ToHexString(scriptPubKey)}");
        return default;
    }

    private const string Agree = "agree";

    private static bool TryMapCoreFlags(string names, out ScriptVerify flags)
    {
        flags = ScriptVerify.None;
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var flag = name switch
            {
                "NONE" => ScriptVerify.None,
                "P2SH" => ScriptVerify.P2SH,
                "STRICTENC" => ScriptVerify.StrictEnc,
                "DERSIG" => ScriptVerify.DerSig,
                "LOW_S" => ScriptVerify.LowS,
                "NULLDUMMY" => ScriptVerify.NullDummy,
                "SIGPUSHONLY" => ScriptVerify.SigPushOnly,
                "MINIMALDATA" => ScriptVerify.MinimalData,
                "DISCOURAGE_UPGRADABLE_NOPS" => ScriptVerify.DiscourageUpgradableNops,
                "CLEANSTACK" => ScriptVerify.CleanStack | ScriptVerify.P2SH | ScriptVerify.Witness, // Core's harness adds both
                "CHECKLOCKTIMEVERIFY" => ScriptVerify.CheckLockTimeVerify,
                "CHECKSEQUENCEVERIFY" => ScriptVerify.CheckSequenceVerify,
                "WITNESS" => ScriptVerify.Witness | ScriptVerify.P2SH,
                "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM" => ScriptVerify.DiscourageUpgradableWitnessProgram,
                "MINIMALIF" => ScriptVerify.MinimalIf,
                "NULLFAIL" => ScriptVerify.NullFail,
                "WITNESS_PUBKEYTYPE" => ScriptVerify.WitnessPubkeyType,
                _ => (ScriptVerify?)null,
            };
            if (flag is null) return false;
            flags |= flag.Value;
        }
        return true;
    }

    /// <summary>Core's name for our error as script_tests.json spells it (a bad script number is Core's UNKNOWN_ERROR).</summary>
    private static string CoreName(OurScriptError error) => error == OurScriptError.SCRIPTNUM ? "UNKNOWN_ERROR" : error.ToString();

    private static void Count(Dictionary<string, int> tally, string key) => tally[key] = tally.GetValueOrDefault(key) + 1;

    private static string Describe(Dictionary<string, int> tally) =>
        string.Join(", ", tally.OrderByDescending(t => t.Value).Select(t => $"{t.Key} {t.Value}"));
}
