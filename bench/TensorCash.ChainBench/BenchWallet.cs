using TensorCash.Chain.Crypto;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;

namespace TensorCash.ChainBench;

/// <summary>
/// The keys every output of the benchmark chain pays to, and the coins they can spend. Builds signed P2PKH spends of
/// confirmed coins only (no chains of unconfirmed transactions inside a block), so every input of a block is a UTXO
/// lookup and a removal, as in an ordinary block.
/// </summary>
public sealed class BenchWallet
{
    /// <summary>Fee of one spend in base units: small, positive, so the coinbase collects fees too.</summary>
    private const long MinFee = 1_000, FeeSpread = 9_000;

    private sealed record OwnedCoin(OutPoint OutPoint, TxOut Output, int Key, int Height, bool IsCoinbase);

    private readonly byte[][] _privateKeys;
    private readonly byte[][] _scripts;
    private readonly Random _random;
    private readonly int _coinbaseMaturity;
    private readonly List<OwnedCoin> _spendable = [];
    private readonly Queue<OwnedCoin> _immatureCoinbases = new();

    public BenchWallet(int keyCount, int coinbaseMaturity, Random random)
    {
        _random = random;
        _coinbaseMaturity = coinbaseMaturity;
        _privateKeys = new byte[keyCount][];
        _scripts = new byte[keyCount][];
        for (int k = 0; k < keyCount; k++)
        {
            // Drawn from the seeded generator so a run's chain (and its sizes) can be reproduced.
            var key = new byte[Secp256k1Keys.PrivateKeySize];
            do _random.NextBytes(key);
            while (!Secp256k1Keys.IsValidPrivateKey(key));
            _privateKeys[k] = key;
            _scripts[k] = ScriptTemplates.PayToPubKeyHash(Hash160.Compute(Secp256k1Keys.GetPublicKey(key)));
        }
    }

    /// <summary>A P2PKH script of one of the wallet's keys, chosen at random.</summary>
    public byte[] NextScript() => _scripts[_random.Next(_scripts.Length)];

    /// <summary>
    /// Up to <paramref name="count"/> signed transactions for a block at <paramref name="height"/>, each spending 1-3
    /// coins that are spendable there (coinbases after maturity) into 2 outputs; fewer when the wallet runs short.
    /// The spent coins leave the wallet; the new outputs join it through <see cref="Confirm"/> once the block is mined.
    /// </summary>
    public List<Transaction> BuildSpends(int height, int count, out long fees)
    {
        while (_immatureCoinbases.TryPeek(out var coinbase) && height - coinbase.Height >= _coinbaseMaturity)
            _spendable.Add(_immatureCoinbases.Dequeue());

        var drafts = new List<(Transaction Unsigned, OwnedCoin[] Spent)>(count);
        fees = 0;
        for (int t = 0; t < count && _spendable.Count > 0; t++)
        {
            int inputCount = Math.Min(1 + _random.Next(3), _spendable.Count);
            var spent = new OwnedCoin[inputCount];
            long valueIn = 0;
            for (int i = 0; i < inputCount; i++)
            {
                int pick = _random.Next(_spendable.Count);
                spent[i] = _spendable[pick];
                _spendable[pick] = _spendable[^1];
                _spendable.RemoveAt(_spendable.Count - 1);
                valueIn += spent[i].Output.Value;
            }
            long fee = Math.Min(MinFee + _random.NextInt64(FeeSpread), valueIn / 2);
            long valueOut = valueIn - fee;
            long first = valueOut / 100 * (10 + _random.Next(81));
            TxOut[] outputs = [new(first, NextScript()), new(valueOut - first, NextScript())];
            drafts.Add((new Transaction(1, spent.Select(c => new TxIn(c.OutPoint, [])).ToArray(), outputs, 0), spent));
            fees += fee;
        }

        // Signing is most of the build time and is not what is measured, so it uses every core. Legacy sighash blanks
        // the other inputs' scriptSigs, so every input is signed against its unsigned transaction.
        var signed = new Transaction[drafts.Count];
        Parallel.For(0, drafts.Count, t =>
        {
            var (unsigned, spent) = drafts[t];
            var inputs = unsigned.Inputs.ToArray();
            for (int i = 0; i < inputs.Length; i++)
                inputs[i] = inputs[i] with { ScriptSig = TransactionSigner.SignP2PKH(unsigned, i, spent[i].Output.ScriptPubKey, _privateKeys[spent[i].Key]) };
            signed[t] = new Transaction(unsigned.Version, inputs, unsigned.Outputs, unsigned.LockTime);
        });
        return [.. signed];
    }

    /// <summary>Takes in the outputs of a mined block's transactions (all pay the wallet's keys).</summary>
    public void Confirm(IReadOnlyList<Transaction> transactions, int height)
    {
        foreach (var tx in transactions)
            for (int o = 0; o < tx.Outputs.Count; o++)
            {
                int key = Array.FindIndex(_scripts, s => s.AsSpan().SequenceEqual(tx.Outputs[o].ScriptPubKey));
                if (key < 0) throw new InvalidOperationException($"output {tx.Txid}:{o} does not pay a wallet key");
                var coin = new OwnedCoin(new OutPoint(tx.Txid, (uint)o), tx.Outputs[o], key, height, tx.IsCoinbase);
                if (tx.IsCoinbase) _immatureCoinbases.Enqueue(coin);
                else _spendable.Add(coin);
            }
    }
}
