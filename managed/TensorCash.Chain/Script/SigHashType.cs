namespace TensorCash.Chain.Script;

/// <summary>
/// The signature hash type: the byte after a signature's DER, saying which parts of the transaction it commits
/// to. Defined values are ALL, NONE, SINGLE, each optionally with ANYONECANPAY.
/// </summary>
public static class SigHashType
{
    public const byte All = 0x01;
    public const byte None = 0x02;
    public const byte Single = 0x03;
    public const byte AnyoneCanPay = 0x80;

    /// <summary>Bitcoin's base-type mask: the legacy algorithm reads NONE/SINGLE from the low 5 bits only.</summary>
    public const int BaseTypeMask = 0x1f;

    /// <summary>The STRICTENC rule: ALL, NONE or SINGLE, with or without ANYONECANPAY; nothing else.</summary>
    public static bool IsDefined(byte hashType) => (hashType & ~AnyoneCanPay) is All or None or Single;
}
