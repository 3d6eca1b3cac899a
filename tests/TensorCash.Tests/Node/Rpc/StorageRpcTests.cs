using NUnit.Framework;
using TensorCash.Tests.Node.Hosting;

namespace TensorCash.Tests.Node.Rpc;

/// <summary>verifychain on an in-process regtest node.</summary>
public class StorageRpcTests
{
    [Test]
    public async Task VerifychainChecksTheChainstate()
    {
        await using var node = TestNode.Open();
        node.Host.Generate(3, MaturedChain.OpTrue);
        Assert.That((bool)node.Call("verifychain")!, Is.True);
        Assert.That((bool)node.Call("verifychain", 4, 0)!, Is.True, "every block");
        Assert.That((bool)node.Call("verifychain", 3, 2)!, Is.True);
        Assert.That(node.Fails("verifychain", 5).Message, Does.Contain("checklevel"));
        Assert.That(node.Fails("verifychain", 3, -1).Message, Does.Contain("nblocks"));
    }
}
