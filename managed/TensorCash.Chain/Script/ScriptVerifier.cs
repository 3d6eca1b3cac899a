using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;

namespace TensorCash.Chain.Script;

/// <summary>
/// Entry point the ledger rules call to check one input's scripts. Every TensorCash rule is always on (strict DER,
/// low-S, CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY, clean stack): a new chain has no legacy to be lenient for.
/// </summary>
public static class ScriptVerifier
{
    /// <summary>Runs scriptSig then the spent scriptPubKey; null if the input may spend <paramref name="spent"/>.</summary>
    public static RuleViolation? VerifyInput(Transaction tx, int inputIndex, TxOut spent) =>
        throw new NotImplementedException("script interpreter: owned by the crypto/script work");

    /// <summary>Legacy sigop count of a script (CHECKSIG = 1, CHECKMULTISIG = 20), as Bitcoin's GetLegacySigOpCount.</summary>
    public static int CountLegacySigOps(byte[] script) =>
        throw new NotImplementedException("script interpreter: owned by the crypto/script work");
}
