using System.Globalization;
using System.Text.Json.Nodes;
using TensorCash.Node.Hosting;
using TensorCash.Node.Wallet;

namespace TensorCash.Node.Rpc;

/// <summary>
/// The default wallet: getnewaddress, getbalance, getbalances, listunspent, sendtoaddress, and encryptwallet,
/// walletpassphrase, walletlock (bitcoind's names, fields and error codes); dumpmnemonic and restoremnemonic for the
/// HD seed backup.
/// </summary>
public static class WalletRpcMethods
{
    /// <summary>bitcoind's listunspent default maxconf.</summary>
    public const int DefaultMaxConfirmations = 9_999_999;
    private const int FeeRateDecimals = 3;

    public static void Register(RpcDispatcher rpc, NodeHost node)
    {
        var payments = node.Payments;

        rpc.Register("getnewaddress", "getnewaddress ( \"label\" )",
            "A new receiving address of the wallet: the next HD key of the receiving chain, saved before the address is returned (the mnemonic backs it up). Works while the wallet is locked.",
            p => Wallet(() => payments.Wallet.GetNewAddress(p.OptionalString(0, "label") ?? "")));

        rpc.Register("encryptwallet", "encryptwallet \"passphrase\"",
            "Encrypts the wallet's mnemonic and private keys with passphrase (AES-256-GCM, key from PBKDF2-HMAC-SHA512 with " +
            $"{WalletCrypto.DefaultIterations} iterations) and leaves it locked. Spending then needs walletpassphrase; receiving " +
            "addresses still work. There is no way back to an unencrypted wallet, and a lost passphrase loses the keys " +
            "(the mnemonic backup still restores them). Error -15 if already encrypted.",
            p =>
            {
                string passphrase = p.String(0, "passphrase");
                if (passphrase.Length == 0) throw new RpcException(RpcErrorCode.InvalidParameter, "passphrase cannot be empty");
                Wallet(() => { payments.Wallet.EncryptWallet(passphrase); return 0; });
                return "wallet encrypted; back up the wallet file again and keep the mnemonic backup: the passphrase is needed to spend";
            });

        rpc.Register("walletpassphrase", "walletpassphrase \"passphrase\" timeout",
            "Unlocks the encrypted wallet for timeout seconds (at most 100000000), keeping its keys in memory until then " +
            "or walletlock. Errors: -14 wrong passphrase, -15 wallet not encrypted, -8 negative timeout.",
            p =>
            {
                string passphrase = p.String(0, "passphrase");
                long timeout = p.Integer(1, "timeout");
                if (timeout < 0) throw new RpcException(RpcErrorCode.InvalidParameter, "Timeout cannot be negative.");
                if (passphrase.Length == 0) throw new RpcException(RpcErrorCode.InvalidParameter, "passphrase cannot be empty");
                Wallet(() => { payments.Wallet.Unlock(passphrase, Math.Min(timeout, NodeWallet.MaxUnlockSeconds)); return 0; });
                return null;
            });

        rpc.Register("walletlock", "walletlock",
            "Locks the encrypted wallet now, forgetting its decrypted keys. Error -15 if the wallet is not encrypted.",
            _ =>
            {
                Wallet(() => { payments.Wallet.Lock(); return 0; });
                return null;
            });

        rpc.Register("dumpmnemonic", "dumpmnemonic",
            "The wallet's 24-word BIP39 mnemonic (no BIP39 passphrase): with it restoremnemonic recovers every HD key, " +
            "change included. Keys of wallets made before HD are not covered (back up the wallet file for those). " +
            "Error -13 when the wallet is encrypted and locked.",
            _ => Wallet(() => payments.Wallet.DumpMnemonic()));

        rpc.Register("restoremnemonic", "restoremnemonic \"mnemonic\"",
            "Restores a BIP39 mnemonic into this node's wallet, which must be new (no addresses handed out) and unencrypted: " +
            $"derives receiving and change keys until {NodeWallet.GapLimit} in a row pay nothing in the UTXO set or mempool. " +
            "Run it once the node has synced. Returns {keys_found, balance}.",
            p =>
            {
                string mnemonic = p.String(0, "mnemonic");
                int found = Wallet(() => payments.RestoreMnemonic(mnemonic));
                return new JsonObject { ["keys_found"] = found, ["balance"] = RpcJson.Amount(payments.GetBalance().Spendable) };
            });

        rpc.Register("getbalance", "getbalance",
            "The wallet's spendable balance: confirmed, mature coins not spent by a mempool transaction.",
            _ => RpcJson.Amount(payments.GetBalance().Spendable));

        rpc.Register("getbalances", "getbalances",
            "The wallet's balances: {mine: {trusted, untrusted_pending, immature}} (trusted = spendable, untrusted_pending = unconfirmed outputs paying the wallet).",
            _ =>
            {
                var balance = payments.GetBalance();
                return new JsonObject
                {
                    ["mine"] = new JsonObject
                    {
                        ["trusted"] = RpcJson.Amount(balance.Spendable),
                        ["untrusted_pending"] = RpcJson.Amount(balance.Unconfirmed),
                        ["immature"] = RpcJson.Amount(balance.Immature),
                    },
                };
            });

        rpc.Register("listunspent", "listunspent ( minconf maxconf [\"address\",...] )",
            "The wallet's spendable coins with between minconf (default 1) and maxconf (default 9999999) confirmations, " +
            "optionally only those paying the given addresses. Immature coinbases and coins spent by mempool transactions are not listed.",
            p =>
            {
                int minConfirmations = p.Has(0) ? p.Integer(0, "minconf", 0, int.MaxValue) : 1;
                int maxConfirmations = p.Has(1) ? p.Integer(1, "maxconf", 0, int.MaxValue) : DefaultMaxConfirmations;
                var addresses = p.Has(2) ? p.StringArray(2, "addresses") : null;
                foreach (string address in addresses ?? [])
                    MiningRpcMethods.AddressScript(address, node.Parameters, "listunspent");
                var result = new JsonArray();
                foreach (var coin in payments.ListUnspent())
                {
                    if (coin.Confirmations < minConfirmations || coin.Confirmations > maxConfirmations) continue;
                    if (addresses is not null && !addresses.Contains(coin.Address)) continue;
                    result.Add(new JsonObject
                    {
                        ["txid"] = coin.OutPoint.Txid.ToString(),
                        ["vout"] = coin.OutPoint.Index,
                        ["address"] = coin.Address,
                        ["label"] = coin.Label,
                        ["scriptPubKey"] = Convert.ToHexStringLower(coin.Coin.Output.ScriptPubKey),
                        ["amount"] = RpcJson.Amount(coin.Value),
                        ["confirmations"] = coin.Confirmations,
                        ["coinbase"] = coin.Coin.IsCoinbase,
                        ["spendable"] = true,
                        ["solvable"] = true,
                        ["safe"] = true,
                    });
                }
                return result;
            });

        rpc.Register("sendtoaddress", "sendtoaddress \"address\" amount ( fee_rate )",
            "Pays amount (coins, up to 8 decimals) to address from the wallet's spendable coins and submits the transaction " +
            "to the mempool; returns its txid. fee_rate is in base units per byte (up to 3 decimals; default 2, or the " +
            "mempool's minimum when higher). Errors: -5 bad address, -3 bad amount, -6 insufficient funds, -4 other wallet " +
            "failures, -26 the mempool refused the transaction.",
            p =>
            {
                string address = p.String(0, "address");
                long amount = p.Amount(1, "amount");
                long feeRate = p.Has(2) ? FeeRatePerKilobyte(p.String(2, "fee_rate")) : payments.DefaultFeeRate;
                WalletPayment payment;
                try
                {
                    payment = Wallet(() => payments.Send(address, amount, feeRate));
                }
                catch (MempoolRejectedException e)
                {
                    throw new RpcException(RpcErrorCode.VerifyRejected, $"sendtoaddress: {e.Result.Rejection}");
                }
                return payment.Transaction.Txid.ToString();
            });
    }

    /// <summary>Base units per byte with up to 3 decimals (exactly base units per 1000 bytes, the wallet's unit).</summary>
    private static long FeeRatePerKilobyte(string text)
    {
        int dot = text.IndexOf('.');
        string whole = dot < 0 ? text : text[..dot];
        string fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length is 0 or > 12 || fraction.Length > FeeRateDecimals || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit) || (dot >= 0 && fraction.Length == 0))
            throw new RpcException(RpcErrorCode.TypeError, $"sendtoaddress: fee_rate '{text}' is not a fee rate in base units per byte (a non-negative number with at most {FeeRateDecimals} decimals)");
        return long.Parse(whole + fraction.PadRight(FeeRateDecimals, '0'), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a wallet operation, turning its failures into bitcoind's wallet error codes.</summary>
    internal static T Wallet<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (WalletException e)
        {
            var code = e.Error switch
            {
                WalletError.InvalidAddress => RpcErrorCode.InvalidAddressOrKey,
                WalletError.InvalidAmount => RpcErrorCode.TypeError,
                WalletError.InsufficientFunds => RpcErrorCode.WalletInsufficientFunds,
                WalletError.Locked => RpcErrorCode.WalletUnlockNeeded,
                WalletError.WrongPassphrase => RpcErrorCode.WalletPassphraseIncorrect,
                WalletError.WrongEncryptionState => RpcErrorCode.WalletWrongEncState,
                WalletError.InvalidMnemonic => RpcErrorCode.InvalidParameter,
                _ => RpcErrorCode.WalletError,
            };
            throw new RpcException(code, e.Message);
        }
    }
}
