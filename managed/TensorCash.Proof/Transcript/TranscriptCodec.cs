using System.Buffers.Binary;
using TensorCash.Proof.Verification;

namespace TensorCash.Proof.Transcript;

/// <summary>
/// The canonical binary form of a <see cref="ProofTranscript"/>, version 2 (docs/protocol/proof-of-inference.md §10).
/// Fixed-width little-endian fields, length-prefixed variable fields with named caps, exactly W steps (one window), and
/// evidence ids in strictly ascending order written as minimal LEB128 gaps, so each transcript has exactly one
/// encoding and Encode(Decode(bytes)) == bytes for every accepted input.
/// </summary>
public static class TranscriptCodec
{
    public static ReadOnlySpan<byte> Magic => "TSCP"u8;

    /// <summary>u8 dt, u32 τ, u32 top-k, u64 top-p, u32 ρ, u32 N, u16 K, u32 W, u32 V, u8 S, u32 prompt cap, u64 ceiling.</summary>
    public const int ProfileBytes = 1 + 4 + 4 + 8 + 4 + 4 + 2 + 4 + 4 + 1 + 4 + 8;

    /// <summary>Fewest bytes one step can take: token, K one-byte id gaps, K logits, statistics.</summary>
    public static int MinStepBytes(int evidenceCount) => 4 + 5 * evidenceCount + StatisticsEncoding.ByteLength;

    /// <summary>Most bytes one step can take: token, K five-byte id gaps, K logits, statistics.</summary>
    public static long MaxStepBytes(int evidenceCount) => 4 + 9L * evidenceCount + StatisticsEncoding.ByteLength;

    /// <summary>
    /// The largest encoding a transcript under <paramref name="profile"/> can have (prompt at its cap, every id gap at
    /// its widest): a verifier that knows the pinned profile refuses a longer input before decoding any of it, so a
    /// proof declaring a huge profile costs it nothing.
    /// </summary>
    public static long MaxEncodedBytes(ProofProfile profile, int modelIdLength) =>
        4 + 2 + 1 + modelIdLength + ProfileBytes + 1 + ChainBinding.MaxBindingBytes + ChainBinding.VdfOutputBytes + 8 + 4
        + 4L * profile.MaxPromptTokens + profile.WindowSize * MaxStepBytes(profile.EvidenceCount);

    public static byte[] Encode(ProofTranscript transcript)
    {
        var h = transcript.Header;
        var p = h.Profile;
        if (h.ModelId.Length is 0 or > TranscriptLimits.MaxModelIdBytes)
            throw new ProofInputException($"model id is {h.ModelId.Length} bytes; it must be 1..{TranscriptLimits.MaxModelIdBytes}");
        if (h.Prompt.Length > p.MaxPromptTokens)
            throw new ProofInputException($"prompt has {h.Prompt.Length} tokens; the profile allows {p.MaxPromptTokens}");
        if (transcript.Steps.Count != p.WindowSize)
            throw new ProofInputException($"transcript has {transcript.Steps.Count} steps; a proof is exactly one window of {p.WindowSize}");

        var writer = new LittleEndianWriter(256 + 4 * h.Prompt.Length + p.WindowSize * (MinStepBytes(p.EvidenceCount) + 2 * p.EvidenceCount));
        writer.Bytes(Magic);
        writer.U16(ProofTranscript.FormatVersion);
        writer.U8((byte)h.ModelId.Length);
        writer.Bytes(h.ModelId);
        writer.Bytes(EncodeProfile(p));
        writer.U8((byte)h.Binding.HeaderBinding.Length);
        writer.Bytes(h.Binding.HeaderBinding);
        writer.Bytes(h.Binding.VdfOutput);
        writer.U64(h.Binding.VdfTick);
        writer.U32((uint)h.Prompt.Length);
        for (var i = 0; i < h.Prompt.Length; i++) writer.U32(TokenIds.ToWire(h.Prompt[i], $"prompt token {i}"));
        for (var t = 0; t < transcript.Steps.Count; t++)
        {
            var step = transcript.Steps[t];
            var candidates = step.Evidence.Candidates;
            if (candidates.Count != p.EvidenceCount)
                throw new ProofInputException($"step {t} has {candidates.Count} evidence candidates; the profile pins {p.EvidenceCount}");
            writer.U32(TokenIds.ToWire(step.Token, $"step {t} token"));
            var previous = -1;
            foreach (var candidate in candidates) // StepEvidence keeps them in ascending id: the canonical order
            {
                WriteLeb128(writer, (uint)(candidate.TokenId - previous - 1));
                previous = candidate.TokenId;
            }
            foreach (var candidate in candidates) writer.U32(candidate.LogitBits);
            writer.Bytes(StatisticsEncoding.ToBytes(step.Statistics));
        }
        return writer.ToArray();
    }

    public static ProofTranscript Decode(ReadOnlySpan<byte> bytes)
    {
        var r = new Reader(bytes);
        if (!r.Bytes(4, "magic").SequenceEqual(Magic)) throw Malformed(0, "magic", "the file does not start with \"TSCP\"");
        var version = r.U16("version");
        if (version != ProofTranscript.FormatVersion)
            throw Malformed(4, "version", $"version {version} is not supported (this build reads version {ProofTranscript.FormatVersion})");

        var modelIdLength = r.U8("model id length");
        if (modelIdLength == 0) throw Malformed(r.Position - 1, "model id length", "the model id is empty");
        var modelId = r.Bytes(modelIdLength, "model id").ToArray();

        var profileAt = r.Position;
        ProofProfile profile;
        try
        {
            profile = DecodeProfile(r.Bytes(ProfileBytes, "profile"));
        }
        catch (ProofInputException e)
        {
            throw new TranscriptFormatException(RejectReason.ParameterOutOfRange, $"offset {profileAt}, profile: {e.Message}");
        }

        var bindingLength = r.U8("binding length");
        if (bindingLength is < ChainBinding.MinBindingBytes or > ChainBinding.MaxBindingBytes)
            throw Malformed(r.Position - 1, "binding length", $"{bindingLength} bytes is outside {ChainBinding.MinBindingBytes}..{ChainBinding.MaxBindingBytes}");
        var headerBinding = r.Bytes(bindingLength, "binding B");
        var vdfOutput = r.Bytes(ChainBinding.VdfOutputBytes, "VDF output v");
        var binding = new ChainBinding(headerBinding, vdfOutput, r.U64("VDF tick T"));

        var promptAt = r.Position;
        var promptCount = r.Count("prompt token count", profile.MaxPromptTokens, 4);
        var prompt = new int[promptCount];
        for (var i = 0; i < prompt.Length; i++)
        {
            prompt[i] = r.TokenId($"prompt token {i}");
            if (prompt[i] >= profile.VocabSize)
                throw new TranscriptFormatException(RejectReason.ParameterOutOfRange, $"offset {promptAt}, prompt token {i}: id {prompt[i]} is outside the vocabulary [0, {profile.VocabSize})");
        }

        var k = profile.EvidenceCount;
        if ((long)profile.WindowSize * MinStepBytes(k) > r.Remaining)
            throw Malformed(r.Position, "steps", $"truncated: {profile.WindowSize} steps need at least {(long)profile.WindowSize * MinStepBytes(k)} bytes, {r.Remaining} left");
        var steps = new TranscriptStep[profile.WindowSize];
        var ids = new int[k];
        var candidates = new LogitCandidate[k];
        var sketch = new uint[StepStatistics.SketchLength];
        for (var t = 0; t < steps.Length; t++)
        {
            var token = r.TokenId($"step {t} token");
            long previous = -1;
            for (var i = 0; i < k; i++)
            {
                var idAt = r.Position;
                long id = previous + 1 + r.Leb128($"step {t} candidate {i} id gap");
                if (id >= profile.VocabSize)
                    throw new TranscriptFormatException(RejectReason.EvidenceInvalid, $"offset {idAt}, step {t} candidate {i}: id {id} is outside the vocabulary [0, {profile.VocabSize})");
                ids[i] = (int)id;
                previous = id;
            }
            for (var i = 0; i < k; i++) candidates[i] = new LogitCandidate(ids[i], r.U32($"step {t} candidate {i} logit"));
            StepEvidence evidence;
            try
            {
                evidence = new StepEvidence(candidates);
            }
            catch (ProofInputException e)
            {
                throw new TranscriptFormatException(RejectReason.EvidenceInvalid, $"step {t} evidence: {e.Message}");
            }
            var lse = r.U32($"step {t} logsumexp");
            var entropy = r.U32($"step {t} entropy");
            var sampled = r.U32($"step {t} sampled probability");
            for (var j = 0; j < sketch.Length; j++) sketch[j] = r.U32($"step {t} sketch {j}");
            steps[t] = new TranscriptStep(token, evidence, new StepStatistics(lse, entropy, sampled, (uint[])sketch.Clone()));
        }
        if (r.Remaining > 0) throw Malformed(r.Position, "end", $"{r.Remaining} trailing bytes after the window's {profile.WindowSize} steps (a proof is one window)");

        return new ProofTranscript(new TranscriptHeader(modelId, profile, binding, prompt), steps);
    }

    /// <summary>The profile's <see cref="ProfileBytes"/> bytes, as in a transcript (also used by fraud proofs).</summary>
    public static byte[] EncodeProfile(ProofProfile p)
    {
        var writer = new LittleEndianWriter(ProfileBytes);
        writer.U8((byte)p.Precision);
        writer.U32(p.Decode.TemperatureQ16);
        writer.U32((uint)p.Decode.TopK);
        writer.U64(p.Decode.TopPQ32);
        writer.U32(p.Decode.RepetitionPenaltyQ16);
        writer.U32(p.Decode.PenaltyLastN);
        writer.U16((ushort)p.EvidenceCount);
        writer.U32((uint)p.WindowSize);
        writer.U32((uint)p.VocabSize);
        writer.U8((byte)p.SaltTokens);
        writer.U32((uint)p.MaxPromptTokens);
        writer.U64(p.CeilingQ32);
        return writer.ToArray();
    }

    /// <summary>Reads <see cref="ProfileBytes"/> bytes; a value out of its range throws <see cref="ProofInputException"/>.</summary>
    public static ProofProfile DecodeProfile(ReadOnlySpan<byte> b)
    {
        if (b.Length != ProfileBytes) throw new ProofInputException($"a profile is {ProfileBytes} bytes, not {b.Length}");
        var precision = (PrecisionTag)b[0];
        if (!Enum.IsDefined(precision)) throw new ProofInputException($"precision tag 0x{(byte)precision:X2} is not one of f32, f16, bf16, q8_0");
        static int Int(uint v) => v > int.MaxValue ? -1 : (int)v;
        var decode = new DecodeParameters(BinaryPrimitives.ReadUInt32LittleEndian(b[1..]), Int(BinaryPrimitives.ReadUInt32LittleEndian(b[5..])),
            BinaryPrimitives.ReadUInt64LittleEndian(b[9..]), BinaryPrimitives.ReadUInt32LittleEndian(b[17..]), BinaryPrimitives.ReadUInt32LittleEndian(b[21..]));
        return new ProofProfile(decode, BinaryPrimitives.ReadUInt16LittleEndian(b[25..]), Int(BinaryPrimitives.ReadUInt32LittleEndian(b[27..])), precision,
            Int(BinaryPrimitives.ReadUInt32LittleEndian(b[31..])), b[35], Int(BinaryPrimitives.ReadUInt32LittleEndian(b[36..])),
            BinaryPrimitives.ReadUInt64LittleEndian(b[40..]));
    }

    private static void WriteLeb128(LittleEndianWriter writer, uint value)
    {
        while (value >= 0x80)
        {
            writer.U8((byte)(value | 0x80));
            value >>= 7;
        }
        writer.U8((byte)value);
    }

    private static TranscriptFormatException Malformed(int offset, string field, string message) =>
        new(RejectReason.MalformedEncoding, $"offset {offset}, {field}: {message}");

    /// <summary>Reads fields in order; every read names its field so a short input says what was cut off.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; private set; }
        public readonly int Remaining => _bytes.Length - Position;

        public ReadOnlySpan<byte> Bytes(int count, string field)
        {
            if (Remaining < count)
                throw Malformed(Position, field, $"truncated: {count} bytes needed, {Remaining} left");
            var span = _bytes.Slice(Position, count);
            Position += count;
            return span;
        }

        public byte U8(string field) => Bytes(1, field)[0];
        public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, field));
        public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4, field));
        public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8, field));

        public int TokenId(string field)
        {
            var at = Position;
            var id = U32(field);
            return id <= int.MaxValue ? (int)id : throw Malformed(at, field, $"token id {id} exceeds {int.MaxValue}");
        }

        /// <summary>An unsigned LEB128 value below 2^31 in its shortest form (a longer form is non-canonical).</summary>
        public uint Leb128(string field)
        {
            var at = Position;
            uint value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = U8(field);
                if (shift == 28 && b > 0x07) throw Malformed(at, field, "LEB128 value exceeds 2^31 - 1");
                value |= (uint)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    if (b == 0 && shift > 0)
                        throw new TranscriptFormatException(RejectReason.NonCanonicalEncoding, $"offset {at}, {field}: LEB128 with a redundant zero byte");
                    return value;
                }
            }
        }

        /// <summary>A u32 element count, checked against its cap and against the bytes actually left before any allocation.</summary>
        public int Count(string field, int cap, int elementBytes)
        {
            var at = Position;
            var count = U32(field);
            if (count > cap) throw Malformed(at, field, $"{count} exceeds the limit of {cap}");
            if ((long)count * elementBytes > Remaining)
                throw Malformed(at, field, $"truncated: {count} entries need {(long)count * elementBytes} bytes, {Remaining} left");
            return (int)count;
        }
    }
}
