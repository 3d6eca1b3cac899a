using System.Buffers.Binary;
using TensorCash.Proof.Verification;

namespace TensorCash.Proof.Transcript;

/// <summary>
/// The canonical binary form of a <see cref="ProofTranscript"/> (docs/protocol/proof-of-inference.md, section 10).
/// Every field is fixed-width little-endian or length-prefixed with a named cap; evidence candidates are in strictly
/// ascending token id (the order the leaf hash commits), so each transcript has exactly one encoding and
/// Encode(Decode(bytes)) == bytes for every accepted input.
/// </summary>
public static class TranscriptCodec
{
    public static ReadOnlySpan<byte> Magic => "TSCP"u8;

    /// <summary>Bytes of one step: token, K candidates, statistics.</summary>
    public static int StepBytes(int evidenceCount) => 4 + 8 * evidenceCount + StatisticsEncoding.ByteLength;

    public static byte[] Encode(ProofTranscript transcript)
    {
        var h = transcript.Header;
        if (h.ModelId.Length is 0 or > TranscriptLimits.MaxModelIdBytes)
            throw new ProofInputException($"model id is {h.ModelId.Length} bytes; it must be 1..{TranscriptLimits.MaxModelIdBytes}");
        if (h.EvidenceCount is < 1 or > TranscriptLimits.MaxEvidenceCount)
            throw new ProofInputException($"evidence count {h.EvidenceCount} is outside 1..{TranscriptLimits.MaxEvidenceCount}");
        if (h.WindowSize < 0) throw new ProofInputException($"window size {h.WindowSize} is negative");
        if (h.Prompt.Length > TranscriptLimits.MaxPromptTokens)
            throw new ProofInputException($"prompt has {h.Prompt.Length} tokens; the limit is {TranscriptLimits.MaxPromptTokens}");
        if (transcript.Steps.Count > TranscriptLimits.MaxSteps)
            throw new ProofInputException($"transcript has {transcript.Steps.Count} steps; the limit is {TranscriptLimits.MaxSteps}");

        var headerBytes = 6 + 1 + h.ModelId.Length + 1 + 24 + 1 + h.Binding.HeaderBinding.Length + 32 + 8 + 4 + 2 + 4 + 4 * h.Prompt.Length + 4;
        var expectedBytes = headerBytes + transcript.Steps.Count * StepBytes(h.EvidenceCount);
        var writer = new LittleEndianWriter(expectedBytes);
        writer.Bytes(Magic);
        writer.U16(ProofTranscript.FormatVersion);
        writer.U8((byte)h.ModelId.Length);
        writer.Bytes(h.ModelId);
        writer.U8((byte)h.Precision);
        writer.U32(h.Decode.TemperatureQ16);
        writer.U32((uint)h.Decode.TopK);
        writer.U64(h.Decode.TopPQ32);
        writer.U32(h.Decode.RepetitionPenaltyQ16);
        writer.U32(h.Decode.PenaltyLastN);
        writer.U8((byte)h.Binding.HeaderBinding.Length);
        writer.Bytes(h.Binding.HeaderBinding);
        writer.Bytes(h.Binding.VdfOutput);
        writer.U64(h.Binding.VdfTick);
        writer.U32((uint)h.WindowSize);
        writer.U16((ushort)h.EvidenceCount);
        writer.U32((uint)h.Prompt.Length);
        for (var i = 0; i < h.Prompt.Length; i++) writer.U32(TokenIds.ToWire(h.Prompt[i], $"prompt token {i}"));
        writer.U32((uint)transcript.Steps.Count);
        for (var t = 0; t < transcript.Steps.Count; t++)
        {
            var step = transcript.Steps[t];
            if (step.Evidence.Candidates.Count != h.EvidenceCount)
                throw new ProofInputException($"step {t} has {step.Evidence.Candidates.Count} evidence candidates; the header declares {h.EvidenceCount}");
            writer.U32(TokenIds.ToWire(step.Token, $"step {t} token"));
            foreach (var candidate in step.Evidence.Candidates) // StepEvidence keeps them in ascending id: the canonical order
            {
                writer.U32((uint)candidate.TokenId);
                writer.U32(candidate.LogitBits);
            }
            writer.Bytes(StatisticsEncoding.ToBytes(step.Statistics));
        }
        // The layout is fixed-size per field, so a length other than the computed one is an encoder bug.
        if (writer.Length != expectedBytes) throw new InvalidOperationException($"encoder wrote {writer.Length} of {expectedBytes} bytes");
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

        var precisionAt = r.Position;
        var precision = (PrecisionTag)r.U8("precision");
        if (!Enum.IsDefined(precision))
            throw new TranscriptFormatException(RejectReason.ParameterOutOfRange, $"offset {precisionAt}, precision: tag 0x{(byte)precision:X2} is not one of f32, f16, bf16, q8_0");

        var decodeAt = r.Position;
        var temperature = r.U32("temperature");
        var topK = r.U32("top-k");
        var topP = r.U64("top-p");
        var penalty = r.U32("repetition penalty");
        var lastN = r.U32("penalty window");
        DecodeParameters decode;
        try
        {
            decode = new DecodeParameters(temperature, topK > int.MaxValue ? -1 : (int)topK, topP, penalty, lastN);
        }
        catch (ProofInputException e)
        {
            throw new TranscriptFormatException(RejectReason.ParameterOutOfRange, $"offset {decodeAt}, decode parameters: {e.Message}");
        }

        var bindingLength = r.U8("binding length");
        if (bindingLength is < ChainBinding.MinBindingBytes or > ChainBinding.MaxBindingBytes)
            throw Malformed(r.Position - 1, "binding length", $"{bindingLength} bytes is outside {ChainBinding.MinBindingBytes}..{ChainBinding.MaxBindingBytes}");
        var headerBinding = r.Bytes(bindingLength, "binding B");
        var vdfOutput = r.Bytes(ChainBinding.VdfOutputBytes, "VDF output v");
        var binding = new ChainBinding(headerBinding, vdfOutput, r.U64("VDF tick T"));

        var windowAt = r.Position;
        var windowSize = r.U32("window size");
        if (windowSize is < ProofDigest.MinWindowSize or > ProofDigest.MaxWindowSize)
            throw new TranscriptFormatException(RejectReason.ParameterOutOfRange, $"offset {windowAt}, window size: {windowSize} is outside {ProofDigest.MinWindowSize}..{ProofDigest.MaxWindowSize}");
        var evidenceCount = r.U16("evidence count");
        if (evidenceCount is < 1 or > TranscriptLimits.MaxEvidenceCount)
            throw Malformed(r.Position - 2, "evidence count", $"{evidenceCount} is outside 1..{TranscriptLimits.MaxEvidenceCount}");

        var promptCount = r.Count("prompt token count", TranscriptLimits.MaxPromptTokens, 4);
        var prompt = new int[promptCount];
        for (var i = 0; i < prompt.Length; i++) prompt[i] = r.TokenId($"prompt token {i}");

        var stepCount = r.Count("step count", TranscriptLimits.MaxSteps, StepBytes(evidenceCount));
        var steps = new TranscriptStep[stepCount];
        var candidates = new LogitCandidate[evidenceCount];
        var sketch = new uint[StepStatistics.SketchLength];
        for (var t = 0; t < steps.Length; t++)
        {
            var token = r.TokenId($"step {t} token");
            for (var i = 0; i < candidates.Length; i++)
            {
                var idAt = r.Position;
                var id = r.TokenId($"step {t} candidate {i} id");
                if (i > 0 && id <= candidates[i - 1].TokenId)
                    throw new TranscriptFormatException(RejectReason.NonCanonicalEncoding,
                        $"offset {idAt}, step {t} candidate {i} id: {id} does not follow {candidates[i - 1].TokenId}; candidates must be in strictly ascending token id");
                candidates[i] = new LogitCandidate(id, r.U32($"step {t} candidate {i} logit"));
            }
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
        if (r.Remaining > 0) throw Malformed(r.Position, "end", $"{r.Remaining} trailing bytes after the last step");

        var header = new TranscriptHeader(modelId, precision, decode, binding, (int)windowSize, evidenceCount, prompt);
        return new ProofTranscript(header, steps);
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
