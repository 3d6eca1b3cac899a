using System.Numerics;
using NBitcoin;
using NBitcoin.Secp256k1;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using Ours = TensorCash.Chain.Transactions;

namespace TensorCash.Tests.Chain.Differential;

/// <summary>
/// Random (transaction, input, scriptSig, scriptPubKey) cases for the interpreter differential, all drawn from one seed.
/// <para>
/// Design: a weighted generator of script fragments rather than uniform bytes, so that cases get past the first few
/// opcodes. A quarter of the cases start from a standard template (P2PK, P2PKH, multisig, hashlock, lock-time) that real
/// signatures can satisfy, the rest are free fragment sequences: small numbers, minimal and non-minimal pushes and
/// numbers, stack and arithmetic opcodes, nested IF/NOTIF/ELSE/ENDIF (sometimes unbalanced), hashes, CODESEPARATOR,
/// CLTV/CSV near the transaction's own lock time and sequence, NOPs, disabled and invalid opcodes, and signature checks
/// against real keys. Signatures are made after the scriptPubKey is final, over its whole script or the part after one
/// of its CODESEPARATORs, with a defined or undefined hash type, and then used as they are or spoilt (high S, broken
/// DER, empty, another key's). SINGLE without a matching output is signed over Bitcoin's constant 1, so Bitcoin accepts
/// what we refuse. Signing uses libsecp256k1's deterministic RFC 6979, so a seed replays byte for byte.
/// </para>
/// </summary>
internal sealed class RandomScriptCases
{
    private static readonly Key[] Keys = Script.ScriptTestKit.PrivateKeys.Select(k => new Key(k)).ToArray();
    private static readonly ECPrivKey[] SigningKeys = Script.ScriptTestKit.PrivateKeys.Select(k => ECPrivKey.TryCreate(k, Context.Instance, out var key) ? key! : throw new ArgumentException("test key")).ToArray();
    private static readonly byte[][] CompressedKeys = Script.ScriptTestKit.PublicKeys;
    private static readonly byte[] UncompressedKey = Keys[0].PubKey.Decompress().ToBytes();

    private static readonly Opcode[] StackOps =
        [Opcode.OP_TOALTSTACK, Opcode.OP_FROMALTSTACK, Opcode.OP_2DROP, Opcode.OP_2DUP, Opcode.OP_3DUP, Opcode.OP_2OVER, Opcode.OP_2ROT,
         Opcode.OP_2SWAP, Opcode.OP_IFDUP, Opcode.OP_DEPTH, Opcode.OP_DROP, Opcode.OP_DUP, Opcode.OP_NIP, Opcode.OP_OVER, Opcode.OP_PICK,
         Opcode.OP_ROLL, Opcode.OP_ROT, Opcode.OP_SWAP, Opcode.OP_TUCK, Opcode.OP_SIZE, Opcode.OP_EQUAL, Opcode.OP_EQUALVERIFY, Opcode.OP_VERIFY];
    private static readonly Opcode[] ArithmeticOps =
        [Opcode.OP_1ADD, Opcode.OP_1SUB, Opcode.OP_NEGATE, Opcode.OP_ABS, Opcode.OP_NOT, Opcode.OP_0NOTEQUAL, Opcode.OP_ADD, Opcode.OP_SUB,
         Opcode.OP_BOOLAND, Opcode.OP_BOOLOR, Opcode.OP_NUMEQUAL, Opcode.OP_NUMEQUALVERIFY, Opcode.OP_NUMNOTEQUAL, Opcode.OP_LESSTHAN,
         Opcode.OP_GREATERTHAN, Opcode.OP_LESSTHANOREQUAL, Opcode.OP_GREATERTHANOREQUAL, Opcode.OP_MIN, Opcode.OP_MAX, Opcode.OP_WITHIN];
    private static readonly Opcode[] HashOps = [Opcode.OP_RIPEMD160, Opcode.OP_SHA1, Opcode.OP_SHA256, Opcode.OP_HASH160, Opcode.OP_HASH256];
    // No OP_NOP1: NBitcoin runs it as CHECKLOCKTIMEVERIFY (KnownDifferences.OracleDeviation), so such a case is not compared.
    private static readonly Opcode[] RareOps =
        [Opcode.OP_NOP, Opcode.OP_NOP4, Opcode.OP_NOP10, Opcode.OP_RETURN, Opcode.OP_CAT, Opcode.OP_MUL, Opcode.OP_2DIV,
         Opcode.OP_RESERVED, Opcode.OP_VER, Opcode.OP_VERIF, Opcode.OP_VERNOTIF, (Opcode)0xba, (Opcode)0xff];
    private static readonly byte[] DefinedHashTypes = [SigHashType.All, SigHashType.None, SigHashType.Single, 0x81, 0x82, 0x83];

    private readonly Random _random;
    private readonly List<byte> _pubKey = [];
    private readonly List<Action<List<byte>>> _scriptSig = [];
    private Ours.Transaction _tx = null!;
    private int _input;

    private RandomScriptCases(Random random) => _random = random;

    public sealed record Case(Ours.Transaction Tx, int Input, byte[] ScriptSig, byte[] ScriptPubKey);

    public static Case Next(Random random) => new RandomScriptCases(random).Build();

    private Case Build()
    {
        var skeleton = RandomTransactions.Next(_random, maxInputs: 3, maxOutputs: 3, maxScript: 8, minInputs: 1);
        int version = _random.Next(3) == 0 ? skeleton.Version : _random.Next(1, 3); // CSV needs version >= 2
        _tx = new Ours.Transaction(version, skeleton.Inputs, skeleton.Outputs, skeleton.LockTime);
        _input = _random.Next(skeleton.Inputs.Count);

        if (_random.Next(4) == 0) Template();
        else
        {
            int pushes = _random.Next(0, 6);
            for (int i = 0; i < pushes; i++) ScriptSigPush();
            Fragments(_random.Next(1, 12), depth: 0);
        }
        if (_random.Next(30) == 0) _scriptSig.Add(s => s.Add((byte)StackOps[_random.Next(StackOps.Length)])); // SIG_PUSHONLY

        byte[] scriptPubKey = _pubKey.ToArray();
        var scriptSig = new List<byte>();
        foreach (var write in _scriptSig) write(scriptSig); // signatures are made now, over the final scriptPubKey
        return new Case(_tx, _input, scriptSig.ToArray(), scriptPubKey);
    }

    private void Template()
    {
        int key = _random.Next(Keys.Length);
        switch (_random.Next(5))
        {
            case 0: // P2PK
                Signature(key);
                PushKey(key);
                Op(Opcode.OP_CHECKSIG);
                break;
            case 1: // P2PKH
                Signature(key);
                _scriptSig.Add(s => s.AddRange(Push(KeyBytes(key))));
                Ops(Opcode.OP_DUP, Opcode.OP_HASH160);
                _pubKey.AddRange(Push(Hash160.Compute(KeyBytes(key))));
                Ops(Opcode.OP_EQUALVERIFY, Opcode.OP_CHECKSIG);
                break;
            case 2: // m-of-n multisig
            {
                int n = _random.Next(1, 4), m = _random.Next(0, n + 1);
                _scriptSig.Add(s => s.AddRange(_random.Next(15) == 0 ? Push([0x01]) : [(byte)Opcode.OP_0])); // the dummy (NULLDUMMY)
                var signers = Enumerable.Range(0, n).OrderBy(_ => _random.Next()).Take(m).Order().ToArray();
                foreach (int signer in signers) Signature(signer);
                Number(m);
                for (int i = 0; i < n; i++) PushKey(i);
                Number(n);
                Op(_random.Next(4) == 0 ? Opcode.OP_CHECKMULTISIGVERIFY : Opcode.OP_CHECKMULTISIG);
                if (_pubKey[^1] == (byte)Opcode.OP_CHECKMULTISIGVERIFY) Op(Opcode.OP_1);
                break;
            }
            case 3: // hashlock with key
            {
                byte[] preimage = RandomTransactions.RandomBytes(_random, _random.Next(0, 40));
                Signature(key);
                _scriptSig.Add(s => s.AddRange(Push(_random.Next(5) == 0 ? [0x42] : preimage)));
                Op(Opcode.OP_SHA256);
                _pubKey.AddRange(Push(System.Security.Cryptography.SHA256.HashData(preimage)));
                Op(Opcode.OP_EQUALVERIFY);
                PushKey(key);
                Op(Opcode.OP_CHECKSIG);
                break;
            }
            default: // lock time, then P2PK
                LockTimeCheck();
                Op(Opcode.OP_DROP);
                Signature(key);
                PushKey(key);
                Op(Opcode.OP_CHECKSIG);
                break;
        }
        if (_random.Next(4) == 0) Fragments(_random.Next(1, 4), depth: 1);
    }

    private void Fragments(int count, int depth)
    {
        for (int i = 0; i < count; i++)
        {
            int roll = _random.Next(100);
            if (roll < 14) Number(SmallOrEdgeNumber());
            else if (roll < 22) _pubKey.AddRange(RandomPush());
            else if (roll < 40) Op(StackOps[_random.Next(StackOps.Length)]);
            else if (roll < 55) Op(ArithmeticOps[_random.Next(ArithmeticOps.Length)]);
            else if (roll < 63 && depth < 3) Conditional(depth);
            else if (roll < 67) Op(HashOps[_random.Next(HashOps.Length)]);
            else if (roll < 71) Op(Opcode.OP_CODESEPARATOR);
            else if (roll < 76) LockTimeCheck();
            else if (roll < 86) SignatureCheck();
            else if (roll < 89) Op(RareOps[_random.Next(RareOps.Length)]);
            else if (roll < 91) _pubKey.Add((byte)_random.Next(256)); // anything, including a push running past the end
            else ScriptSigPush();
        }
    }

    private void Conditional(int depth)
    {
        if (_random.Next(3) == 0) Number(_random.Next(4) switch { 0 => 0, 1 => 1, 2 => 2, _ => -1 });
        Op(_random.Next(3) == 0 ? Opcode.OP_NOTIF : Opcode.OP_IF);
        Fragments(_random.Next(0, 4), depth + 1);
        if (_random.Next(2) == 0)
        {
            Op(Opcode.OP_ELSE);
            Fragments(_random.Next(0, 4), depth + 1);
        }
        if (_random.Next(12) != 0) Op(Opcode.OP_ENDIF); // sometimes unbalanced
        else if (_random.Next(2) == 0) Op(Opcode.OP_ELSE);
    }

    private void SignatureCheck()
    {
        int key = _random.Next(Keys.Length);
        if (_random.Next(3) == 0) Signature(key);
        if (_random.Next(4) == 0)
        {
            Op(Opcode.OP_SWAP); // the key under the signature: checks with the key first fail encoding rules
            return;
        }
        PushKey(key);
        Op(_random.Next(3) == 0 ? Opcode.OP_CHECKSIGVERIFY : Opcode.OP_CHECKSIG);
    }

    private void LockTimeCheck()
    {
        bool sequence = _random.Next(2) == 0;
        long reference = sequence ? _tx.Inputs[_input].Sequence : _tx.LockTime;
        long value = _random.Next(5) switch
        {
            0 => reference,
            1 => reference + 1,
            2 => reference - 1,
            3 => _random.Next(-2, 2),
            _ => _random.NextInt64(0, 1L << 40),
        };
        if (sequence && _random.Next(2) == 0) value &= 0x0040ffff;
        Number(value);
        Op(sequence ? Opcode.OP_CHECKSEQUENCEVERIFY : Opcode.OP_CHECKLOCKTIMEVERIFY);
    }

    private void ScriptSigPush()
    {
        switch (_random.Next(4))
        {
            case 0: Signature(_random.Next(Keys.Length)); break;
            case 1: { long n = SmallOrEdgeNumber(); _scriptSig.Add(s => s.AddRange(new ScriptBuilder().Number(n).ToArray())); break; }
            default: { var push = RandomPush(); _scriptSig.Add(s => s.AddRange(push)); break; }
        }
    }

    /// <summary>A scriptSig push of a signature by <paramref name="key"/>, made when the scriptPubKey is complete.</summary>
    private void Signature(int key) => _scriptSig.Add(s => s.AddRange(Push(MakeSignature(key))));

    private byte[] MakeSignature(int key)
    {
        int variant = _random.Next(12);
        if (variant == 0) return [];
        byte hashType = _random.Next(8) == 0 ? new byte[] { 0x00, 0x04, 0x84, 0x41, 0xc3 }[_random.Next(5)] : DefinedHashTypes[_random.Next(DefinedHashTypes.Length)];
        var candidates = ScriptCodeCandidates();
        byte[] scriptCode = candidates[_random.Next(candidates.Count)];
        var hash = LegacySignatureHash.Compute(_tx, _input, scriptCode, hashType) ?? KnownDifferences.BitcoinSingleBugHash;
        int signer = variant == 1 ? (key + 1) % Keys.Length : key;
        byte[] der = SignDeterministically(signer, hash.ToArray());
        if (variant == 2 && DerSignature.TryParse(der, out var r, out var s)) der = DerSignature.Encode(r, Secp256k1Curve.N - s); // high S
        if (variant == 3) der = [.. der, 0x00]; // trailing garbage: not DER
        if (variant == 4) der[_random.Next(der.Length)] ^= (byte)(1 << _random.Next(8));
        return [.. der, hashType];
    }

    /// <summary>libsecp256k1's ECDSA with plain RFC 6979 nonces (low S), so a seed gives the same signature bytes every run.</summary>
    private static byte[] SignDeterministically(int key, byte[] hash)
    {
        if (!SigningKeys[key].TrySignECDSA(hash, out var signature) || signature is null) throw new InvalidOperationException("signing failed");
        Span<byte> rs = stackalloc byte[64];
        signature.WriteCompactToSpan(rs);
        return DerSignature.Encode(new BigInteger(rs[..32], isUnsigned: true, isBigEndian: true), new BigInteger(rs[32..], isUnsigned: true, isBigEndian: true));
    }

    /// <summary>The scriptCodes a signature may commit to: the whole scriptPubKey, or its part after a CODESEPARATOR.</summary>
    private List<byte[]> ScriptCodeCandidates()
    {
        byte[] script = _pubKey.ToArray();
        var candidates = new List<byte[]> { script };
        var reader = new TensorCash.Chain.Script.ScriptReader(script);
        while (!reader.AtEnd && reader.TryRead(out var opcode, out _))
            if (opcode == Opcode.OP_CODESEPARATOR) candidates.Add(script[reader.Position..]);
        return candidates;
    }

    private void PushKey(int key) => _pubKey.AddRange(Push(_random.Next(12) switch
    {
        0 => UncompressedKey,
        1 => [0x02, .. RandomTransactions.RandomBytes(_random, 32)], // usually no such point
        2 => [0x05, .. CompressedKeys[key][1..]],
        3 => [],
        _ => CompressedKeys[key],
    }));

    private byte[] KeyBytes(int key) => _random.Next(10) == 0 ? UncompressedKey : CompressedKeys[key];

    private long SmallOrEdgeNumber() => _random.Next(4) switch
    {
        0 => _random.Next(-1, 17),
        1 => new long[] { 0x7f, 0x80, 0xff, 0x7fff, 0x8000, int.MaxValue, int.MinValue + 1, -0x80, 1L << 31, 1L << 39 }[_random.Next(10)],
        _ => _random.Next(-1000, 1000),
    };

    /// <summary>Data pushes: mostly minimal, sometimes in a longer form than needed or with a non-minimal number inside.</summary>
    private byte[] RandomPush()
    {
        byte[] data = _random.Next(6) switch
        {
            0 => [],
            1 => [(byte)_random.Next(0, 17)],
            2 => _random.Next(3) != 0 ? RandomTransactions.RandomBytes(_random, _random.Next(1, 5)) : _random.Next(2) == 0 ? [0x00] : [0x01, 0x00], // numbers, some with a redundant zero byte
            3 => [0x80],
            _ => RandomTransactions.RandomBytes(_random, _random.Next(1, 80)),
        };
        if (_random.Next(16) == 0 && data.Length <= 255) return [(byte)Opcode.OP_PUSHDATA1, (byte)data.Length, .. data]; // usually not minimal
        if (_random.Next(16) == 0 && data.Length is > 0 and < 76) return [(byte)data.Length, .. data]; // not minimal for 1..16, 0x81
        return Push(data);
    }

    private static byte[] Push(byte[] data) => new ScriptBuilder().Push(data).ToArray();

    private void Number(long value) => _pubKey.AddRange(new ScriptBuilder().Number(value).ToArray());
    private void Op(Opcode opcode) => _pubKey.Add((byte)opcode);
    private void Ops(params Opcode[] opcodes) { foreach (var opcode in opcodes) Op(opcode); }
}
