using System.CommandLine;
using TensorCash.Proof;

namespace TensorCash.Cli;

/// <summary>The chain-binding and precision options `prove` and `verify` share, and their conversion to the proof types.</summary>
public sealed class ProofOptions
{
    public Option<string> Binding { get; }
    public Option<string> VdfOutput { get; } = new("--vdf-output")
    {
        Description = "VDF output v, 32 bytes as 64 hex digits. Default: all zeros (until the VDF exists).",
        HelpName = "HEX",
    };
    public Option<ulong> VdfTick { get; } = new("--vdf-tick") { Description = "VDF tick T. Default: 0." };
    public Option<string> Precision { get; } = new("--precision")
    {
        Description = "Declared precision dt of the forward pass: f32, f16, bf16 or q8_0.",
        DefaultValueFactory = _ => "f32",
    };

    public ProofOptions(bool bindingRequired)
    {
        Binding = new Option<string>("--binding")
        {
            Description = "Chain binding B (block-header prefix or its hash), 32..80 bytes as hex.",
            HelpName = "HEX",
            Required = bindingRequired,
        };
        Precision.AcceptOnlyFromAmong("f32", "f16", "bf16", "q8_0");
    }

    public IEnumerable<Option> All => [Binding, VdfOutput, VdfTick, Precision];

    public PrecisionTag GetPrecision(ParseResult parsed) => parsed.GetValue(Precision) switch
    {
        "f16" => PrecisionTag.F16,
        "bf16" => PrecisionTag.BF16,
        "q8_0" => PrecisionTag.Q8_0,
        _ => PrecisionTag.F32,
    };

    /// <summary>The binding from the options, or null when --binding was not given.</summary>
    public ChainBinding? GetBinding(ParseResult parsed)
    {
        if (parsed.GetValue(Binding) is not { } bindingHex) return null;
        var b = Hex("--binding", bindingHex);
        var v = parsed.GetValue(VdfOutput) is { } vHex ? Hex("--vdf-output", vHex) : new byte[ChainBinding.VdfOutputBytes];
        try
        {
            return new ChainBinding(b, v, parsed.GetValue(VdfTick));
        }
        catch (ProofInputException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static byte[] Hex(string option, string text)
    {
        try
        {
            return Convert.FromHexString(text.Trim());
        }
        catch (FormatException)
        {
            throw new UsageException($"{option} is not an even number of hex digits: '{text}'");
        }
    }
}
