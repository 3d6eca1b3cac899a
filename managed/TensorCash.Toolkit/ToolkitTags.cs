using System.Text;

namespace TensorCash.Toolkit;

/// <summary>
/// ASCII prefixes of every hash the toolkit computes, distinct from each other and from the proof core's "TSC-*" tags,
/// so no preimage can be reinterpreted in another role (a receipt as an epoch, a node signature as a payer's, ...).
/// </summary>
internal static class ToolkitTags
{
    public static readonly byte[] SelectionInput = Encoding.ASCII.GetBytes("TSC-VRF-SEL");
    public static readonly byte[] SelectionStream = Encoding.ASCII.GetBytes("TSC-VRF-STREAM");
    public static readonly byte[] CommitteeTicket = Encoding.ASCII.GetBytes("TSC-VRF-TICKET");
    public static readonly byte[] ReceiptBody = Encoding.ASCII.GetBytes("TSC-RCPT-BODY");
    public static readonly byte[] EnclaveSignature = Encoding.ASCII.GetBytes("TSC-RCPT-ENCLAVE");
    public static readonly byte[] NodeSignature = Encoding.ASCII.GetBytes("TSC-RCPT-NODE");
    public static readonly byte[] PayerSignature = Encoding.ASCII.GetBytes("TSC-RCPT-PAYER");
    public static readonly byte[] Receipt = Encoding.ASCII.GetBytes("TSC-RCPT");
    public static readonly byte[] ReceiptNode = Encoding.ASCII.GetBytes("TSC-RNODE");
    public static readonly byte[] ReceiptsRoot = Encoding.ASCII.GetBytes("TSC-RECEIPTS");
    public static readonly byte[] Epoch = Encoding.ASCII.GetBytes("TSC-EPOCH");
    public static readonly byte[] SoftwareQuote = Encoding.ASCII.GetBytes("TSC-QUOTE-SOFTWARE-TEST");
}
