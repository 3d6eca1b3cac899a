namespace TensorCash.Chain.Crypto;

/// <summary>
/// TensorCash addresses: bech32(hrp, [0] ++ 5-bit groups of HASH160(pubkey)). The leading 0 is a version (the
/// same layout as a BIP173 v0 key-hash address, so existing bech32 tooling reads it), but TensorCash has no
/// segwit: an address always stands for the P2PKH script OP_DUP OP_HASH160 &lt;hash&gt; OP_EQUALVERIFY OP_CHECKSIG.
/// The HRP names the network (ChainParams.Bech32Hrp: "tc", "tctest", "tcrt").
/// </summary>
public static class Address
{
    public const byte Version = 0;

    public static string Encode(ReadOnlySpan<byte> hash160, string hrp)
    {
        if (hash160.Length != Hash160.Size) throw new ArgumentException($"an address encodes a {Hash160.Size}-byte key hash, got {hash160.Length} bytes", nameof(hash160));
        var groups = Bech32.ConvertBits(hash160, 8, 5, pad: true)!;
        return Bech32.Encode(hrp, [Version, .. groups]);
    }

    /// <summary>
    /// Decodes an address of the network whose HRP is <paramref name="hrp"/>. Upper-case input is accepted (BIP173
    /// allows it for QR codes). On failure <paramref name="error"/> is a sentence for the user.
    /// </summary>
    public static bool TryDecode(string address, string hrp, out byte[] hash160, out string error)
    {
        hash160 = [];
        if (!Bech32.TryDecode(address, out var actualHrp, out var data, out var bech32Error))
        {
            error = $"'{address}' is not a valid address: {bech32Error}";
            return false;
        }
        if (actualHrp != hrp)
        {
            error = $"'{address}' is for another network: its prefix is '{actualHrp}', this network's is '{hrp}'";
            return false;
        }
        if (data.Length == 0)
        {
            error = $"'{address}' has an empty data part";
            return false;
        }
        if (data[0] != Version)
        {
            error = $"'{address}' has version {data[0]}; only version {Version} exists";
            return false;
        }
        var program = Bech32.ConvertBits(data.AsSpan(1), 5, 8, pad: false);
        if (program is null)
        {
            error = $"'{address}' has invalid padding in its data part";
            return false;
        }
        if (program.Length != Hash160.Size)
        {
            error = $"'{address}' has bad length: it encodes {program.Length} bytes, a key hash is {Hash160.Size}";
            return false;
        }
        hash160 = program;
        error = "";
        return true;
    }
}
