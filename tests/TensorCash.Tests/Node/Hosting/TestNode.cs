using System.Text.Json.Nodes;
using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Node.Hosting;
using TensorCash.Node.Rpc;

namespace TensorCash.Tests.Node.Hosting;

/// <summary>
/// An in-process regtest node on a temporary datadir, called through its RPC dispatcher with real JSON requests
/// (no HTTP), for the RPC method tests. Deletes its datadir when disposed.
/// </summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(NodeHost host) => Host = host;

    public NodeHost Host { get; }
    public string DataDirectory => Host.DataDirectory;

    /// <summary>
    /// A regtest node (unless <paramref name="options"/> say otherwise) on a fresh temporary datadir, empty or a copy
    /// of <paramref name="copyOf"/>.
    /// </summary>
    public static TestNode Open(NodeOptions? options = null, string? copyOf = null)
    {
        string dataDirectory = Directory.CreateTempSubdirectory("tc-node-").FullName;
        try
        {
            if (copyOf is not null) CopyDirectory(copyOf, dataDirectory);
            return new TestNode(NodeHost.Open((options ?? new NodeOptions { Network = Network.Regtest }) with { DataDirectory = dataDirectory, Threads = 1 }));
        }
        catch
        {
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>The call's result; an error reply becomes an <see cref="RpcException"/>.</summary>
    public JsonNode? Call(string method, params JsonNode?[] parameters)
    {
        var request = new JsonObject { ["jsonrpc"] = "1.0", ["id"] = 1, ["method"] = method, ["params"] = new JsonArray(parameters) };
        var reply = JsonNode.Parse(Host.Rpc.HandleBody(request.ToJsonString()))!.AsObject();
        if (reply["error"] is JsonObject error) throw new RpcException((RpcErrorCode)(int)error["code"]!, (string)error["message"]!);
        return reply["result"];
    }

    /// <summary>The error a call must fail with.</summary>
    public RpcException Fails(string method, params JsonNode?[] parameters)
    {
        try
        {
            Call(method, parameters);
        }
        catch (RpcException e)
        {
            return e;
        }
        Assert.Fail($"{method} was expected to fail");
        throw new System.Diagnostics.UnreachableException();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
