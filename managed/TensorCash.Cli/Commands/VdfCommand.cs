using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TensorCash.Chain.Vdf;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash vdf eval|verify`: the chain's Wesolowski VDF (docs/protocol/vdf.md) on any 32-byte seed, for
/// experiments and for checking the test vectors. verify exits 0 when the evidence holds, 1 with the reason when not.
/// </summary>
public static class VdfCommand
{
    public static Command Create(CliConsole console)
    {
        var eval = new Command("eval", "Evaluate y = g^(2^T) in the class group seeded by SEED and prove it (Wesolowski). Prints v, y, pi and the evidence hex a block carries, with timings.");
        var verify = new Command("verify", "Verify VDF evidence (y || pi as hex, from 'vdf eval' or a block's vdfproof) for SEED and T. Exit 0 if it holds; otherwise 1 and the reason.");
        var evidence = new Option<string>("--evidence") { Description = "The evidence: enc(y) || enc(pi) as hex.", Required = true };
        verify.Add(evidence);
        foreach (var command in new[] { eval, verify })
        {
            command.Add(SeedOption);
            command.Add(TicksOption);
            command.Add(BitsOption);
            command.Add(ChallengeBitsOption);
            command.Add(JsonOption);
        }
        eval.SetAction(console.Guard((parsed, _) =>
        {
            var (seed, ticks, bits, challengeBits) = Read(parsed);
            var clock = Stopwatch.StartNew();
            var setup = VdfSetup.FromSeed(seed, bits, challengeBits);
            double deriveMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var result = WesolowskiVdf.Evaluate(setup, ticks);
            double evalMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var check = WesolowskiVdf.Verify(setup, ticks, result.Output, result.Proof);
            double verifyMs = clock.Elapsed.TotalMilliseconds;
            if (check is not null) throw new InvalidOperationException($"the evaluation does not verify: {check}");
            var report = new Dictionary<string, object>
            {
                ["seed"] = Convert.ToHexStringLower(seed),
                ["bits"] = bits,
                ["t"] = ticks,
                ["discriminant"] = setup.Discriminant.ToString(CultureInfo.InvariantCulture),
                ["l"] = WesolowskiVdf.Challenge(setup, ticks, result.Output).ToString(CultureInfo.InvariantCulture),
                ["v"] = Convert.ToHexStringLower(WesolowskiVdf.OutputHash(result.Output, bits)),
                ["y"] = Convert.ToHexStringLower(FormEncoding.Encode(result.Output, bits)),
                ["pi"] = Convert.ToHexStringLower(FormEncoding.Encode(result.Proof, bits)),
                ["evidence"] = Convert.ToHexStringLower(VdfProofCodec.Encode(result, bits)),
                ["derive_ms"] = Math.Round(deriveMs, 3),
                ["eval_ms"] = Math.Round(evalMs, 3),
                ["verify_ms"] = Math.Round(verifyMs, 3),
                ["squarings_per_s"] = Math.Round(ticks / (evalMs / 1000), 0),
            };
            Write(console, parsed, report);
            return ExitCodes.Success;
        }));
        verify.SetAction(console.Guard((parsed, _) =>
        {
            var (seed, ticks, bits, challengeBits) = Read(parsed);
            byte[] bytes = Hex(parsed.GetRequiredValue(evidence), "--evidence");
            var clock = Stopwatch.StartNew();
            var setup = VdfSetup.FromSeed(seed, bits, challengeBits);
            var result = VdfProofCodec.DecodeAndVerify(bytes, setup, ticks, out var rejection);
            double verifyMs = clock.Elapsed.TotalMilliseconds;
            var report = new Dictionary<string, object>
            {
                ["valid"] = result is not null,
                ["verify_ms"] = Math.Round(verifyMs, 3),
            };
            if (result is not null) report["v"] = Convert.ToHexStringLower(WesolowskiVdf.OutputHash(result.Output, bits));
            else report["reason"] = rejection!.Reason.ToString().ToLowerInvariant() + ": " + rejection.Message;
            Write(console, parsed, report);
            return result is not null ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return new Command("vdf", "The chain's VDF (Wesolowski, class groups): evaluate and verify for experiments.") { eval, verify };
    }

    private static readonly Option<string> SeedOption = new("--seed") { Description = "The 32-byte seed as 64 hex digits (the chain uses the parent block's hash).", Required = true };
    private static readonly Option<ulong> TicksOption = new("--t") { Description = $"T, the number of squarings (1..{WesolowskiVdf.MaxTicks}).", Required = true };
    private static readonly Option<int> BitsOption = new("--bits") { Description = $"Discriminant size in bits ({VdfDiscriminant.MinBits}..{VdfDiscriminant.MaxBits}; default 1024, the public networks').", DefaultValueFactory = _ => 1024 };
    private static readonly Option<int> ChallengeBitsOption = new("--challenge-bits") { Description = $"Size of the challenge prime l in bits ({HashToPrime.MinPrimeBits}..{HashToPrime.PrimeBits}, a multiple of 8; default 256, regtest uses 128).", DefaultValueFactory = _ => HashToPrime.PrimeBits };
    private static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON object instead of text." };

    private static (byte[] Seed, ulong Ticks, int Bits, int ChallengeBits) Read(ParseResult parsed)
    {
        byte[] seed = Hex(parsed.GetRequiredValue(SeedOption), "--seed");
        if (seed.Length != VdfDiscriminant.SeedBytes) throw new UsageException($"--seed is {seed.Length} bytes; it must be {VdfDiscriminant.SeedBytes} (64 hex digits)");
        ulong ticks = parsed.GetRequiredValue(TicksOption);
        if (ticks is 0 or > WesolowskiVdf.MaxTicks) throw new UsageException($"--t {ticks} is outside 1..{WesolowskiVdf.MaxTicks}");
        int bits = parsed.GetValue(BitsOption);
        if (bits is < VdfDiscriminant.MinBits or > VdfDiscriminant.MaxBits) throw new UsageException($"--bits {bits} is outside {VdfDiscriminant.MinBits}..{VdfDiscriminant.MaxBits}");
        int challengeBits = parsed.GetValue(ChallengeBitsOption);
        if (challengeBits is < HashToPrime.MinPrimeBits or > HashToPrime.PrimeBits || challengeBits % 8 != 0)
            throw new UsageException($"--challenge-bits {challengeBits} is not a multiple of 8 in {HashToPrime.MinPrimeBits}..{HashToPrime.PrimeBits}");
        return (seed, ticks, bits, challengeBits);
    }

    private static byte[] Hex(string text, string option)
    {
        try
        {
            return Convert.FromHexString(text.Trim());
        }
        catch (FormatException)
        {
            throw new UsageException($"{option} is not hex: '{(text.Length > 40 ? text[..40] + "…" : text)}'");
        }
    }

    private static void Write(CliConsole console, ParseResult parsed, Dictionary<string, object> report)
    {
        if (parsed.GetValue(JsonOption))
        {
            console.Out.WriteLine(JsonSerializer.Serialize(report));
            return;
        }
        foreach (var (key, value) in report)
            console.Out.WriteLine($"{key + ":",-16} {Convert.ToString(value, CultureInfo.InvariantCulture)?.ToLowerInvariant()}");
    }
}
