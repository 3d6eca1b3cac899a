using System.Diagnostics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Crypto;
using TensorCash.Chain.Ledger;
using TensorCash.Chain.Script;
using TensorCash.Chain.Transactions;
using TensorCash.Chain.Vdf;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mempool;
using TensorCash.Node.Mining;
using TensorCash.Chain.Registry;
using TensorCash.Node.Registry;
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
    DemoReply Reply,
    DemoRegistration Registration,
    IReadOnlyList<DemoModelShare> Models,
    DemoVdf Vdf,
    TimeSpan Elapsed);

/// <summary>How the second model entered the registry: its registration transaction and the heights of each step.</summary>
public sealed record DemoRegistration(string Model, string ModelId, string Txid, int RegisteredHeight, int LockedInHeight, int ActiveHeight, bool AuditPassed);

/// <summary>What one model did in the demo: its D_m (in units of N) and the blocks, windows and time it took.</summary>
public sealed record DemoModelShare(string Model, double DifficultyInN, int Blocks, int Windows, double MineMilliseconds);

/// <summary>
/// `tensorcash demo` end to end, on the real node components: a fresh regtest chainstate (SQLite), builtin:tiny on the
/// CPU, the built-in miner serving one customer prompt, two wallets. Mines until alice's first coinbase matures, pays
/// bob through the mempool, mines the block that confirms it; then alice registers the second builtin model,
/// builtin:nano, through the model registry (deposit, support signals, lock-in, activation: docs/protocol/registry.md),
/// both models mine side by side, and every block's proof is verified again (tier 1 + tier 2). The same customer prompt
/// is also served on the trained builtin:small (<see cref="SmallModelReply"/>), which writes readable text; the mined
/// proofs stay on the random-weight models because consensus pins builtin:tiny.
/// </summary>
public sealed class DemoScenario(string dataDirectory, int threads, Action<string> progress, Action<DemoBlockRow> blockMined)
{
    /// <summary>King James style, because builtin:small, which serves it readably, learned English from the King James Bible.</summary>
    public const string CustomerPrompt = "And the LORD said unto the miners,";
    public const long PaymentAmount = 12 * AmountUnits.Coin + AmountUnits.Coin / 2;
    public const long FeeRatePerKilobyte = 2_000;
    /// <summary>
    /// The demo miner keeps the last 256 tokens of the text as each window's prompt (the rules allow 1024): every
    /// verification replay prefills its block's prompt, and the demo replays each of its 101 blocks twice.
    /// </summary>
    public const int DemoPromptTokens = 256;
    /// <summary>The model alice registers once her coins mature.</summary>
    public const string SecondModel = "builtin:nano";
    /// <summary>Blocks mined after nano's activation, alternating between the two models.</summary>
    public const int SideBySideBlocks = 20;

    public DemoResult Run(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var parameters = ChainParams.Regtest;
        Directory.CreateDirectory(dataDirectory);
        progress($"datadir {dataDirectory} (regtest)");

        using var model = InferenceModel.Load("builtin:tiny", threads);
        using var nano = InferenceModel.Load(SecondModel, threads);
        progress($"models builtin:tiny {model.Identity.Hex[..16]}… (genesis) and {SecondModel} {nano.Identity.Hex[..16]}… (not registered yet), {threads} thread(s); proof window {parameters.ProofWindowSize} tokens");
        var reply = SmallModelReply.Serve(CustomerPrompt, threads, cancellation);
        progress($"customer prompt served on {reply.Model} (trained; loaded in {reply.LoadMilliseconds:F0} ms, {reply.Tokens.Length} tokens in " +
                 $"{reply.GenerateMilliseconds:F0} ms): \"{CustomerPrompt}{reply.Text.ReplaceLineEndings(" ")}\"");
        progress("the mined proofs stay on builtin:tiny (pinned by consensus) and builtin:nano, whose random weights write noise");
        var verifier = new BlockProofVerifier(parameters, [model, nano]);
        using var chain = new ChainState(dataDirectory, parameters, verifier.Verify);
        var pool = new TransactionPool(parameters, signatures: chain.Signatures);
        chain.BlockConnected += (block, _) => pool.BlockConnected(block.Transactions, chain.GetRegistry(block.Header.Hash));

        string walletDir = Path.Combine(dataDirectory, "wallets");
        using var alice = NodeWallet.Create(Path.Combine(walletDir, "alice.json"), parameters);
        using var bob = NodeWallet.Create(Path.Combine(walletDir, "bob.json"), parameters);
        string aliceAddress = alice.GetNewAddress(), bobAddress = bob.GetNewAddress();
        progress($"wallets: alice {aliceAddress}, bob {bobAddress}");
        byte[] aliceScript = ScriptFor(aliceAddress, parameters);

        // The miner mines each block on the next of its models that is active (only tiny until nano's activation) and
        // signals support for nano while it is pending, because it holds nano and nano passes the weight audit.
        bool nanoAudited = HeldModelAudits.For(nano).Passed;
        var miner = new MiningService(chain, parameters, new MiningModels([model, nano]), (height, mtp, extraNonce) =>
            BlockTemplateBuilder.Build(pool, chain, height, mtp, Subsidy.GetBlockSubsidy(height, parameters), aliceScript,
                parameters.MaxBlockBytes, parameters.MaxBlockSigOps, extraNonce, chain.GetMedianTimePastAtHeight, chain.Registry).Transactions)
        {
            PromptTokens = DemoPromptTokens,
            Support = ModelSupport.Held(id => id == nano.Id && nanoAudited),
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

        var registration = RegisterSecondModel(nano, nanoAudited, chain, pool, alice, miner, cancellation);
        progress($"both models mine side by side for {SideBySideBlocks} blocks (each block on the next active model)…");
        miner.MineBlocks(SideBySideBlocks, cancellation);

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
            // The VDF again, past the node's verdict cache: what a peer that never saw the block pays.
            var vdfClock = Stopwatch.StartNew();
            var setup = VdfSetup.FromSeed(block.Header.PrevBlock.ToArray(), parameters.VdfDiscriminantBits, parameters.VdfChallengeBits);
            VdfProofCodec.DecodeAndVerify(block.VdfProof, setup, block.Header.VdfTicks, out var vdfRejection);
            if (vdfRejection is not null) throw new InvalidOperationException($"block {row.Height}'s VDF failed re-verification: {vdfRejection}");
            rows[i] = row with
            {
                VerifyMilliseconds = (check.Tier1 + check.Tier2).TotalMilliseconds, Replayed = check.Replayed,
                VdfOutput = Convert.ToHexStringLower(block.Header.VdfOutput.ToArray()), VdfVerifyMilliseconds = vdfClock.Elapsed.TotalMilliseconds,
            };
        }
        var evalClock = Stopwatch.StartNew();
        WesolowskiVdf.Evaluate(VdfSetup.FromSeed(chain.Tip.Hash.ToArray(), parameters.VdfDiscriminantBits, parameters.VdfChallengeBits), parameters.VdfTicks);
        var vdf = new DemoVdf(parameters.VdfDiscriminantBits, parameters.VdfTicks, VdfProofCodec.EncodedBytes(parameters.VdfDiscriminantBits),
            evalClock.Elapsed.TotalMilliseconds, rows.Average(r => r.VdfVerifyMilliseconds));

        var utxos = chain.GetUtxoSet();
        int tipHeight = chain.Tip.Height;
        var registry = chain.Registry;
        var shares = rows.GroupBy(r => r.Model).Select(g =>
        {
            var entry = registry.Entries.First(e => e.Name == g.Key);
            return new DemoModelShare(g.Key, (double)entry.Difficulty / parameters.ModelNormaliser, g.Count(), g.Sum(r => r.WindowsTried), g.Sum(r => r.MineMilliseconds));
        }).ToList();
        return new DemoResult(dataDirectory, rows, payment.Transaction.Txid.ToString(), PaymentAmount, payment.Fee,
            Spendable(alice, utxos, tipHeight), Spendable(bob, utxos, tipHeight), rows.Count, replayed,
            CustomerPrompt, job.Generated.ToArray(), reply, registration, shares, vdf, clock.Elapsed);
    }

    /// <summary>
    /// Alice registers nano: her wallet pays the deposit to a new address of hers (output 0) with the registration
    /// payload after it; the miner then mines (on tiny) until the registry activates nano, signalling support while it
    /// is pending. Regtest's short periods (8 blocks, threshold 6) make that about 20 blocks.
    /// </summary>
    private DemoRegistration RegisterSecondModel(InferenceModel nano, bool audited, ChainState chain, TransactionPool pool, NodeWallet alice,
        MiningService miner, CancellationToken cancellation)
    {
        var parameters = ChainParams.Regtest;
        var registration = RegistrationBuilder.Build(nano, parameters);
        var tip = chain.Tip;
        byte[] depositScript = ScriptFor(alice.GetNewAddress("model deposit"), parameters);
        var created = alice.CreateTransaction(depositScript, parameters.Registry.MinimumDeposit, FeeRatePerKilobyte, chain.GetUtxoSet(), tip.Height,
            new HashSet<OutPoint>(), [new TxOut(0, RegistryScripts.ForRegistration(registration))]);
        var accepted = pool.Accept(created.Transaction, chain, tip.Height + 1, chain.GetMedianTimePast(tip.Hash)!.Value, chain.GetMedianTimePastAtHeight, tip.Registry);
        if (!accepted.Accepted) throw new InvalidOperationException($"the mempool refused the registration of {SecondModel}: {accepted.Rejection}");
        ulong cost = ModelCost.CostUnits(registration.Descriptor, registration.WeightDType, registration.Profile);
        double dm = (double)ModelCost.Difficulty(cost, parameters) / parameters.ModelNormaliser;
        progress($"weight audit of {SecondModel}: {(audited ? "passed" : "FAILED (the miner will not signal for it)")}");
        progress($"alice registers {SecondModel} (D_m {dm:F2} N: cheaper than builtin:tiny's 1 N, so a harder target), deposit " +
                 $"{AmountText(parameters.Registry.MinimumDeposit)}: txid {created.Transaction.Txid}");

        int registered = -1, lockedIn = -1, active = -1;
        var last = ModelStatus.Pending;
        for (int mined = 0; active < 0; mined++)
        {
            if (mined > 4 * parameters.Registry.WindowBlocks)
                throw new InvalidOperationException($"{SecondModel} is still {last} after {mined} blocks");
            miner.MineBlocks(1, cancellation);
            cancellation.ThrowIfCancellationRequested();
            var entry = chain.Registry.Find(registration.ModelId);
            if (entry is null) continue;
            int height = chain.Tip.Height;
            if (registered < 0)
            {
                registered = entry.RegisteredHeight;
                progress($"block {registered} registers it: pending, signal slot {entry.SignalSlot}; support needs {parameters.Registry.Threshold} of {parameters.Registry.SignalPeriod} blocks in a period");
            }
            if (entry.Status != last)
            {
                last = entry.Status;
                if (last == ModelStatus.LockedIn) { lockedIn = entry.StatusHeight; progress($"support reached the threshold: locked in at height {lockedIn}"); }
                else if (last == ModelStatus.Active) { active = entry.ActivationHeight ?? height + 1; progress($"{SecondModel} is active from height {active}"); }
                else throw new InvalidOperationException($"{SecondModel} became {last} ({entry.StatusReason}) at height {height}");
            }
        }
        return new DemoRegistration(SecondModel, nano.Identity.Hex, created.Transaction.Txid.ToString(), registered, lockedIn, active, audited);
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
