using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using TensorCash.Proof;
using TensorCash.Toolkit.Attestation;
using TensorCash.Toolkit.Epochs;
using TensorCash.Toolkit.Receipts;

namespace TensorCash.Tests.Toolkit;

/// <summary>Round trips of every toolkit encoding over generated values: decode(encode(x)) re-encodes to the same bytes.</summary>
public class ToolkitProperties
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static Gen<byte[]> Bytes(int n) => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n);

    private static readonly Gen<string> Kernel = Gen.Choose(1, 64).SelectMany(n => Gen.ArrayOf(Gen.Choose(0x20, 0x7E), n)).Select(a => new string(a.Select(c => (char)c).ToArray()));

    private static readonly Gen<Measurement> Measurements =
        from model in Bytes(32)
        from kernel in Kernel
        from precision in Gen.Elements(PrecisionTag.F32, PrecisionTag.F16, PrecisionTag.BF16, PrecisionTag.Q8_0)
        select new Measurement(model, kernel, precision);

    private static readonly Gen<ulong> U64 = ArbMap.Default.GeneratorFor<ulong>();
    private static readonly Gen<uint> U32 = ArbMap.Default.GeneratorFor<uint>();

    private static readonly Gen<DecodeSettings> Decodes =
        from temperature in U32
        from topK in U32
        from topP in U64
        from penalty in U32
        from window in U32
        select new DecodeSettings(temperature, topK, topP, penalty, window);

    private static readonly Gen<ReceiptBody> Bodies =
        from request in Bytes(32)
        from output in Bytes(32)
        from environment in Measurements
        from decode in Decodes
        from seed in U64
        from work in U64
        from timestamp in U64
        from trace in Bytes(32)
        from traceLength in Gen.Choose(1, ReceiptLimits.MaxTracePositions)
        from node in Bytes(32)
        from payer in Bytes(32)
        select new ReceiptBody(request, output, environment, decode, seed, work, timestamp, trace, (uint)traceLength, node, payer);

    private static readonly Gen<Receipt> Receipts =
        from body in Bodies
        from quote in Gen.Choose(1, 300).SelectMany(Bytes)
        from enclave in Bytes(64)
        from node in Bytes(64)
        from payer in Bytes(64)
        select new Receipt(body, quote, enclave, node, payer);

    [Test]
    public void ReceiptsRoundTrip() =>
        Prop.ForAll(Receipts.ToArbitrary(), r =>
        {
            var bytes = ReceiptCodec.Encode(r);
            return ReceiptCodec.Encode(ReceiptCodec.Decode(bytes)).AsSpan().SequenceEqual(bytes);
        }).Check(Runs);

    [Test]
    public void DistinctReceiptsHaveDistinctHashes() =>
        Prop.ForAll(Receipts.ToArbitrary(), Receipts.ToArbitrary(), (a, b) =>
            ReceiptCodec.Encode(a).AsSpan().SequenceEqual(ReceiptCodec.Encode(b)) == ReceiptCodec.Hash(a).AsSpan().SequenceEqual(ReceiptCodec.Hash(b))).Check(Runs);

    [Test]
    public void EpochCommitmentsRoundTrip() =>
        Prop.ForAll((from node in Bytes(32)
                     from epoch in U64
                     from root in Bytes(32)
                     from total in U64
                     from jobs in Gen.Choose(1, ReceiptLimits.MaxReceiptsPerEpoch)
                     from da in Gen.Choose(0, ReceiptLimits.MaxDaPointerBytes).SelectMany(Bytes)
                     select new EpochCommitment(node, epoch, root, total, (uint)jobs, da)).ToArbitrary(), c =>
        {
            var bytes = c.Encode();
            return EpochCommitment.Decode(bytes).Encode().AsSpan().SequenceEqual(bytes);
        }).Check(Runs);

    [Test]
    public void OpeningsRoundTrip() =>
        Prop.ForAll((from job in U32
                     from receipt in Gen.Choose(0, 2000).SelectMany(Bytes)
                     from path in Gen.Choose(0, ReceiptLimits.MaxPathLength).SelectMany(n => Gen.ListOf(Bytes(32), n))
                     from position in U32
                     from leaf in Bytes(32)
                     from positionPath in Gen.Choose(0, ReceiptLimits.MaxPathLength).SelectMany(n => Gen.ListOf(Bytes(32), n))
                     select new ReceiptOpening(job, receipt, path.ToList(), position, leaf, positionPath.ToList())).ToArbitrary(), o =>
        {
            var bytes = o.Encode();
            return ReceiptOpening.Decode(bytes).Encode().AsSpan().SequenceEqual(bytes);
        }).Check(Runs);

    [Test]
    public void TruncatedEncodingsNeverDecode() =>
        Prop.ForAll(Receipts.ToArbitrary(), Gen.Choose(0, 10_000).ToArbitrary(), (r, cut) =>
        {
            var bytes = ReceiptCodec.Encode(r);
            var truncated = bytes[..(cut % bytes.Length)];
            try
            {
                ReceiptCodec.Decode(truncated);
                return false;
            }
            catch (TensorCash.Toolkit.ToolkitFormatException)
            {
                return true;
            }
        }).Check(Runs);
}
