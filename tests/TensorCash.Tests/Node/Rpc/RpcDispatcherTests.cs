using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Node.Rpc;

namespace TensorCash.Tests.Node.Rpc;

public class RpcDispatcherTests
{
    private static RpcDispatcher Dispatcher()
    {
        var dispatcher = new RpcDispatcher();
        dispatcher.Register("add", "add a b", "Adds two integers.", p => p.Integer(0, "a") + p.Integer(1, "b"));
        dispatcher.Register("fail", "fail", "Always fails.", _ => throw new InvalidOperationException("boom"));
        dispatcher.Register("amount", "amount x", "Echoes an amount in base units.", p => p.Amount(0, "x"));
        return dispatcher;
    }

    private static JsonObject Call(string body) => (JsonObject)JsonNode.Parse(Dispatcher().HandleBody(body))!;

    private static int ErrorCode(JsonObject reply) => (int)reply["error"]!["code"]!;

    [Test]
    public void ResultAndIdAreReturned()
    {
        var reply = Call("""{"jsonrpc":"1.0","id":7,"method":"add","params":[2,"40"]}""");
        Assert.That((long)reply["result"]!, Is.EqualTo(42));
        Assert.That((int)reply["id"]!, Is.EqualTo(7));
        Assert.That(reply["error"], Is.Null);
    }

    [Test]
    public void EachFailureHasItsCode()
    {
        Assert.That(ErrorCode(Call("{not json")), Is.EqualTo((int)RpcErrorCode.ParseError));
        Assert.That(ErrorCode(Call("[1]".Replace("[1]", "42"))), Is.EqualTo((int)RpcErrorCode.InvalidRequest));
        Assert.That(ErrorCode(Call("""{"id":1,"method":"nope"}""")), Is.EqualTo((int)RpcErrorCode.MethodNotFound));
        Assert.That(ErrorCode(Call("""{"id":1,"method":"add","params":{"a":1}}""")), Is.EqualTo((int)RpcErrorCode.InvalidParams));
        Assert.That(ErrorCode(Call("""{"id":1,"method":"add","params":[1]}""")), Is.EqualTo((int)RpcErrorCode.InvalidParams));
        var typeError = Call("""{"id":1,"method":"add","params":[1,true]}""");
        Assert.That(ErrorCode(typeError), Is.EqualTo((int)RpcErrorCode.TypeError));
        Assert.That((string)typeError["error"]!["message"]!, Does.Contain("parameter 2 (b)"));
        var internalError = Call("""{"id":1,"method":"fail"}""");
        Assert.That(ErrorCode(internalError), Is.EqualTo((int)RpcErrorCode.InternalError));
        Assert.That((string)internalError["error"]!["message"]!, Does.Contain("boom").And.Not.Contain(" at "));
    }

    [Test]
    public void BatchesAnswerEveryRequest()
    {
        var replies = JsonNode.Parse(Dispatcher().HandleBody("""[{"id":1,"method":"add","params":[1,2]},{"id":2,"method":"nope"}]"""))!.AsArray();
        Assert.That(replies, Has.Count.EqualTo(2));
        Assert.That((long)replies[0]!["result"]!, Is.EqualTo(3));
        Assert.That(ErrorCode((JsonObject)replies[1]!), Is.EqualTo((int)RpcErrorCode.MethodNotFound));
    }

    [Test]
    public void HelpListsMethodsAndExplainsOne()
    {
        string list = (string)Call("""{"id":1,"method":"help"}""")["result"]!;
        Assert.That(list, Does.Contain("add a b").And.Contain("help ( \"command\" )"));
        Assert.That((string)Call("""{"id":1,"method":"help","params":["add"]}""")["result"]!, Does.Contain("Adds two integers."));
    }

    [TestCase("1", 100_000_000)]
    [TestCase("0.00000001", 1)]
    [TestCase("21000000.5", 2_100_000_050_000_000)]
    [TestCase("-0.5", -50_000_000)]
    public void AmountsAreParsedExactly(string text, long units)
    {
        Assert.That((long)Call($$"""{"id":1,"method":"amount","params":[{{text}}]}""")["result"]!, Is.EqualTo(units));
        Assert.That(AmountFormat.TryParse(AmountFormat.Format(units), out long back) && back == units);
    }

    [TestCase("0.000000001")]
    [TestCase("1e3")]
    [TestCase("abc")]
    public void BadAmountsAreTypeErrors(string text) =>
        Assert.That(ErrorCode(Call($$"""{"id":1,"method":"amount","params":["{{text}}"]}""")), Is.EqualTo((int)RpcErrorCode.TypeError));
}
