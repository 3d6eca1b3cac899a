using System.Net;
using System.Text;
using NUnit.Framework;
using TensorCash.Node.Rpc;

namespace TensorCash.Tests.Node.Rpc;

public class RpcServerTests
{
    [Test]
    public async Task CookieAuthenticatesAndWrongCredentialsAreRefused()
    {
        string dir = Directory.CreateTempSubdirectory("tc-rpc-").FullName;
        try
        {
            string credentials = RpcCookie.Create(dir);
            if (!OperatingSystem.IsWindows())
                Assert.That(File.GetUnixFileMode(RpcCookie.PathIn(dir)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            var dispatcher = new RpcDispatcher();
            dispatcher.Register("ping", "ping", "Answers pong.", _ => "pong");
            await using var server = await RpcServer.StartAsync(dispatcher, 0, credentials);

            using (var client = new RpcClient(server.Port, RpcCookie.Read(dir)))
                Assert.That((string?)await client.CallAsync("ping"), Is.EqualTo("pong"));

            using (var wrong = new RpcClient(server.Port, "__cookie__:wrong"))
                Assert.That(async () => await wrong.CallAsync("ping"), Throws.InstanceOf<IOException>().With.Message.Contains("refused"));

            using var http = new HttpClient();
            var anonymous = await http.PostAsync($"http://127.0.0.1:{server.Port}/", new StringContent("{}", Encoding.UTF8));
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void MissingCookieSaysTheNodeIsNotRunning()
    {
        string dir = Directory.CreateTempSubdirectory("tc-rpc-").FullName;
        try
        {
            Assert.That(() => RpcCookie.Read(dir), Throws.InstanceOf<IOException>().With.Message.Contains("is a node running"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
