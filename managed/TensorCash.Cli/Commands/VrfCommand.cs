using System.CommandLine;
using TensorCash.Toolkit.Vrf;

namespace TensorCash.Cli.Commands;

/// <summary>
/// `tensorcash vrf keygen|prove|verify`: ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381) from the command line. Output is
/// "name: hex" lines. verify exits 0 for a valid proof, 1 for a rejected one (with the reason), 2 for bad input.
/// </summary>
public static class VrfCommand
{
    public static Command Create(CliConsole console)
    {
        var keygenOut = new Option<string>("--out", "-o") { Description = "Where to write the new secret key (hex); never overwritten.", Required = true, HelpName = "FILE" };
        var keygen = new Command("keygen", "Create a VRF secret key file and print its public key.") { keygenOut };
        keygen.SetAction(console.Guard((parsed, _) =>
        {
            var secret = EcVrf.GenerateSecretKey();
            ToolkitInput.WriteKeyFile(parsed.GetRequiredValue(keygenOut), secret, "--out");
            console.Out.WriteLine($"public key: {Convert.ToHexStringLower(EcVrf.PublicKey(secret))}");
            return ExitCodes.Success;
        }));

        var key = new Option<string>("--key") { Description = "Secret key file (64 hex digits), as written by 'vrf keygen'.", Required = true, HelpName = "FILE" };
        var proveAlpha = Alpha();
        var prove = new Command("prove", "Prove alpha: prints the public key, the 80-byte proof pi and the 64-byte output beta.") { key, proveAlpha };
        prove.SetAction(console.Guard((parsed, _) =>
        {
            var secret = ToolkitInput.KeyFile(parsed.GetRequiredValue(key), "--key", EcVrf.SecretKeySize);
            var alpha = AlphaBytes(parsed.GetRequiredValue(proveAlpha));
            var pi = EcVrf.Prove(secret, alpha);
            console.Out.WriteLine($"public key: {Convert.ToHexStringLower(EcVrf.PublicKey(secret))}");
            console.Out.WriteLine($"proof: {Convert.ToHexStringLower(pi)}");
            console.Out.WriteLine($"output: {Convert.ToHexStringLower(EcVrf.ProofToHash(pi)!)}");
            return ExitCodes.Success;
        }));

        var publicKey = new Option<string>("--public-key") { Description = "The prover's public key (64 hex digits).", Required = true, HelpName = "HEX" };
        var proof = new Option<string>("--proof") { Description = "The proof pi (160 hex digits).", Required = true, HelpName = "HEX" };
        var verifyAlpha = Alpha();
        var verify = new Command("verify", "Verify a proof (validate_key on: small-order keys are rejected). Exit 0 and the output beta if valid, 1 and the reason if not.")
        {
            publicKey, verifyAlpha, proof,
        };
        verify.SetAction(console.Guard((parsed, _) =>
        {
            var pk = ToolkitInput.Hex(parsed.GetRequiredValue(publicKey), "--public-key", EcVrf.PublicKeySize);
            var pi = ToolkitInput.Hex(parsed.GetRequiredValue(proof), "--proof", EcVrf.ProofSize);
            var result = EcVrf.Verify(pk, AlphaBytes(parsed.GetRequiredValue(verifyAlpha)), pi);
            if (!result.IsValid)
            {
                console.Out.WriteLine($"rejected: {result.Reason}");
                return ExitCodes.Failure;
            }
            console.Out.WriteLine("valid");
            console.Out.WriteLine($"output: {Convert.ToHexStringLower(result.Output!)}");
            return ExitCodes.Success;
        }));
        return new Command("vrf", "ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381): keys, proofs, verification.") { keygen, prove, verify };
    }

    private static Option<string> Alpha() => new("--alpha")
    {
        Description = "The VRF input alpha as hex; an empty string is the empty input.", Required = true, HelpName = "HEX",
    };

    private static byte[] AlphaBytes(string hex)
    {
        var alpha = ToolkitInput.Hex(hex, "--alpha");
        if (alpha.Length > EcVrf.MaxAlphaBytes) throw new UsageException($"--alpha is {alpha.Length} bytes; the limit is {EcVrf.MaxAlphaBytes}");
        return alpha;
    }
}
