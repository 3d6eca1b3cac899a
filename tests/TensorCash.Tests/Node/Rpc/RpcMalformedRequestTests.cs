using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Node.Rpc;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>Every malformed request is a JSON-RPC error reply (issue 12: duplicate keys used to be an empty HTTP 500).</summary>
public class RpcMalformedRequestTests
{
    private static RpcDispatcher Dispatcher()
    {
        var dispatcher = new RpcDispatcher();
        dispatcher.Register("add", "add a b", "Adds two integers.", p => p.Integer(0, "a") + p.Integer(1, "b"));
        dispatcher.Register("amount", "amount x", "Echoes an amount in base units.", p => p.Amount(0, "x"));
        return dispatcher;
    }

    private static JsonNode Reply(string body) => JsonNode.Parse(Dispatcher().HandleBody(body))!;

    private static int ErrorCode(JsonNode reply) => (int)reply["error"]!["code"]!;

    [TestCase("""{"id":1,"method":"add","method":"add","params":[1,2]}""", TestName = "DuplicateKeyAtTopLevel")]
    [TestCase("""{"id":1,"method":"add","params":[{"a":1,"a":2}]}""", TestName = "DuplicateKeyInAParameter")]
    [TestCase("""{"id":1,"method":"add","params":[1,2]""", TestName = "TruncatedJson")]
    [TestCase("", TestName = "EmptyBody")]
    [TestCase("not json", TestName = "NotJson")]
    [TestCase("""{"id":1,"method":"add",}""", TestName = "TrailingComma")]
    [TestCase("""{"id":1} {"id":2}""", TestName = "TwoDocuments")]
    public void MalformedJsonIsAParseError(string body)
    {
        var reply = Reply(body);
        Assert.That(ErrorCode(reply), Is.EqualTo((int)RpcErrorCode.ParseError));
        Assert.That(reply["result"], Is.Null);
    }

    [Test]
    public void DeepNestingIsAParseError() =>
        Assert.That(ErrorCode(Reply("{\"id\":1,\"method\":\"add\",\"params\":[" + new string('[', 100) + new string(']', 100) + "]}")),
            Is.EqualTo((int)RpcErrorCode.ParseError));

    [TestCase("42", TestName = "ANumber")]
    [TestCase("\"add\"", TestName = "AString")]
    [TestCase("null", TestName = "Null")]
    [TestCase("""{"id":1}""", TestName = "NoMethod")]
    [TestCase("""{"id":1,"method":42}""", TestName = "MethodIsANumber")]
    [TestCase("""{"id":1,"method":["add"]}""", TestName = "MethodIsAnArray")]
    [TestCase("""{"id":{"x":1},"method":"add","params":[1,2]}""", TestName = "IdIsAnObject")]
    public void WrongShapesAreInvalidRequests(string body) =>
        Assert.That(ErrorCode(Reply(body)), Is.EqualTo((int)RpcErrorCode.InvalidRequest));

    [TestCase("""{"id":1,"method":"add","params":{"a":1,"b":2}}""", (int)RpcErrorCode.InvalidParams, TestName = "NamedParams")]
    [TestCase("""{"id":1,"method":"add","params":"1,2"}""", (int)RpcErrorCode.InvalidParams, TestName = "ParamsIsAString")]
    [TestCase("""{"id":1,"method":"add","params":[true,2]}""", (int)RpcErrorCode.TypeError, TestName = "ABooleanForAnInteger")]
    [TestCase("""{"id":1,"method":"add","params":[[1],2]}""", (int)RpcErrorCode.TypeError, TestName = "AnArrayForAnInteger")]
    [TestCase("""{"id":1,"method":"add","params":[1e400,2]}""", (int)RpcErrorCode.TypeError, TestName = "AHugeNumber")]
    [TestCase("""{"id":1,"method":"add","params":[1]}""", (int)RpcErrorCode.InvalidParams, TestName = "AMissingParameter")]
    [TestCase("""{"id":1,"method":"amount","params":[{}]}""", (int)RpcErrorCode.TypeError, TestName = "AnObjectForAnAmount")]
    public void WrongTypesAreTypedErrors(string body, int code) =>
        Assert.That(ErrorCode(Reply(body)), Is.EqualTo(code));

    [Test]
    public void AnEmptyBatchIsOneInvalidRequest() =>
        Assert.That(ErrorCode(Reply("[]")), Is.EqualTo((int)RpcErrorCode.InvalidRequest));

    [Test]
    public void ABatchAnswersEachElementEvenMalformedOnes()
    {
        var replies = Reply("""[{"id":1,"method":"add","params":[1,2]}, 5, [], null, {"id":2,"method":7}, {"id":3,"method":"add","params":["x",1]}]""").AsArray();
        Assert.That(replies, Has.Count.EqualTo(6));
        Assert.That((long)replies[0]!["result"]!, Is.EqualTo(3));
        for (int i = 1; i <= 4; i++) Assert.That(ErrorCode(replies[i]!), Is.EqualTo((int)RpcErrorCode.InvalidRequest), $"element {i}");
        Assert.That(ErrorCode(replies[5]!), Is.EqualTo((int)RpcErrorCode.TypeError));
        Assert.That((int)replies[5]!["id"]!, Is.EqualTo(3));
    }

    [Test]
    public void ABatchOverTheLimitIsOneInvalidRequest()
    {
        string body = "[" + string.Join(',', Enumerable.Repeat("""{"id":1,"method":"add","params":[1,2]}""", RpcDispatcher.MaxBatchRequests + 1)) + "]";
        var reply = Reply(body);
        Assert.That(reply, Is.InstanceOf<JsonObject>());
        Assert.That(ErrorCode(reply), Is.EqualTo((int)RpcErrorCode.InvalidRequest));
    }

    [Test]
    public void AmountsRoundTripForEveryLong() =>
        Prop.ForAll(ArbMap.Default.ArbFor<long>(), units =>
            AmountFormat.TryParse(AmountFormat.Format(units), out long back) && back == units).QuickCheckThrowOnFailure();

    [Test]
    public void AmountsRoundTripAtTheEdges()
    {
        foreach (long units in new[] { long.MaxValue, long.MinValue, 0, 1, -1, long.MaxValue - 1, long.MinValue + 1 })
        {
            Assert.That(AmountFormat.TryParse(AmountFormat.Format(units), out long back), Is.True, $"{units}");
            Assert.That(back, Is.EqualTo(units));
        }
        Assert.That(AmountFormat.Format(long.MaxValue), Is.EqualTo("92233720368.54775807"));
        Assert.That(AmountFormat.Format(long.MinValue), Is.EqualTo("-92233720368.54775808"));
    }

    [TestCase("92233720368.54775808")]
    [TestCase("-92233720368.54775809")]
    [TestCase("99999999999.99999999")]
    [TestCase("100000000000")]
    [TestCase("999999999999999999999999999999")]
    public void HugeAmountsAreClearErrorsNeverWrapped(string text)
    {
        Assert.That(AmountFormat.TryParse(text, out long units, out string? error), Is.False);
        Assert.That(units, Is.Zero);
        Assert.That(error, Is.EqualTo("amount out of range"));
        var reply = Reply($$"""{"id":1,"method":"amount","params":["{{text}}"]}""");
        Assert.That(ErrorCode(reply), Is.EqualTo((int)RpcErrorCode.InvalidParameter));
        Assert.That((string)reply["error"]!["message"]!, Does.Contain("out of range"));
    }

    [Test]
    public void LeadingZerosDoNotCountAsDigits()
    {
        Assert.That(AmountFormat.TryParse("000000000000000001.5", out long units), Is.True);
        Assert.That(units, Is.EqualTo(150_000_000));
    }
}
