using System.Security.Cryptography;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Script;

/// <summary>
/// Bitcoin's script machine with TensorCash's rules, all always on: strict DER, low S, defined hash types and
/// compressed public keys for every checked signature; minimal pushes and numbers; a push-only scriptSig; a clean
/// stack (exactly one true element) at the end; NULLFAIL (a failed signature check needs an empty signature);
/// NULLDUMMY; MINIMALIF; CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY. Unlike Bitcoin's legacy rules there is no P2SH,
/// and signatures are not removed from the scriptCode (no FindAndDelete): a scriptSig may only push, so a
/// signature can never be part of the script it signs.
/// </summary>
public static class ScriptInterpreter
{
    private static readonly byte[] True = [1];
    private static readonly byte[] False = [];

    /// <summary>Runs <paramref name="scriptSig"/>, then <paramref name="scriptPubKey"/> on the resulting stack.</summary>
    public static ScriptResult Verify(ReadOnlySpan<byte> scriptSig, ReadOnlySpan<byte> scriptPubKey, TransactionSignatureChecker checker)
    {
        try
        {
            if (!ScriptReader.IsPushOnly(scriptSig))
                throw new ScriptFailure(ScriptError.SIG_PUSHONLY, "scriptSig contains an operation other than a push");
            var stack = new List<byte[]>();
            Evaluate(stack, scriptSig, checker, "scriptSig");
            Evaluate(stack, scriptPubKey, checker, "scriptPubKey");
            if (stack.Count == 0)
                throw new ScriptFailure(ScriptError.EVAL_FALSE, "the stack is empty at the end");
            if (!CastToBool(stack[^1]))
                throw new ScriptFailure(ScriptError.EVAL_FALSE, $"the top element is false (0x{Convert.ToHexString(stack[^1])})");
            if (stack.Count != 1)
                throw new ScriptFailure(ScriptError.CLEANSTACK, $"{stack.Count} elements remain");
            return ScriptResult.Success;
        }
        catch (ScriptFailure failure)
        {
            return new ScriptResult(failure.Error, failure.Message);
        }
    }

    private static void Evaluate(List<byte[]> stack, ReadOnlySpan<byte> script, TransactionSignatureChecker checker, string which)
    {
        if (script.Length > ScriptLimits.MaxScriptSize)
            throw new ScriptFailure(ScriptError.SCRIPT_SIZE, $"{which} is {script.Length} bytes");
        var alt = new List<byte[]>();
        var conditions = new ConditionStack();
        int opCount = 0;
        int codeStart = 0; // the scriptCode signatures commit to starts after the last executed OP_CODESEPARATOR
        var reader = new ScriptReader(script);
        while (!reader.AtEnd)
        {
            int at = reader.Position;
            if (!reader.TryRead(out var opcode, out var data))
                throw new ScriptFailure(ScriptError.BAD_OPCODE, $"{which} ends inside the push at byte {at}");
            var where = new Site(opcode, at, which);
            bool executing = conditions.AllTrue;

            if (data.Length > ScriptLimits.MaxElementSize)
                throw new ScriptFailure(ScriptError.PUSH_SIZE, $"{data.Length}-byte push at byte {at} of {which}");
            if (opcode > Opcode.OP_16 && ++opCount > ScriptLimits.MaxOpsPerScript)
                throw new ScriptFailure(ScriptError.OP_COUNT, $"{where} is operation {opCount}");
            // Disabled opcodes fail even in an unexecuted branch, as in Bitcoin.
            if (IsDisabled(opcode))
                throw new ScriptFailure(ScriptError.DISABLED_OPCODE, where.ToString());

            if (executing && opcode <= Opcode.OP_PUSHDATA4)
            {
                if (!ScriptBuilder.IsMinimalPush(opcode, data))
                    throw new ScriptFailure(ScriptError.MINIMALDATA, $"{data.Length}-byte push at byte {at} of {which} is not in its shortest form");
                stack.Add(data.ToArray());
            }
            else if (executing || opcode is >= Opcode.OP_IF and <= Opcode.OP_ENDIF)
            {
                switch (opcode)
                {
                    case Opcode.OP_1NEGATE:
                    case >= Opcode.OP_1 and <= Opcode.OP_16:
                        stack.Add(ScriptNum.Encode((int)opcode - ((int)Opcode.OP_1 - 1)));
                        break;

                    case Opcode.OP_NOP:
                    case Opcode.OP_NOP1:
                    case >= Opcode.OP_NOP4 and <= Opcode.OP_NOP10:
                        break; // reserved for soft-fork upgrades, like CLTV and CSV were

                    case Opcode.OP_CHECKLOCKTIMEVERIFY:
                    {
                        Require(stack, 1, where);
                        long lockTime = Number(stack[^1], ScriptLimits.MaxLockTimeNumberSize, where);
                        if (lockTime < 0) throw new ScriptFailure(ScriptError.NEGATIVE_LOCKTIME, $"{where}: {lockTime}");
                        if (!checker.CheckLockTime(lockTime, out var problem)) throw new ScriptFailure(ScriptError.UNSATISFIED_LOCKTIME, $"{where}: {problem}");
                        break;
                    }
                    case Opcode.OP_CHECKSEQUENCEVERIFY:
                    {
                        Require(stack, 1, where);
                        long sequence = Number(stack[^1], ScriptLimits.MaxLockTimeNumberSize, where);
                        if (sequence < 0) throw new ScriptFailure(ScriptError.NEGATIVE_LOCKTIME, $"{where}: {sequence}");
                        // The disable flag in the operand keeps CSV a no-op, leaving room for future meanings.
                        if ((sequence & LockTime.SequenceDisableFlag) != 0) break;
                        if (!checker.CheckSequence(sequence, out var problem)) throw new ScriptFailure(ScriptError.UNSATISFIED_LOCKTIME, $"{where}: {problem}");
                        break;
                    }

                    case Opcode.OP_IF:
                    case Opcode.OP_NOTIF:
                    {
                        bool value = false;
                        if (executing)
                        {
                            if (stack.Count < 1) throw new ScriptFailure(ScriptError.UNBALANCED_CONDITIONAL, $"{where} has no condition on the stack");
                            var condition = stack[^1];
                            if (condition.Length > 1 || (condition.Length == 1 && condition[0] != 1))
                                throw new ScriptFailure(ScriptError.MINIMALIF, $"{where}: condition 0x{Convert.ToHexString(condition)}");
                            value = condition.Length == 1;
                            if (opcode == Opcode.OP_NOTIF) value = !value;
                            Pop(stack);
                        }
                        conditions.Push(value);
                        break;
                    }
                    case Opcode.OP_ELSE:
                        if (conditions.IsEmpty) throw new ScriptFailure(ScriptError.UNBALANCED_CONDITIONAL, $"{where} without OP_IF");
                        conditions.ToggleTop();
                        break;
                    case Opcode.OP_ENDIF:
                        if (conditions.IsEmpty) throw new ScriptFailure(ScriptError.UNBALANCED_CONDITIONAL, $"{where} without OP_IF");
                        conditions.Pop();
                        break;
                    case Opcode.OP_VERIFY:
                        Require(stack, 1, where);
                        if (!CastToBool(stack[^1])) throw new ScriptFailure(ScriptError.VERIFY, where.ToString());
                        Pop(stack);
                        break;
                    case Opcode.OP_RETURN:
                        throw new ScriptFailure(ScriptError.OP_RETURN, where.ToString());

                    case Opcode.OP_TOALTSTACK:
                        Require(stack, 1, where);
                        alt.Add(Pop(stack));
                        break;
                    case Opcode.OP_FROMALTSTACK:
                        if (alt.Count < 1) throw new ScriptFailure(ScriptError.INVALID_ALTSTACK_OPERATION, $"{where} with an empty alt stack");
                        stack.Add(Pop(alt));
                        break;
                    case Opcode.OP_2DROP:
                        Require(stack, 2, where);
                        stack.RemoveRange(stack.Count - 2, 2);
                        break;
                    case Opcode.OP_2DUP:
                        Require(stack, 2, where);
                        stack.AddRange([stack[^2], stack[^1]]);
                        break;
                    case Opcode.OP_3DUP:
                        Require(stack, 3, where);
                        stack.AddRange([stack[^3], stack[^2], stack[^1]]);
                        break;
                    case Opcode.OP_2OVER:
                        Require(stack, 4, where);
                        stack.AddRange([stack[^4], stack[^3]]);
                        break;
                    case Opcode.OP_2ROT:
                    {
                        Require(stack, 6, where);
                        byte[] first = stack[^6], second = stack[^5];
                        stack.RemoveRange(stack.Count - 6, 2);
                        stack.AddRange([first, second]);
                        break;
                    }
                    case Opcode.OP_2SWAP:
                        Require(stack, 4, where);
                        (stack[^4], stack[^2]) = (stack[^2], stack[^4]);
                        (stack[^3], stack[^1]) = (stack[^1], stack[^3]);
                        break;
                    case Opcode.OP_IFDUP:
                        Require(stack, 1, where);
                        if (CastToBool(stack[^1])) stack.Add(stack[^1]);
                        break;
                    case Opcode.OP_DEPTH:
                        stack.Add(ScriptNum.Encode(stack.Count));
                        break;
                    case Opcode.OP_DROP:
                        Require(stack, 1, where);
                        Pop(stack);
                        break;
                    case Opcode.OP_DUP:
                        Require(stack, 1, where);
                        stack.Add(stack[^1]);
                        break;
                    case Opcode.OP_NIP:
                        Require(stack, 2, where);
                        stack.RemoveAt(stack.Count - 2);
                        break;
                    case Opcode.OP_OVER:
                        Require(stack, 2, where);
                        stack.Add(stack[^2]);
                        break;
                    case Opcode.OP_PICK:
                    case Opcode.OP_ROLL:
                    {
                        Require(stack, 2, where);
                        long n = Number(stack[^1], ScriptLimits.MaxNumberSize, where);
                        Pop(stack);
                        if (n < 0 || n >= stack.Count)
                            throw new ScriptFailure(ScriptError.INVALID_STACK_OPERATION, $"{where}: index {n} with {stack.Count} elements");
                        int index = stack.Count - 1 - (int)n;
                        var value = stack[index];
                        if (opcode == Opcode.OP_ROLL) stack.RemoveAt(index);
                        stack.Add(value);
                        break;
                    }
                    case Opcode.OP_ROT:
                        Require(stack, 3, where);
                        (stack[^3], stack[^2]) = (stack[^2], stack[^3]);
                        (stack[^2], stack[^1]) = (stack[^1], stack[^2]);
                        break;
                    case Opcode.OP_SWAP:
                        Require(stack, 2, where);
                        (stack[^2], stack[^1]) = (stack[^1], stack[^2]);
                        break;
                    case Opcode.OP_TUCK:
                        Require(stack, 2, where);
                        stack.Insert(stack.Count - 2, stack[^1]);
                        break;

                    case Opcode.OP_SIZE:
                        Require(stack, 1, where);
                        stack.Add(ScriptNum.Encode(stack[^1].Length));
                        break;
                    case Opcode.OP_EQUAL:
                    case Opcode.OP_EQUALVERIFY:
                    {
                        Require(stack, 2, where);
                        bool equal = stack[^2].AsSpan().SequenceEqual(stack[^1]);
                        stack.RemoveRange(stack.Count - 2, 2);
                        if (opcode == Opcode.OP_EQUALVERIFY)
                        {
                            if (!equal) throw new ScriptFailure(ScriptError.EQUALVERIFY, where.ToString());
                        }
                        else stack.Add(equal ? True : False);
                        break;
                    }

                    case Opcode.OP_1ADD:
                    case Opcode.OP_1SUB:
                    case Opcode.OP_NEGATE:
                    case Opcode.OP_ABS:
                    case Opcode.OP_NOT:
                    case Opcode.OP_0NOTEQUAL:
                    {
                        Require(stack, 1, where);
                        long n = Number(stack[^1], ScriptLimits.MaxNumberSize, where);
                        Pop(stack);
                        long result = opcode switch
                        {
                            Opcode.OP_1ADD => n + 1,
                            Opcode.OP_1SUB => n - 1,
                            Opcode.OP_NEGATE => -n,
                            Opcode.OP_ABS => n < 0 ? -n : n,
                            Opcode.OP_NOT => n == 0 ? 1 : 0,
                            _ => n != 0 ? 1 : 0,
                        };
                        stack.Add(ScriptNum.Encode(result));
                        break;
                    }
                    case Opcode.OP_ADD:
                    case Opcode.OP_SUB:
                    case Opcode.OP_BOOLAND:
                    case Opcode.OP_BOOLOR:
                    case Opcode.OP_NUMEQUAL:
                    case Opcode.OP_NUMEQUALVERIFY:
                    case Opcode.OP_NUMNOTEQUAL:
                    case Opcode.OP_LESSTHAN:
                    case Opcode.OP_GREATERTHAN:
                    case Opcode.OP_LESSTHANOREQUAL:
                    case Opcode.OP_GREATERTHANOREQUAL:
                    case Opcode.OP_MIN:
                    case Opcode.OP_MAX:
                    {
                        Require(stack, 2, where);
                        long a = Number(stack[^2], ScriptLimits.MaxNumberSize, where);
                        long b = Number(stack[^1], ScriptLimits.MaxNumberSize, where);
                        stack.RemoveRange(stack.Count - 2, 2);
                        long result = opcode switch
                        {
                            Opcode.OP_ADD => a + b,
                            Opcode.OP_SUB => a - b,
                            Opcode.OP_BOOLAND => a != 0 && b != 0 ? 1 : 0,
                            Opcode.OP_BOOLOR => a != 0 || b != 0 ? 1 : 0,
                            Opcode.OP_NUMEQUAL or Opcode.OP_NUMEQUALVERIFY => a == b ? 1 : 0,
                            Opcode.OP_NUMNOTEQUAL => a != b ? 1 : 0,
                            Opcode.OP_LESSTHAN => a < b ? 1 : 0,
                            Opcode.OP_GREATERTHAN => a > b ? 1 : 0,
                            Opcode.OP_LESSTHANOREQUAL => a <= b ? 1 : 0,
                            Opcode.OP_GREATERTHANOREQUAL => a >= b ? 1 : 0,
                            Opcode.OP_MIN => a < b ? a : b,
                            _ => a > b ? a : b,
                        };
                        if (opcode == Opcode.OP_NUMEQUALVERIFY)
                        {
                            if (result == 0) throw new ScriptFailure(ScriptError.NUMEQUALVERIFY, $"{where}: {a} != {b}");
                        }
                        else stack.Add(ScriptNum.Encode(result));
                        break;
                    }
                    case Opcode.OP_WITHIN:
                    {
                        Require(stack, 3, where);
                        long x = Number(stack[^3], ScriptLimits.MaxNumberSize, where);
                        long min = Number(stack[^2], ScriptLimits.MaxNumberSize, where);
                        long max = Number(stack[^1], ScriptLimits.MaxNumberSize, where);
                        stack.RemoveRange(stack.Count - 3, 3);
                        stack.Add(min <= x && x < max ? True : False);
                        break;
                    }

                    case Opcode.OP_RIPEMD160:
                        Require(stack, 1, where);
                        stack[^1] = Ripemd160.Hash(stack[^1]);
                        break;
                    case Opcode.OP_SHA1:
                        Require(stack, 1, where);
                        stack[^1] = SHA1.HashData(stack[^1]);
                        break;
                    case Opcode.OP_SHA256:
                        Require(stack, 1, where);
                        stack[^1] = SHA256.HashData(stack[^1]);
                        break;
                    case Opcode.OP_HASH160:
                        Require(stack, 1, where);
                        stack[^1] = Hash160.Compute(stack[^1]);
                        break;
                    case Opcode.OP_HASH256:
                        Require(stack, 1, where);
                        stack[^1] = Hashes.Sha256d(stack[^1]).ToArray();
                        break;
                    case Opcode.OP_CODESEPARATOR:
                        codeStart = reader.Position;
                        break;
                    case Opcode.OP_CHECKSIG:
                    case Opcode.OP_CHECKSIGVERIFY:
                        CheckSig(stack, opcode, script[codeStart..], checker, where);
                        break;
                    case Opcode.OP_CHECKMULTISIG:
                    case Opcode.OP_CHECKMULTISIGVERIFY:
                        CheckMultisig(stack, opcode, script[codeStart..], checker, ref opCount, where);
                        break;

                    default: // OP_RESERVED*, OP_VER, OP_VERIF, OP_VERNOTIF and unassigned bytes
                        throw new ScriptFailure(ScriptError.BAD_OPCODE, where.ToString());
                }
            }

            if (stack.Count + alt.Count > ScriptLimits.MaxStackSize)
                throw new ScriptFailure(ScriptError.STACK_SIZE, $"{stack.Count + alt.Count} elements after {where}");
        }
        if (!conditions.IsEmpty)
            throw new ScriptFailure(ScriptError.UNBALANCED_CONDITIONAL, $"{which} ends inside OP_IF");
    }

    private static void CheckSig(List<byte[]> stack, Opcode opcode, ReadOnlySpan<byte> scriptCode, TransactionSignatureChecker checker, Site where)
    {
        Require(stack, 2, where);
        byte[] signature = stack[^2], publicKey = stack[^1];
        CheckSignatureEncoding(signature, where);
        CheckPublicKeyEncoding(publicKey, where);
        bool valid = checker.CheckSignature(signature, publicKey, scriptCode);
        if (!valid && signature.Length != 0)
            throw new ScriptFailure(ScriptError.NULLFAIL, $"{where}: the signature does not verify");
        stack.RemoveRange(stack.Count - 2, 2);
        if (opcode == Opcode.OP_CHECKSIGVERIFY)
        {
            if (!valid) throw new ScriptFailure(ScriptError.CHECKSIGVERIFY, $"{where}: empty signature");
        }
        else stack.Add(valid ? True : False);
    }

    // Stack (top last): dummy, sig_1..sig_m, m, key_1..key_n, n. Signatures must match keys in order; each key
    // is tried at most once, so the loop stops early once the remaining keys cannot cover the remaining signatures.
    private static void CheckMultisig(List<byte[]> stack, Opcode opcode, ReadOnlySpan<byte> scriptCode, TransactionSignatureChecker checker, ref int opCount, Site where)
    {
        Require(stack, 1, where);
        long keyCount = Number(stack[^1], ScriptLimits.MaxNumberSize, where);
        if (keyCount < 0 || keyCount > ScriptLimits.MaxPubKeysPerMultisig)
            throw new ScriptFailure(ScriptError.PUBKEY_COUNT, $"{where}: {keyCount} public keys");
        opCount += (int)keyCount;
        if (opCount > ScriptLimits.MaxOpsPerScript)
            throw new ScriptFailure(ScriptError.OP_COUNT, $"{where} brings the operation count to {opCount}");
        int n = (int)keyCount;
        Require(stack, n + 2, where);
        long sigCount = Number(stack[^(n + 2)], ScriptLimits.MaxNumberSize, where);
        if (sigCount < 0 || sigCount > keyCount)
            throw new ScriptFailure(ScriptError.SIG_COUNT, $"{where}: {sigCount} signatures for {keyCount} keys");
        int m = (int)sigCount;
        int argumentCount = n + m + 2; // n, keys, m, signatures (the dummy comes after)
        Require(stack, argumentCount + 1, where);

        int keysLeft = n, sigsLeft = m;
        int keyPosition = 2, sigPosition = n + 3; // distances from the top, as in stack[^position]
        bool success = true;
        while (success && sigsLeft > 0)
        {
            byte[] signature = stack[^sigPosition], publicKey = stack[^keyPosition];
            CheckSignatureEncoding(signature, where);
            CheckPublicKeyEncoding(publicKey, where);
            if (checker.CheckSignature(signature, publicKey, scriptCode))
            {
                sigPosition++;
                sigsLeft--;
            }
            keyPosition++;
            keysLeft--;
            if (sigsLeft > keysLeft) success = false;
        }

        if (!success)
            for (int position = n + 3; position <= argumentCount; position++)
                if (stack[^position].Length != 0)
                    throw new ScriptFailure(ScriptError.NULLFAIL, $"{where}: signatures do not verify and signature {position - n - 2} is not empty");
        stack.RemoveRange(stack.Count - argumentCount, argumentCount);
        // Bitcoin's CHECKMULTISIG pops one element too many; NULLDUMMY pins it to empty so it cannot be malleated.
        if (stack[^1].Length != 0)
            throw new ScriptFailure(ScriptError.SIG_NULLDUMMY, $"{where}: dummy is 0x{Convert.ToHexString(stack[^1])}");
        Pop(stack);
        if (opcode == Opcode.OP_CHECKMULTISIGVERIFY)
        {
            if (!success) throw new ScriptFailure(ScriptError.CHECKMULTISIGVERIFY, $"{where}: empty signatures");
        }
        else stack.Add(success ? True : False);
    }

    // An empty signature is the canonical "no signature" and skips the encoding rules (it simply fails to verify).
    private static void CheckSignatureEncoding(byte[] signature, Site where)
    {
        if (signature.Length == 0) return;
        var der = signature.AsSpan(0, signature.Length - 1);
        if (!DerSignature.TryParse(der, out _, out var s))
            throw new ScriptFailure(ScriptError.SIG_DER, $"{where}: signature 0x{Convert.ToHexString(signature)}");
        if (!Secp256k1Curve.IsLowS(s))
            throw new ScriptFailure(ScriptError.SIG_HIGH_S, $"{where}: s = 0x{s:x}");
        if (!SigHashType.IsDefined(signature[^1]))
            throw new ScriptFailure(ScriptError.SIG_HASHTYPE, $"{where}: hash type 0x{signature[^1]:x2}");
    }

    private static void CheckPublicKeyEncoding(byte[] publicKey, Site where)
    {
        if (!Secp256k1Keys.IsCompressedPublicKeyEncoding(publicKey))
            throw new ScriptFailure(ScriptError.PUBKEYTYPE, $"{where}: {publicKey.Length}-byte key 0x{Convert.ToHexString(publicKey)}");
    }

    private static long Number(byte[] bytes, int maxSize, Site where)
    {
        if (!ScriptNum.TryDecode(bytes, maxSize, out long value, out var problem))
            throw new ScriptFailure(ScriptError.SCRIPTNUM, $"{where}: {problem}");
        return value;
    }

    /// <summary>False for any encoding of zero: empty, all zero bytes, or zeros with a final 0x80 (negative zero).</summary>
    public static bool CastToBool(ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < value.Length; i++)
            if (value[i] != 0)
                return !(i == value.Length - 1 && value[i] == 0x80);
        return false;
    }

    private static bool IsDisabled(Opcode opcode) => opcode is
        Opcode.OP_CAT or Opcode.OP_SUBSTR or Opcode.OP_LEFT or Opcode.OP_RIGHT or
        Opcode.OP_INVERT or Opcode.OP_AND or Opcode.OP_OR or Opcode.OP_XOR or
        Opcode.OP_2MUL or Opcode.OP_2DIV or Opcode.OP_MUL or Opcode.OP_DIV or Opcode.OP_MOD or Opcode.OP_LSHIFT or Opcode.OP_RSHIFT;

    /// <summary>Where an instruction is, for error messages; formatted only when something fails.</summary>
    private readonly record struct Site(Opcode Opcode, int At, string Script)
    {
        public override string ToString()
        {
            string name = Opcode is > Opcode.OP_0 and < Opcode.OP_PUSHDATA1 ? $"push of {(int)Opcode} bytes"
                : Enum.IsDefined(Opcode) ? Opcode.ToString() : $"opcode 0x{(byte)Opcode:x2}";
            return $"{name} at byte {At} of {Script}";
        }
    }

    private static void Require(List<byte[]> stack, int count, Site where)
    {
        if (stack.Count < count)
            throw new ScriptFailure(ScriptError.INVALID_STACK_OPERATION, $"{where} needs {count} elements, the stack has {stack.Count}");
    }

    private static byte[] Pop(List<byte[]> stack)
    {
        var top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    /// <summary>Nested OP_IF state: which branches are taken. Executing means no enclosing branch is false.</summary>
    private sealed class ConditionStack
    {
        private readonly List<bool> _values = [];
        private int _falseCount;

        public bool IsEmpty => _values.Count == 0;
        public bool AllTrue => _falseCount == 0;

        public void Push(bool value)
        {
            _values.Add(value);
            if (!value) _falseCount++;
        }

        public void Pop()
        {
            if (!_values[^1]) _falseCount--;
            _values.RemoveAt(_values.Count - 1);
        }

        public void ToggleTop()
        {
            _falseCount += _values[^1] ? 1 : -1;
            _values[^1] = !_values[^1];
        }
    }
}
