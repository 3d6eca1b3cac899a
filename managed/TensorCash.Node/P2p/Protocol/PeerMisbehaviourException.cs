namespace TensorCash.Node.P2p.Protocol;

/// <summary>What a peer did wrong; <see cref="Misbehaviour"/> maps each kind to its penalty.</summary>
public enum MisbehaviourKind
{
    /// <summary>Another network's magic, or a stream that lost its framing: disconnect.</summary>
    BadMagic,
    /// <summary>A payload whose checksum does not match: disconnect.</summary>
    BadChecksum,
    /// <summary>A length over ProtocolLimits.MaxMessageBytes, or a list over its cap: disconnect and ban.</summary>
    Oversize,
    /// <summary>A payload that does not decode, or trailing bytes: ban.</summary>
    Malformed,
    /// <summary>A message out of order (anything before version, a second version): disconnect.</summary>
    Handshake,
    /// <summary>A header or block that breaks a consensus rule, or a proof that fails tier 1 or replay: ban.</summary>
    InvalidBlock,
    /// <summary>
    /// A block that fails the exact replay, from a peer that samples its replay (no FullReplay service): it may have
    /// relayed it honestly, so it stays connected (to receive the fraud proof) and is banned only on the fifth.
    /// </summary>
    ReplayFailedFromSampler,
    /// <summary>Headers that skip a parent within one message: ban.</summary>
    NonContinuousHeaders,
    /// <summary>Too many headers messages in a row that do not connect: ban.</summary>
    UnconnectingHeaders,
    /// <summary>A block never asked for whose header does not connect: ignored, counted.</summary>
    UnrequestedBlock,
    /// <summary>A fraud proof this node replayed and refuted: ban.</summary>
    BadFraudProof,
    /// <summary>A peer that does not answer in time (handshake, message, ping, block request): disconnect.</summary>
    Timeout,
}

/// <summary>A peer broke the protocol; the connection layer disconnects or bans it (never the node's problem).</summary>
public sealed class PeerMisbehaviourException(MisbehaviourKind kind, string message) : Exception(message)
{
    public MisbehaviourKind Kind { get; } = kind;
}

/// <summary>The penalty for each kind of misbehaviour (docs/protocol/p2p.md §5).</summary>
public static class Misbehaviour
{
    /// <summary>Points added to the peer's score; at ProtocolLimits.BanScore the peer is banned.</summary>
    public static int Score(MisbehaviourKind kind) => kind switch
    {
        MisbehaviourKind.Oversize or MisbehaviourKind.Malformed or MisbehaviourKind.InvalidBlock
            or MisbehaviourKind.NonContinuousHeaders or MisbehaviourKind.UnconnectingHeaders or MisbehaviourKind.BadFraudProof => ProtocolLimits.BanScore,
        MisbehaviourKind.ReplayFailedFromSampler => ProtocolLimits.BanScore / 5,
        MisbehaviourKind.UnrequestedBlock => 5,
        _ => 0,
    };

    /// <summary>Whether the connection is closed at once (it always is once the score reaches the ban score).</summary>
    public static bool Disconnects(MisbehaviourKind kind) => kind is not (MisbehaviourKind.UnrequestedBlock or MisbehaviourKind.ReplayFailedFromSampler);
}
