using System.Buffers.Binary;
using TensorCash.Proof;
using TensorCash.Proof.Transcript;
using TensorCash.Proof.Verification;

namespace TensorCash.Proving.Replay;

/// <summary>
/// Canonical binary form of a <see cref="ReplayChallenge"/> (layout in docs/protocol/tier2-replay.md §6): fixed-width
/// little-endian integers, length-prefixed fields, evidence in ascending id order. Decoding rejects anything another
/// encoder could have written differently: bad magic or version, out-of-range fields, unsorted evidence, trailing bytes.
/// </summary>
public static class ReplayChallengeCodec
{
    public const int MaxContextTokens = TranscriptLimits.MaxPromptTokens + ProofDigest.MaxWindowSize;
    public const int MaxMerklePathNodes = 64;
    private static readonly byte[] Magic = "TSC-CHAL"u8.ToArray();

    public static byte[] Encode(ReplayChallenge c)
    {
        var w = new LittleEndianWriter(1024);
        w.Bytes(Magic).U16(ReplayChallenge.FormatVersion);
        w.Short(c.ModelId).Bytes(TranscriptCodec.EncodeProfile(c.Profile));
        w.Short(c.Binding.HeaderBinding).Bytes(c.Binding.VdfOutput).U64(c.Binding.VdfTick);
        w.U16((ushort)c.Reason).U8((byte)c.Mode);
        w.U32((uint)c.PromptLength).U32((uint)c.Context.Length);
        foreach (int id in c.Context) w.U32((uint)id);

        w.U32((uint)c.Committed.Token).U16((ushort)c.Committed.Evidence.Candidates.Count);
        foreach (var e in c.Committed.Evidence.Candidates) w.U32((uint)e.TokenId).U32(e.LogitBits);
        Statistics(w, c.Committed.Statistics);

        w.U16((ushort)c.Recomputed.CommittedIdLogitBits.Length);
        foreach (uint bits in c.Recomputed.CommittedIdLogitBits) w.U32(bits);
        w.U16((ushort)c.Recomputed.TopCandidates.Length);
        foreach (var e in c.Recomputed.TopCandidates) w.U32((uint)e.TokenId).U32(e.LogitBits);
        Statistics(w, c.Recomputed.Statistics);
        w.U64(BitConverter.DoubleToUInt64Bits(c.Recomputed.LogitRange));

        w.Bytes(c.LeafHash).U8((byte)c.MerklePath.Count);
        foreach (var node in c.MerklePath) w.Bytes(node);
        w.Bytes(c.ProofCommitment);
        return w.ToArray();
    }

    private static void Statistics(LittleEndianWriter w, StepStatistics s)
    {
        w.U32(s.LogSumExpBits).U32(s.EntropyBits).U32(s.SampledProbabilityBits).U8((byte)s.SketchBits.Length);
        foreach (uint bits in s.SketchBits) w.U32(bits);
    }

    public static ReplayChallenge Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes.ToArray());
        if (!r.Bytes(Magic.Length, "magic").AsSpan().SequenceEqual(Magic)) throw r.Error("magic is not TSC-CHAL");
        ushort version = r.U16("version");
        if (version != ReplayChallenge.FormatVersion) throw r.Error($"version {version} is not supported (expected {ReplayChallenge.FormatVersion})");
        byte[] modelId = r.Short("model id");
        if (modelId.Length == 0) throw r.Error("model id is empty");
        var profileBytes = r.Bytes(TranscriptCodec.ProfileBytes, "profile");
        var profile = Proof(r, () => TranscriptCodec.DecodeProfile(profileBytes));
        byte[] header = r.Short("binding B");
        byte[] vdf = r.Bytes(ChainBinding.VdfOutputBytes, "VDF output");
        ulong tick = r.U64("VDF tick");
        var binding = Proof(r, () => new ChainBinding(header, vdf, tick));

        var reason = (RejectReason)r.U16("reason");
        if (reason is not (RejectReason.EvidenceLogitMismatch or RejectReason.StatisticsMismatch or RejectReason.SketchMismatch))
            throw r.Error($"reason {(int)reason} is not a tier-2 mismatch");
        var mode = (ComparisonMode)r.U8("mode");
        if (!Enum.IsDefined(mode)) throw r.Error($"comparison mode {(byte)mode} is unknown");
        int promptLength = r.Int("prompt length", MaxContextTokens);
        int contextLength = r.Int("context length", MaxContextTokens);
        if (promptLength < 1 || promptLength > contextLength) throw r.Error($"prompt length {promptLength} must be 1..context length {contextLength}");
        if (promptLength > profile.MaxPromptTokens) throw r.Error($"prompt length {promptLength} exceeds the profile's cap of {profile.MaxPromptTokens}");
        if (contextLength - promptLength >= profile.WindowSize) throw r.Error($"step {contextLength - promptLength} is outside a window of {profile.WindowSize}");
        var context = new int[contextLength];
        for (int i = 0; i < context.Length; i++) context[i] = r.Int("context token", int.MaxValue);

        int token = r.Int("committed token", int.MaxValue);
        var evidence = Candidates(r, "committed evidence", requireAscending: true);
        var committed = new TranscriptStep(token, Proof(r, () => new StepEvidence(evidence)), Statistics(r, "committed"));

        int atCommittedCount = r.U16("recomputed logit count");
        if (atCommittedCount != evidence.Length) throw r.Error($"{atCommittedCount} recomputed logits for {evidence.Length} committed candidates");
        var atCommitted = new uint[atCommittedCount];
        for (int i = 0; i < atCommitted.Length; i++) atCommitted[i] = r.U32("recomputed logit");
        var top = Candidates(r, "recomputed top candidates", requireAscending: false);
        var recomputedStats = Statistics(r, "recomputed");
        double range = BitConverter.UInt64BitsToDouble(r.U64("logit range"));
        if (!double.IsFinite(range) || range < 0) throw r.Error($"logit range {range} is not a finite non-negative number");

        byte[] leaf = r.Bytes(32, "leaf hash");
        int pathCount = r.U8("Merkle path length");
        if (pathCount > MaxMerklePathNodes) throw r.Error($"Merkle path has {pathCount} nodes; at most {MaxMerklePathNodes}");
        var path = new List<byte[]>();
        for (int i = 0; i < pathCount; i++) path.Add(r.Bytes(32, "Merkle path node"));
        byte[] commitment = r.Bytes(32, "proof commitment");
        r.End();
        return new ReplayChallenge(modelId, profile, binding, promptLength, context, reason, mode,
            committed, new RecomputedStep(atCommitted, top, recomputedStats, range), leaf, path, commitment);
    }

    private static LogitCandidate[] Candidates(Reader r, string what, bool requireAscending)
    {
        int count = r.U16(what + " count");
        if (count is 0 or > StepEvidence.MaxCandidates + 1) throw r.Error($"{what}: {count} candidates; must be 1..{StepEvidence.MaxCandidates + 1}");
        var result = new LogitCandidate[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = new LogitCandidate(r.Int(what + " id", int.MaxValue), r.U32(what + " logit"));
            if (requireAscending && i > 0 && result[i].TokenId <= result[i - 1].TokenId)
                throw r.Error($"{what}: ids must be strictly ascending (canonical order), found {result[i - 1].TokenId} then {result[i].TokenId}");
        }
        return result;
    }

    private static StepStatistics Statistics(Reader r, string what)
    {
        uint lse = r.U32(what + " logsumexp"), entropy = r.U32(what + " entropy"), p = r.U32(what + " sampled probability");
        int length = r.U8(what + " sketch length");
        if (length != StepStatistics.SketchLength) throw r.Error($"{what} sketch has {length} entries; it must have {StepStatistics.SketchLength}");
        var sketch = new uint[length];
        for (int i = 0; i < length; i++) sketch[i] = r.U32(what + " sketch");
        return new StepStatistics(lse, entropy, p, sketch);
    }

    private static T Proof<T>(Reader r, Func<T> build)
    {
        try { return build(); }
        catch (ProofInputException e) { throw r.Error(e.Message); }
    }

    private sealed class Reader(byte[] bytes)
    {
        private int _at;
        public ReplayChallengeFormatException Error(string message) => new($"replay challenge at byte {_at}: {message}");
        public byte[] Bytes(int count, string field)
        {
            if (bytes.Length - _at < count) throw Error($"truncated reading {field} ({count} bytes needed, {bytes.Length - _at} left)");
            var result = bytes.AsSpan(_at, count).ToArray();
            _at += count;
            return result;
        }
        public byte U8(string field) => Bytes(1, field)[0];
        public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, field));
        public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, field));
        public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, field));
        public byte[] Short(string field) => Bytes(U8(field + " length"), field);
        public int Int(string field, int max)
        {
            uint v = U32(field);
            if (v > (uint)max) throw Error($"{field} {v} exceeds {max}");
            return (int)v;
        }
        public void End()
        {
            if (_at != bytes.Length) throw Error($"{bytes.Length - _at} trailing bytes");
        }
    }
}
