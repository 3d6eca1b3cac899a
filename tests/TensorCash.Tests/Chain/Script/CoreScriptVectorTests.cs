using System.Text.Json;
using NUnit.Framework;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Script;

/// <summary>
/// Bitcoin Core's script test vectors that hold under TensorCash's rules (fixtures/chain/core_script_tests_subset.json;
/// source and selection are described in the file). Each vector runs with Core's crediting/spending transactions.
/// </summary>
public class CoreScriptVectorTests
{
    public static IEnumerable<TestCaseData> Vectors()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "chain", "core_script_tests_subset.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        int index = 0;
        foreach (var vector in doc.RootElement.GetProperty("vectors").EnumerateArray())
        {
            var fields = vector.EnumerateArray().Select(f => f.GetString()!).ToArray();
            yield return new TestCaseData(fields[0], fields[1], fields[3]).SetName($"Core vector {index++:D3} {fields[3]}: {fields[4]}".TrimEnd(' ', ':'));
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void ScriptVectorGivesCoresResult(string scriptSig, string scriptPubKey, string expected)
    {
        byte[] sig = ScriptAsm.Parse(scriptSig), pubKey = ScriptAsm.Parse(scriptPubKey);
        var credit = new Transaction(1, [new TxIn(OutPoint.Null, [(byte)Opcode.OP_0, (byte)Opcode.OP_0])], [new TxOut(0, pubKey)], 0);
        var spend = new Transaction(1, [new TxIn(new OutPoint(credit.Txid, 0), sig)], [new TxOut(0, [])], 0);
        var result = ScriptInterpreter.Verify(sig, pubKey, new TransactionSignatureChecker(spend, 0));
        Assert.That(result.Error.ToString(), Is.EqualTo(expected), result.ToString());
    }
}
