using System.Security.Cryptography;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Rpc;

namespace TensorCash.Node.Wallet;

/// <summary>
/// Builds and signs a payment: validates the request, selects coins (<see cref="CoinSelector"/>), adds change when
/// it is worth an output, and sets the fee from the signed transaction's exact size so that
/// fee &gt;= ceil(feeRate * size / 1000): exactly that when there is change, since every signature is ground to
/// the planned length and so the size is known before signing.
/// </summary>
internal static class WalletTransactionBuilder
{
    /// <summary>Bitcoin Core's DEFAULT_TRANSACTION_MAXFEE (0.1 coin): a fee above it is almost certainly a mistake.</summary>
    public const long MaxFee = 10_000_000;
    /// <summary>Core's MAX_STANDARD_TX_WEIGHT / 4: nodes do not relay larger transactions.</summary>
    public const int MaxStandardTransactionBytes = 100_000;
    /// <summary>
    /// Version 2 with every nSequence at <see cref="Sequence"/> (lock time on, BIP68 relative locks off, no
    /// replace-by-fee signal), as Core's wallet.
    /// </summary>
    public const int TransactionVersion = 2;
    public const uint Sequence = TxIn.SequenceFinal - 1;
    /// <summary>
    /// Signatures tried per input for one of exactly the planned length. Each try succeeds with probability about
    /// 1/2, so running out is a 2^-32 event; the fee check after signing then refuses rather than underpay.
    /// </summary>
    private const int MaxSignatureTries = 32;
    private const int PlannedScriptSigBytes = TransactionCost.SignedP2PkhInputBytes - 36 - 1 - 4;

    /// <summary>
    /// What the caller asks for, already resolved to a script. <paramref name="DataOutputs"/> are zero-value OP_RETURN
    /// outputs placed right after the destination (a model registration or challenge, docs/protocol/registry.md); with
    /// any of them the destination stays output 0, which a registration requires (its deposit), and change goes last.
    /// </summary>
    public sealed record Request(byte[] DestinationScript, long Amount, long FeeRate, IReadOnlyList<TxOut>? DataOutputs = null)
    {
        public IReadOnlyList<TxOut> Data => DataOutputs ?? [];
    }

    public static CreatedTransaction Build(
        Request request, IReadOnlyList<WalletCoin> spendable, Func<byte[], byte[]> privateKeyFor, byte[] changeScript,
        ChainParams parameters, int tipHeight)
    {
        Validate(request, parameters);
        var destinationBytes = TransactionCost.OutputBytes(request.DestinationScript);
        int[] fixedOutputs = [destinationBytes, .. request.Data.Select(o => TransactionCost.OutputBytes(o.ScriptPubKey))];
        long inputFee = TransactionCost.FeeFor(TransactionCost.SignedP2PkhInputBytes, request.FeeRate);
        // Everything but the inputs, with the input count's CompactSize sized for the most inputs there could be.
        int baseBytes = TransactionCost.FixedOverheadBytes + TransactionCost.CompactSizeBytes(spendable.Count) +
            TransactionCost.CompactSizeBytes(fixedOutputs.Length) + fixedOutputs.Sum();
        long target = request.Amount + TransactionCost.FeeFor(baseBytes, request.FeeRate);
        long changeOutputFee = TransactionCost.FeeFor(TransactionCost.P2PkhOutputBytes, request.FeeRate);
        // Change is worth an output only if it is not dust and is worth more than the input that will spend it.
        long changeThreshold = changeOutputFee + Math.Max(TransactionCost.P2PkhDustThreshold, inputFee);

        var selected = CoinSelector.Select(spendable, c => c.Value - inputFee, target, changeThreshold)
            ?? throw InsufficientFunds(request, spendable, inputFee, target);

        long totalIn = selected.Sum(c => c.Value);
        long feeWithoutChange = TransactionCost.FeeFor(TransactionCost.EstimateSize(selected.Count, fixedOutputs), request.FeeRate);
        long excess = totalIn - request.Amount - feeWithoutChange;
        bool withChange = excess >= changeThreshold;
        int size = TransactionCost.EstimateSize(selected.Count, withChange ? [.. fixedOutputs, TransactionCost.P2PkhOutputBytes] : fixedOutputs);
        if (size > MaxStandardTransactionBytes)
            throw new WalletException(WalletError.TransactionTooLarge,
                $"paying {AmountFormat.Format(request.Amount)} needs {selected.Count} inputs, a transaction of about {size} bytes; " +
                $"nodes relay at most {MaxStandardTransactionBytes}. Send less, or consolidate first by sending yourself smaller amounts");
        long fee = withChange ? TransactionCost.FeeFor(size, request.FeeRate) : totalIn - request.Amount;
        if (fee > MaxFee)
            throw new WalletException(WalletError.InvalidAmount,
                $"the fee would be {AmountFormat.Format(fee)} ({selected.Count} inputs at {request.FeeRate} per 1000 bytes), over the wallet's limit of {AmountFormat.Format(MaxFee)}; lower the fee rate");

        // A fixed position would tell observers which output is change; with data outputs the layout is fixed anyway.
        int changeIndex = !withChange ? -1 : request.Data.Count > 0 ? 1 + request.Data.Count : RandomNumberGenerator.GetInt32(2);
        var signed = SignAll(Unsigned(selected, request, changeScript, changeIndex, totalIn - request.Amount - fee, tipHeight), selected, privateKeyFor);
        CheckSigned(signed, fee, request.FeeRate, selected, parameters);
        return new CreatedTransaction(signed, fee, withChange ? changeIndex : null);
    }

    private static void Validate(Request request, ChainParams parameters)
    {
        if (request.Amount <= 0)
            throw new WalletException(WalletError.InvalidAmount, $"amount {AmountFormat.Format(request.Amount)} is not positive");
        if (request.Amount > parameters.MaxMoney)
            throw new WalletException(WalletError.InvalidAmount,
                $"amount {AmountFormat.Format(request.Amount)} exceeds the money supply limit {AmountFormat.Format(parameters.MaxMoney)}");
        if (request.FeeRate is < 0 or > MaxFee)
            throw new WalletException(WalletError.InvalidAmount,
                $"fee rate {request.FeeRate} per 1000 bytes is outside [0, {MaxFee}]");
        if (request.DestinationScript.Length == 0 || ScriptTemplates.IsProvablyUnspendable(request.DestinationScript))
            throw new WalletException(WalletError.InvalidAddress,
                "the destination script is empty or can never be spent (OP_RETURN or over the script size limit): the coins would be lost");
        foreach (var data in request.Data)
            if (data.Value != 0 || !ScriptTemplates.IsProvablyUnspendable(data.ScriptPubKey))
                throw new WalletException(WalletError.InvalidAddress, "a data output must be a zero-value OP_RETURN output");
        long dust = TransactionCost.DustThreshold(request.DestinationScript);
        if (request.Amount < dust)
            throw new WalletException(WalletError.InvalidAmount,
                $"amount {AmountFormat.Format(request.Amount)} is below the dust threshold {AmountFormat.Format(dust)} for this destination: nodes would not relay it");
    }

    private static WalletException InsufficientFunds(Request request, IReadOnlyList<WalletCoin> spendable, long inputFee, long target)
    {
        // "needed" is what spending every coin would require, so it always exceeds "available" (each coin adds its value
        // to one and its input's fee to the other, and the economical ones alone fell short).
        long available = spendable.Sum(c => c.Value);
        long fee = target - request.Amount + spendable.Count * inputFee;
        return new WalletException(WalletError.InsufficientFunds,
            $"insufficient funds: sending {AmountFormat.Format(request.Amount)} needs {AmountFormat.Format(request.Amount + fee)} " +
            $"including a fee of {AmountFormat.Format(fee)} at {request.FeeRate} per 1000 bytes, but the wallet has {AmountFormat.Format(available)} " +
            $"spendable in {spendable.Count} coins (immature coinbase outputs, unconfirmed payments from others and coins already spent by unconfirmed transactions are not counted)");
    }

    private static Transaction Unsigned(IReadOnlyList<WalletCoin> selected, Request request, byte[] changeScript, int changeIndex, long change, int tipHeight)
    {
        var inputs = selected.Select(c => new TxIn(c.OutPoint, [], Sequence)).ToArray();
        var outputs = new List<TxOut> { new(request.Amount, request.DestinationScript) };
        outputs.AddRange(request.Data);
        if (changeIndex >= 0) outputs.Insert(changeIndex, new TxOut(change, changeScript));
        // Lock time = the tip (Core's anti-fee-sniping): the transaction is valid in the next block, not in a re-mined
        // version of blocks already made, so miners gain nothing by rewriting history to take its fee.
        return new Transaction(TransactionVersion, inputs, outputs, (uint)tipHeight);
    }

    private static Transaction SignAll(Transaction unsigned, IReadOnlyList<WalletCoin> selected, Func<byte[], byte[]> privateKeyFor)
    {
        // The legacy signature hash blanks every other scriptSig, so each input is signed on the unsigned transaction.
        var signed = unsigned;
        for (int i = 0; i < selected.Count; i++)
        {
            var spent = selected[i].Coin.Output.ScriptPubKey;
            var privateKey = privateKeyFor(spent);
            // Grinding: each signature uses a fresh random nonce, so signing again gives another r and s.
            var scriptSig = TransactionSigner.SignP2PKH(unsigned, i, spent, privateKey);
            for (int tries = 1; scriptSig.Length != PlannedScriptSigBytes && tries < MaxSignatureTries; tries++)
                scriptSig = TransactionSigner.SignP2PKH(unsigned, i, spent, privateKey);
            signed = TransactionSigner.WithScriptSig(signed, i, scriptSig);
        }
        return signed;
    }

    /// <summary>
    /// The consensus checks the network will run, and the fee rate, as a last guard: a wallet bug must surface here,
    /// not as a transaction every node rejects.
    /// </summary>
    private static void CheckSigned(Transaction tx, long fee, long feeRate, IReadOnlyList<WalletCoin> selected, ChainParams parameters)
    {
        var violation = TransactionRules.CheckTransaction(tx, parameters);
        for (int i = 0; violation is null && i < selected.Count; i++)
            violation = ScriptVerifier.VerifyInput(tx, i, selected[i].Coin.Output);
        if (violation is not null)
            throw new InvalidOperationException($"the wallet built an invalid transaction ({violation.Reason}: {violation.Message}); it was not returned");
        long required = TransactionCost.FeeFor(tx.SerializedSize, feeRate);
        if (fee < required)
            throw new InvalidOperationException($"the wallet built transaction {tx.Txid} of {tx.SerializedSize} bytes with fee {fee}, below the {required} its rate needs; it was not returned");
    }
}
