using System.Security.Cryptography;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Proof.Transcript;
using TensorCash.Proving.Replay;

namespace TensorCash.Node.Mining;

/// <summary>
/// What verifying one block's proof found, and how long each tier took. <see cref="Unverified"/>: tier 1 passed but
/// the node does not hold the block's model, so it cannot tell (the violation is then <see cref="BlockProofVerifier.UnverifiedReason"/>).
/// </summary>
public sealed record ProofCheck(RuleViolation? Violation, bool Replayed, TimeSpan Tier1, TimeSpan Tier2, bool Unverified = false)
{
    /// <summary>When the replay failed at a step: the fraud proof this node built for it (an encoded ReplayChallenge), else null.</summary>
    public byte[]? FraudProof { get; init; }
}

/// <summary>
/// The node's proof check at block acceptance. Order, cheapest first, so a bogus block costs its sender more than
/// it costs the node (docs/protocol/chain.md, "Proof of inference in blocks"):
/// <list type="number">
/// <item>tier 1 (<see cref="BlockProofRules"/>): decoding, model, pinned profile, binding, window, draws, ceiling and
/// the header's commitment and nonce recomputed; hashing only, bounded by the profile;</item>
/// <item>tier 2: an exact teacher-forced replay on the node's copy of the model, which stops at the first failing step.</item>
/// </list>
/// Validity is objective: by default every step is replayed, so every node holding the model reaches the same verdict.
/// A node that does not hold the model gives <see cref="UnverifiedReason"/>, never "valid": tier 1 accepts evidence
/// invented without a model. With <c>replayPositions</c> = S only S steps are replayed, chosen from a secret this
/// process drew at start hashed with the block hash: a miner cannot predict them, so grinding its commitment does
/// not help it hide an edited step (docs/protocol/security.md §4). Such a node may accept a block a full node rejects;
/// the full node's fraud proof (<see cref="CheckFraudProof"/>) then makes it invalidate the block.
/// </summary>
public sealed class BlockProofVerifier
{
    /// <summary>The verdict of a node that cannot replay the block's model: not valid, not invalid.</summary>
    public const string UnverifiedReason = Chainstate.ChainState.UnverifiedReason;

    private static ReadOnlySpan<byte> SeedTag => "TSC-NODE-T2SEED"u8;

    private readonly ChainParams _parameters;
    private readonly IReadOnlyList<InferenceModel> _models;
    private readonly int _replayPositions;
    private readonly byte[] _positionSecret;
    private readonly object _replayLock = new(); // the replay transformer is single-threaded; blocks may arrive on several threads
    private long _replaysStarted;
    private readonly Dictionary<Hash256, byte[]> _fraudProofs = new();
    private readonly Queue<Hash256> _fraudProofOrder = new();

    /// <summary>How many fraud proofs this node keeps for export (oldest dropped first).</summary>
    public const int MaxKeptFraudProofs = 256;

    public BlockProofVerifier(ChainParams parameters, IReadOnlyList<InferenceModel> models, int replayPositions = 0)
        : this(parameters, models, replayPositions, RandomNumberGenerator.GetBytes(32))
    {
    }

    /// <summary>For tests: a known position secret makes the sampled steps predictable to the test (and only to it).</summary>
    internal BlockProofVerifier(ChainParams parameters, IReadOnlyList<InferenceModel> models, int replayPositions, byte[] positionSecret)
    {
        _parameters = parameters;
        _models = models;
        _replayPositions = replayPositions >= 0 ? replayPositions
            : throw new ArgumentOutOfRangeException(nameof(replayPositions), replayPositions, "must be 0 (every step) or a positive count");
        _positionSecret = positionSecret;
    }

    /// <summary>Tier-2 replays begun since start: lets tests show that a block failing tier 1 never costs a replay.</summary>
    public long ReplaysStarted => Interlocked.Read(ref _replaysStarted);

    /// <summary>Raised on the verifying thread just before a tier-2 replay starts (a test hook, so tests need no timing).</summary>
    public event Action<Block>? ReplayStarting;

    /// <summary>Whether this node holds (and so can replay) the model <paramref name="modelId"/>.</summary>
    public bool Holds(Hash256 modelId) => _models.Any(m => m.Id == modelId);

    /// <summary>Steps replayed per block (0 = every step).</summary>
    public int ReplayPositions => _replayPositions;

    /// <summary>The chainstate's proof hook: <paramref name="model"/> is the block's model as the registry after its parent has it.</summary>
    public RuleViolation? Verify(Block block, int height, RegisteredModel model) => Check(block, height, model).Violation;

    /// <summary>
    /// Tier 1 under <paramref name="model"/> (the registry entry of the header's model id, from the registry after the
    /// block's parent: its pinned profile and name), then the replay if this node holds the model.
    /// </summary>
    public ProofCheck Check(Block block, int height, RegisteredModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var violation = BlockProofRules.Check(block, height, _parameters, model, out ProofTranscript? transcript);
        var tier1 = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        if (violation is not null || transcript is null) return new ProofCheck(violation, false, tier1, TimeSpan.Zero);

        var held = _models.FirstOrDefault(m => m.Id == block.Header.ModelId);
        if (held is null)
            return new ProofCheck(new RuleViolation(UnverifiedReason,
                $"block {block.Header.Hash} at height {height}: this node does not hold model {Convert.ToHexStringLower(block.Header.ModelId.ToArray())} " +
                $"({model.Name}), so it cannot replay the proof; tier 1 alone does not make a block valid"),
                false, tier1, TimeSpan.Zero, Unverified: true);

        var options = new Tier2Options
        {
            Mode = ComparisonMode.Exact,
            SampledPositions = _replayPositions,
            PositionSeed = _replayPositions > 0 ? PositionSeed(block) : null,
        };
        ReplayStarting?.Invoke(block);
        Interlocked.Increment(ref _replaysStarted);
        start = System.Diagnostics.Stopwatch.GetTimestamp();
        IReadOnlyList<Proof.Verification.Rejection> rejections;
        lock (_replayLock) rejections = Tier2Verifier.Verify(transcript, held.ReplayTransformer, options);
        var tier2 = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        if (rejections.Count == 0) return new ProofCheck(null, true, tier1, tier2);
        return new ProofCheck(new RuleViolation("bad-proof-replay", $"block {block.Header.Hash} at height {height}: tier-2 replay on {held.Spec}: {rejections[0]}"), true, tier1, tier2)
        {
            FraudProof = BuildFraudProof(block.Header.Hash, transcript, rejections, held),
        };
    }

    /// <summary>
    /// The fraud proof for a failed replay: tier 1 passed, so the header's commitment covers this exact transcript and
    /// the failing step convicts the header itself. Kept (bounded) for <see cref="GetFraudProof"/>, so a sampling node
    /// that accepted the block can be sent the proof and invalidate it (docs/protocol/security.md §4).
    /// </summary>
    private byte[]? BuildFraudProof(Hash256 blockHash, ProofTranscript transcript, IReadOnlyList<Proof.Verification.Rejection> rejections, InferenceModel model)
    {
        var disputed = rejections.FirstOrDefault(r => r.Step >= 0 && r.Reason is Proof.Verification.RejectReason.EvidenceLogitMismatch
            or Proof.Verification.RejectReason.StatisticsMismatch or Proof.Verification.RejectReason.SketchMismatch);
        if (disputed is null) return null; // e.g. replay_failed: nothing a third party could re-run
        byte[] encoded;
        lock (_replayLock) encoded = ReplayChallengeCodec.Encode(ChallengeBuilder.Build(transcript, disputed, model.ReplayTransformer));
        lock (_fraudProofs)
        {
            if (_fraudProofs.TryAdd(blockHash, encoded))
            {
                _fraudProofOrder.Enqueue(blockHash);
                while (_fraudProofs.Count > MaxKeptFraudProofs) _fraudProofs.Remove(_fraudProofOrder.Dequeue());
            }
        }
        return encoded;
    }

    /// <summary>The fraud proof this node built for a block whose replay failed here, or null.</summary>
    public byte[]? GetFraudProof(Hash256 blockHash)
    {
        lock (_fraudProofs) return _fraudProofs.GetValueOrDefault(blockHash);
    }

    /// <summary>
    /// The seed of a sampled replay: SHA-256(tag || this process's secret || block hash). Fixed per block in this process
    /// (checking a block twice gives the same verdict), unknown to the miner (the secret never leaves the process).
    /// </summary>
    internal byte[] PositionSeed(Block block)
    {
        var input = new byte[SeedTag.Length + _positionSecret.Length + 32];
        SeedTag.CopyTo(input);
        _positionSecret.CopyTo(input, SeedTag.Length);
        block.Header.Hash.ToArray().CopyTo(input, SeedTag.Length + _positionSecret.Length);
        return SHA256.HashData(input);
    }

    /// <summary>
    /// Rules on a fraud proof against the stored block <paramref name="header"/> at <paramref name="height"/>: confirmed
    /// only when the challenge is in exact mode, names the block's model, pinned profile and binding, is bound by hashes
    /// to the header's proof commitment, and this node's own replay of the disputed step finds the claimed mismatch.
    /// <paramref name="registered"/> is the block's model as the registry after its parent has it (null: unknown there).
    /// </summary>
    /// <exception cref="InvalidOperationException">The node does not hold the block's model: it can neither confirm nor refute.</exception>
    public ChallengeVerdict CheckFraudProof(ReplayChallenge challenge, BlockHeader header, int height, RegisteredModel? registered)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ChallengeVerdict Refuted(string why) => new(false, challenge.Reason, $"refuted: {why}");
        if (challenge.Mode != ComparisonMode.Exact)
            return Refuted("only exact-mode fraud proofs count: tolerant mode is an audit, never block validity");
        if (!challenge.ModelId.AsSpan().SequenceEqual(header.ModelId.ToArray()))
            return Refuted($"the challenge names model {Convert.ToHexStringLower(challenge.ModelId)}, block {header.Hash} declares {Convert.ToHexStringLower(header.ModelId.ToArray())}");
        if (registered is null)
            return Refuted($"model {Convert.ToHexStringLower(header.ModelId.ToArray())} is not registered");
        if (challenge.Profile.Differences(registered.Profile) is { Count: > 0 } differences)
            return Refuted($"the challenge's profile is not the pinned one: {string.Join(", ", differences)}");
        var binding = BlockProofBinding.For(header);
        if (!challenge.Binding.HeaderBinding.AsSpan().SequenceEqual(binding.HeaderBinding) ||
            !challenge.Binding.VdfOutput.AsSpan().SequenceEqual(binding.VdfOutput) || challenge.Binding.VdfTick != binding.VdfTick)
            return Refuted($"the challenge's binding (B, v, T) is not block {header.Hash}'s at height {height}");
        var model = _models.FirstOrDefault(m => m.Id == header.ModelId)
            ?? throw new InvalidOperationException($"this node does not hold model {registered.Name}: it cannot replay the disputed step");
        lock (_replayLock) return ChallengeChecker.Check(challenge, model.ReplayTransformer, expectedCommitment: header.ProofCommitment.ToArray());
    }
}
