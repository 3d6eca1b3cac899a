using System.Diagnostics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;
using TensorCash.Node.Mining;
using TensorCash.Node.Wallet;

namespace TensorCash.Cli.Demo;

/// <summary>What the demo did, for the summary.</summary>
public sealed record DemoResult(
    string DataDirectory,
    IReadOnlyList<DemoBlockRow> Blocks,
    string PaymentTxid,
    long PaymentAmount,
    long PaymentFee,
    long AliceBalance,
    long BobBalance,
    int VerifiedBlocks,
    int ReplayedBlocks,
    string CustomerPrompt,
    IReadOnlyList<int> CustomerTokens,
    TimeSpan Elapsed);

/// <summary>
/// `tensorcash demo` end to end, on the real node components: a fresh regtest chainstate (SQLite), builtin:tiny on the
/// CPU, the built-in miner serving one customer prompt, two wallets. Mines until alice's first coinbase matures, pays
/// bob through the mempool, mines the block that confirms it, then re-verifies every block's proof (tier 1 + tier 2).
/// </summary>
public sealed class DemoScenario(string dataDirectory, int threads, Action<string> progress, Action<DemoBlockRow> blockMined)
{
    public const string CustomerPrompt = "Once upon a time, a ledger learned to count the words a model wrote.";
    public const long PaymentAmount = 12 * AmountUnits.Coin + AmountUnits.Coin / 2;
    public const long FeeRatePerKilobyte = 2_000;
    /// <summary>
    /// The demo miner keeps the last 256 tokens of the text as each window's prompt (the rules allow 1024): every
    /// verification replay prefills its block's prompt, and the demo replays each of its 101 blocks twice.
    /// </summary>
    public const int DemoPromptTokens = 256;

    public DemoResult Run(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var parameters = ChainParams.Regtest;
        Directory.CreateDirectory(dataDirectory);
        progress($"datadir {dataDirectory} (regtest)");

        using var model = InferenceModel.Load("builtin:tiny", threads);
        progress($"model builtin:tiny, id {model.Identity.Hex[..16]}…, {threads} thread(s); proof window {parameters.ProofWindowSize} tokens");
        var verifier = new BlockProofVerifier(parameters, [model]);
        using var chain = new ChainState(dataDirectory, parameters, verifier.Verify);
        var pool = new TransactionPool(parameters, signatures: chain.Signatures);
        chain.BlockConnected += (block, _) => pool.BlockConnected(block.Transactions, chain.GetRegistry(block.Header.Hash));

        string walletDir = Path.Combine(dataDirectory, "wallets");
        using var alice = NodeWallet.Create(Path.Combine(walletDir, "alice.json"), parameters);
        using var bob = NodeWallet.Create(Path.Combine(walletDir, "bob.json"), parameters);
        string aliceAddress = alice.GetNewAddress(), bobAddress = bob.GetNewAddress();
        progress($"wallets: alice {aliceAddress}, bob {bobAddress}");
        byte[] aliceScript = ScriptFor(aliceAddress, parameters);

        var miner = new MiningService(chain, parameters, model, (height, mtp, extraNonce) =>
            BlockTemplateBuilder.Build(pool, chain, height, mtp, Subsidy.GetBlockSubsidy(height, parameters), aliceScript,
                parameters.MaxBlockBytes, parameters.MaxBlockSigOps, extraNonce, chain.GetMedianTimePastAtHeight, chain.Registry).Transactions)
        {
            PromptTokens = DemoPromptTokens,
        };
        int[] customerPrompt = CustomerPrompt.Select(c => (int)(byte)c).ToArray();
        var job = miner.Submit(customerPrompt, maxTokens: 4096);
        var rows = new List<DemoBlockRow>();
        miner.BlockMined += mined =>
        {
            var row = new DemoBlockRow(mined.Height, mined.Hash.ToString(), mined.Model, mined.TokensGenerated, mined.WindowsTried,
                mined.ProofBytes, mined.Elapsed.TotalMilliseconds, 0, false, mined.TransactionCount);
            rows.Add(row);
            blockMined(row);
        };

        progress($"mining {parameters.CoinbaseMaturity} blocks to alice so her first coinbase matures…");
        miner.MineBlocks(parameters.CoinbaseMaturity, cancellation);
        cancellation.ThrowIfCancellationRequested();

        var tip = chain.Tip;
        var payment = alice.CreateTransaction(bobAddress, PaymentAmount, FeeRatePerKilobyte, chain.GetUtxoSet(), tip.Height, new HashSet<OutPoint>());
        var accepted = pool.Accept(payment.Transaction, chain, tip.Height + 1, chain.GetMedianTimePast(tip.Hash)!.Value, chain.GetMedianTimePastAtHeight, tip.Registry);
        if (!accepted.Accepted) throw new InvalidOperationException($"the mempool refused alice's payment: {accepted.Rejection}");
        progress($"alice pays bob {AmountText(PaymentAmount)} (fee {AmountText(payment.Fee)}, {payment.Transaction.SerializedSize} bytes): txid {payment.Transaction.Txid} is in the mempool");

        miner.MineBlocks(1, cancellation);
        var confirming = chain.GetBlock(chain.Tip.Hash)!;
        if (!confirming.Transactions.Any(t => t.Txid == payment.Transaction.Txid))
            throw new InvalidOperationException($"block {chain.Tip.Height} does not include the payment {payment.Transaction.Txid}");
        progress($"block {chain.Tip.Height} confirms the payment");

        progress($"re-verifying the proof of every block (tier 1 + tier-2 replay)…");
        int replayed = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var row = rows[i];
            var block = chain.GetBlock(chain.GetBlockHash(row.Height)!.Value)!;
            var registered = chain.GetRegistry(block.Header.PrevBlock)!.ActiveModel(block.Header.ModelId)!;
            var check = verifier.Check(block, row.Height, registered);
            if (check.Violation is not null) throw new InvalidOperationException($"block {row.Height} failed re-verification: {check.Violation}");
            if (check.Replayed) replayed++;
            rows[i] = row with { VerifyMilliseconds = (check.Tier1 + check.Tier2).TotalMilliseconds, Replayed = check.Replayed };
        }

        var utxos = chain.GetUtxoSet();
        int tipHeight = chain.Tip.Height;
        return new DemoResult(dataDirectory, rows, payment.Transaction.Txid.ToString(), PaymentAmount, payment.Fee,
            Spendable(alice, utxos, tipHeight), Spendable(bob, utxos, tipHeight), rows.Count, replayed,
            CustomerPrompt, job.Generated.ToArray(), clock.Elapsed);
    }

    private static long Spendable(NodeWallet wallet, IReadOnlyList<KeyValuePair<OutPoint, Coin>> utxos, int tipHeight) =>
        wallet.GetBalance(utxos, tipHeight, [], new HashSet<OutPoint>()).Spendable;

    private static byte[] ScriptFor(string address, ChainParams parameters) =>
        Address.TryDecode(address, parameters.Bech32Hrp, out var hash160, out string error)
            ? ScriptTemplates.PayToPubKeyHash(hash160)
            : throw new InvalidOperationException($"wallet address {address}: {error}");

    public static string AmountText(long units) => $"{Node.Rpc.AmountFormat.Format(units)} TSC";
}

/// <summary>Base units per coin, for readable constants.</summary>
internal static class AmountUnits
{
    public const long Coin = 100_000_000;
}
