using System.Diagnostics;
using NUnit.Framework;

namespace TensorCash.Tests.Cli;

/// <summary>
/// `tensorcash node` as a child process (dotnet exec tensorcash.dll from the test output), with its output collected
/// and a watchdog so a node that never stops cannot hang the suite.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly Timer _watchdog;

    private NodeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _watchdog = new Timer(_ => Kill(), null, Watchdog, Timeout.InfiniteTimeSpan);
    }

    public int Id => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    public string Stderr
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    public static NodeProcess Start(params string[] arguments)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "tensorcash.dll");
        Assert.That(File.Exists(cli), $"{cli} is missing (the test project references TensorCash.Cli)");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["exec", cli, "node", .. arguments]) start.ArgumentList.Add(argument);
        return new NodeProcess(Process.Start(start)!);
    }

    /// <summary>Waits until the node has written DATADIR/rpc.port (its RPC server is up) and returns the port.</summary>
    public int WaitForRpcPort(string dataDirectory, TimeSpan timeout)
    {
        string path = Path.Combine(dataDirectory, "rpc.port");
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < timeout)
        {
            if (_process.HasExited) Assert.Fail($"the node exited with {_process.ExitCode}: {Stderr}");
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path), out int port)) return port;
            Thread.Sleep(50);
        }
        Assert.Fail($"the node did not start its RPC server within {timeout}: {string.Join('\n', Lines)} {Stderr}");
        return 0;
    }

    /// <summary>Waits until the node printed a line starting with <paramref name="prefix"/>.</summary>
    public void WaitForLine(string prefix, TimeSpan timeout)
    {
        var waited = Stopwatch.StartNew();
        while (!Lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (_process.HasExited) Assert.Fail($"the node exited with {_process.ExitCode}: {Stderr}");
            if (waited.Elapsed > timeout) Assert.Fail($"the node printed no '{prefix}' line within {timeout}: {string.Join('\n', Lines)}");
            Thread.Sleep(20);
        }
    }

    /// <summary>The exit code, once the process ends within <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) Assert.Fail($"the node did not exit within {timeout}: {string.Join('\n', Lines)}");
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager does to stop it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // it exited meanwhile
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        Kill();
        _process.Dispose();
    }

    /// <summary>The dotnet host running the tests (the CLI exports it to child processes), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";
}
