using System.Net;

namespace TensorCash.Node.P2p;

/// <summary>
/// An address a peer told us about (or that we connected to): where to connect, the service bits it advertised and
/// when it was last seen on the network (Unix seconds). The unit of exchange between <see cref="AddressManager"/>
/// and the addr/getaddr messages.
/// </summary>
public sealed record PeerAddress(IPEndPoint Endpoint, ulong Services, long LastSeenUnix);
