using System.Diagnostics;
using TensorCash.Chain.Blocks;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Primitives;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;

namespace TensorCash.Node.Mining;

/// <summary>One block this node mined: what it cost and what it carries.</summary>
public sealed record MinedBlock(int Height, Hash256 Hash, string Model, int TokensGenerated, int WindowsTried, int ProofBytes,
    int TransactionCount, TimeSpan Elapsed, string JobId);

/// <summary>Transactions for a block at a height (coinbase first), given the parent's MTP and an extra nonce for the coinbase.</summary>
public delegate IReadOnlyList<Transaction> BlockContentBuilder(int height, long parentMedianTimePast, uint extraNonce);

/// <summary>
/// The built-in miner loop: serve jobs (a user's prompt) while mining. Each attempt builds a candidate on the current
/// tip, on the next of the node's models that is Active in the tip's registry (<see cref="MiningModels"/>), with
/// nVersion signalling the pending models <see cref="Support"/> picks, generates under its binding and checks every
/// window boundary. When the tip changes mid-attempt the attempt
/// is cancelled and rebuilt on the new tip (rebinding); the job keeps every complete window it generated, so the
/// user's text continues from where it was. Attempts that exhaust their windows without a winner change the coinbase
/// extra nonce (a new B) and go on.
/// </summary>
public sealed class MiningService(ChainState chain, ChainParams parameters, MiningModels models, BlockContentBuilder buildContent)
{
    /// <summary>A miner on one model, signalling for none.</summary>
    public MiningService(ChainState chain, ChainParams parameters, InferenceModel model, BlockContentBuilder buildContent)
        : this(chain, parameters, new MiningModels([model]), buildContent)
    {
    }

    /// <summary>Which pending models the mined blocks signal for (default: none).</summary>
    public ModelSupport Support { get; init; } = ModelSupport.None;

    /// <summary>Most windows per attempt; bounded further by the model's context.</summary>
    public const int MaxWindowsPerAttempt = 64;

    private const string IdleJobId = "idle";
    private readonly Queue<MiningJob> _jobs = new();
    private readonly object _jobsLock = new();
    private int _jobCounter;
    private uint _extraNonce;

    /// <summary>The prompt of the job the miner invents when no user is waiting (mining never idles).</summary>
    public int[] IdlePrompt { get; init; } = "The ledger records what the model wrote:"u8.ToArray().Select(b => (int)b).ToArray();

    /// <summary>
    /// The miner's own cap on the prompt an attempt starts from (the job's text so far, most recent tokens kept), at most
    /// the model's pinned cap; 0 = the pinned cap. The attempt's later windows continue from there (the generator caps
    /// them at the pinned cap). A policy, not a rule: every window prefills its prompt, so a shorter one makes each
    /// window and every verifier's replay cheaper, at the cost of the model seeing less of the text.
    /// </summary>
    public int PromptTokens { get; init; }

    /// <summary>
    /// Where customer prompts come from when no submitted job waits: given the model the next block is mined on, a job or
    /// null (`node --serve`: the proof-bearing requests, and only those). A customer job replaces the idle job at once.
    /// </summary>
    public Func<InferenceModel, MiningJob?>? CustomerJobs { get; init; }

    /// <summary>Raised after a block this node mined was accepted onto the active chain (before <see cref="JobCompleted"/> of its job).</summary>
    public event Action<MinedBlock>? BlockMined;

    /// <summary>Raised when a job has all its tokens.</summary>
    public event Action<MiningJob>? JobCompleted;

    public MiningJob? CurrentJob { get; private set; }

    /// <summary>
    /// Queues a user's prompt. Its text is sampled with the model's pinned profile: the decode settings of mined windows
    /// are consensus values, not the user's choice.
    /// </summary>
    public MiningJob Submit(int[] prompt, int maxTokens)
    {
        var job = new MiningJob($"job-{Interlocked.Increment(ref _jobCounter)}", prompt, maxTokens);
        lock (_jobsLock) _jobs.Enqueue(job);
        return job;
    }

    /// <summary>Mines until <paramref name="count"/> blocks of ours are on the active chain (or cancellation).</summary>
    public IReadOnlyList<MinedBlock> MineBlocks(int count, CancellationToken cancellation = default)
    {
        var mined = new List<MinedBlock>();
        while (mined.Count < count && !cancellation.IsCancellationRequested)
            if (MineOne(cancellation) is { } block) mined.Add(block);
        return mined;
    }

    /// <summary>Runs until cancelled (the node's --mine loop).</summary>
    public void Run(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested) MineOne(cancellation);
    }

    /// <summary>One attempt on the current tip; the mined block if it was accepted onto the active chain, else null.</summary>
    /// <exception cref="InvalidOperationException">None of the miner's models is Active after the tip.</exception>
    public MinedBlock? MineOne(CancellationToken cancellation)
    {
        var tip = chain.Tip;
        var registry = tip.Registry;
        var model = models.Next(registry);
        var job = NextJob(model);
        var started = Stopwatch.StartNew();
        int height = tip.Height + 1;
        long parentMtp = chain.GetMedianTimePast(tip.Hash) ?? tip.Header.Time;
        var transactions = buildContent(height, parentMtp, _extraNonce++);
        var root = MerkleTree.BlockRoot(transactions, out _);
        var candidate = CandidateHeader.Create(parameters, registry, tip.Header, height, parentMtp, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model.Id, root,
            transactions, Support.SlotsFor(registry));

        var registered = registry.ActiveModel(model.Id)!;
        var profile = registered.Profile;
        int[] context = [.. job.Prompt, .. job.Context];
        int cap = PromptTokens > 0 ? Math.Min(PromptTokens, profile.MaxPromptTokens) : profile.MaxPromptTokens; // the profile caps the prompt
        int[] prompt = context.Length > cap ? context[^cap..] : context;
        int room = (model.Transformer.Config.MaxSequenceLength - prompt.Length) / (profile.SaltTokens + profile.WindowSize);
        if (room < 1)
        {
            Complete(job); // the context is full: the user has all the text this model can give
            return null;
        }

        using var rebind = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        void OnTip(ChainTip newTip) { if (newTip.Hash != tip.Hash) rebind.Cancel(); }
        chain.TipChanged += OnTip;
        if (chain.Tip.Hash != tip.Hash) rebind.Cancel(); // the tip moved while the candidate was being built
        MiningOutcome outcome;
        try
        {
            outcome = new BlockMiner(model.Generator, profile).Mine(candidate, prompt, Math.Min(MaxWindowsPerAttempt, room), rebind.Token);
        }
        finally
        {
            chain.TipChanged -= OnTip;
        }

        job.Generated.AddRange(outcome.GeneratedTokens);
        job.Context.AddRange(outcome.ContextTokens);
        MinedBlock? mined = null;
        if (outcome.Block is not null)
        {
            var result = chain.AcceptBlock(outcome.Block, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            if (result.Status == BlockAcceptStatus.ActiveChain) // else e.g. a competing block arrived first
            {
                mined = new MinedBlock(height, result.Hash, registered.Name, outcome.GeneratedTokens.Length, outcome.WindowsTried,
                    outcome.ProofBytes, transactions.Count, started.Elapsed, job.Id);
                BlockMined?.Invoke(mined);
            }
        }
        if (job.IsComplete) Complete(job); // after the block, so whoever follows the job sees its block first
        return mined;
    }

    /// <summary>
    /// The job for a block on <paramref name="model"/>: the current one while it lasts (a user's text continues across
    /// blocks), else a submitted job, else a customer job, else the idle job, which gives way as soon as one of those
    /// waits. A job tied to another model waits for a block on its model; this block gets an idle job meanwhile.
    /// </summary>
    private MiningJob NextJob(InferenceModel model)
    {
        lock (_jobsLock)
        {
            if (CurrentJob is { IsComplete: false } current && current.Id != IdleJobId)
                return current.Model is null || current.Model == model.Id ? current : new MiningJob(IdleJobId, IdlePrompt, 256);
            if ((_jobs.Count > 0 ? _jobs.Dequeue() : CustomerJobs?.Invoke(model)) is { } waiting) return CurrentJob = waiting;
            if (CurrentJob is { IsComplete: false } idle) return idle;
            return CurrentJob = new MiningJob(IdleJobId, IdlePrompt, 256);
        }
    }

    private void Complete(MiningJob job)
    {
        lock (_jobsLock) if (ReferenceEquals(CurrentJob, job)) CurrentJob = null;
        JobCompleted?.Invoke(job);
    }
}
