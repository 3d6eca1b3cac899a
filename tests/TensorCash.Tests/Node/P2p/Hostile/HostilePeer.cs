using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using TensorCash.Node.P2p.Protocol;

namespace TensorCash.Tests.Node.P2p.Hostile;

/// <summary>
/// A test client speaking the peer-to-peer protocol over a raw socket to 127.0.0.1: it can send anything (broken
/// frames, lying length fields, oversize lists), do the handshake, read and decode what the node answers, and tell
/// when the node has closed the connection.
/// </summary>
internal sealed class HostilePeer : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private HostilePeer(TcpClient client, uint magic)
    {
        _client = client;
        _client.NoDelay = true;
        _stream = client.GetStream();
        Magic = magic;
        LocalPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
    }

    public uint Magic { get; }

    /// <summary>This end's port: the node sees the attacker as 127.0.0.1 on it.</summary>
    public int LocalPort { get; }

    public static async Task<HostilePeer> ConnectAsync(int port, uint magic)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return new HostilePeer(client, magic);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Bytes exactly as given.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
    }

    /// <summary>A 24-byte header with any field (the command NUL-padded to 12 bytes) followed by <paramref name="payload"/>.</summary>
    public static byte[] Frame(uint magic, string command, uint length, uint checksum, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[MessageHeader.Size + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, magic);
        for (int i = 0; i < command.Length && i < MessageHeader.CommandBytes; i++) frame[4 + i] = (byte)command[i];
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(16), length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(20), checksum);
        payload.CopyTo(frame.AsSpan(MessageHeader.Size));
        return frame;
    }

    /// <summary>A well-formed frame of <paramref name="message"/> on this peer's magic.</summary>
    public byte[] Frame(NetworkMessage message)
    {
        byte[] payload = message.Payload();
        var frame = new byte[MessageHeader.Size + payload.Length];
        MessageHeader.For(Magic, message.Command, payload).WriteTo(frame);
        payload.CopyTo(frame, MessageHeader.Size);
        return frame;
    }

    public Task SendAsync(NetworkMessage message) => SendRawAsync(Frame(message));

    /// <summary>version, then the node's version and verack, then our verack.</summary>
    public async Task HandshakeAsync(TimeSpan timeout)
    {
        await SendAsync(new VersionMessage(ProtocolLimits.ProtocolVersion, ServiceFlags.None, DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            (ulong)Random.Shared.NextInt64(), "/hostile:0.1/", 0, 0, Relay: false));
        var deadline = DateTimeOffset.UtcNow + timeout;
        bool version = false, verack = false;
        while (!(version && verack))
        {
            var message = await ReadAsync(deadline - DateTimeOffset.UtcNow)
                ?? throw new IOException("the node closed the connection during the handshake");
            version |= message is VersionMessage;
            verack |= message is EmptyMessage { Name: EmptyMessage.Verack };
        }
        await SendAsync(new EmptyMessage(EmptyMessage.Verack));
    }

    /// <summary>
    /// The next message, decoded; null when the node closed the connection.
    /// </summary>
    /// <exception cref="TimeoutException">Nothing complete arrived within <paramref name="timeout"/>.</exception>
    public async Task<NetworkMessage?> ReadAsync(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new TimeoutException("no time left to read");
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            var header = new byte[MessageHeader.Size];
            if (!await ReadExactAsync(header, cancel.Token)) return null;
            var parsed = MessageHeader.Parse(header, Magic);
            var payload = new byte[parsed.Length];
            if (!await ReadExactAsync(payload, cancel.Token)) return null;
            if (MessageHeader.ChecksumOf(payload) != parsed.Checksum) throw new InvalidDataException($"the node sent '{parsed.Command}' with a bad checksum");
            return MessageDecoder.Decode(parsed.Command, payload);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no message within {timeout.TotalSeconds:0.0} s");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Messages until one matches <paramref name="match"/> (the ones skipped are returned too, in order).</summary>
    public async Task<List<NetworkMessage>> ReadUntilAsync(Func<NetworkMessage, bool> match, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var messages = new List<NetworkMessage>();
        while (true)
        {
            var message = await ReadAsync(deadline - DateTimeOffset.UtcNow)
                ?? throw new IOException($"the node closed the connection after {messages.Count} messages");
            messages.Add(message);
            if (match(message)) return messages;
        }
    }

    /// <summary>
    /// Sends a ping and reads up to its pong: the node handles a peer's messages in order on one task, so everything it
    /// answered to the messages before the ping is in the returned list.
    /// </summary>
    public async Task<List<NetworkMessage>> SyncAsync(TimeSpan timeout)
    {
        ulong nonce = (ulong)Random.Shared.NextInt64();
        await SendAsync(new PingMessage(false, nonce));
        return await ReadUntilAsync(m => m is PingMessage { IsPong: true } pong && pong.Nonce == nonce, timeout);
    }

    /// <summary>True once the node has closed the socket (a read returns 0 or fails); false if it is still open after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForDisconnectAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
                if (await _stream.ReadAsync(buffer, cancel.Token) == 0) return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    private async Task<bool> ReadExactAsync(Memory<byte> buffer, CancellationToken cancellation)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = await _stream.ReadAsync(buffer[done..], cancellation);
            if (n == 0) return false;
            done += n;
        }
        return true;
    }

    /// <summary>Closes the socket (an abrupt close, as a vanishing peer would).</summary>
    public void Close() => _client.Close();

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
