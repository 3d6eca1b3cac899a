using TensorCash.Engine.ChatTemplates;
using TensorCash.Engine.Runtime;
using TensorCash.Engine.Tokenization;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mining;
using TensorCash.Serving;

namespace TensorCash.Node.Serving;

/// <summary>
/// `tensorcash node --serve`: the OpenAI-compatible server (<see cref="ServingHost"/>) inside a running node, so a
/// miner serves users while it mines (the seed's Fig. 1), with the miner's privacy policy (Appendix D) between them.
///
/// Design:
/// - The server runs on a transformer of its own over the mining model's weights (a transformer is single-threaded;
///   the miner and the tier-2 replays keep theirs), so serving never waits for a mining attempt and vice versa.
/// - Private requests (the default) live only in the server's batcher: nothing here can see them, so they can never
///   reach a proof transcript. Proof-bearing requests (they opted in) go to the <see cref="ProofBearingQueue"/>; the
///   miner asks <see cref="NextMiningJob"/> for its next customer prompt and gets the oldest of them as a
///   <see cref="MiningJob"/> whose id is the request's receipt (its transcript hash). The miner spends one mining
///   attempt on it (its windows continue the prompt until one wins or the attempt's windows run out); the prompt is
///   in the transcript header of every window of that attempt, the winning one included.
/// - Receipts: the queue writes "queued", "mining", "dropped"; <see cref="OnBlockMined"/> adds each block this node
///   mined on the job, and <see cref="OnJobCompleted"/> writes "done". Whether a receipt's block is still on the active
///   chain is read from the chainstate when the receipt is asked for (GET /v1/receipts/{hash}).
/// - Only the served model reads the prompt's token ids: a block on another of the node's models gets no customer job.
/// </summary>
public sealed class NodeServing : IAsyncDisposable
{
    private readonly Transformer _transformer;

    private NodeServing(InferenceModel model, Transformer transformer, ServingHost server)
    {
        Model = model;
        _transformer = transformer;
        Server = server;
    }

    /// <summary>The model served (the node's first mining model).</summary>
    public InferenceModel Model { get; }
    public ServingHost Server { get; }
    public ProofBearingQueue ProofQueue => Server.ProofQueue;
    public ReceiptBook Receipts => Server.ProofQueue.Receipts;

    /// <exception cref="IOException">The port cannot be bound.</exception>
    /// <exception cref="ArgumentException">A host that is not an IP address.</exception>
    public static async Task<NodeServing> StartAsync(ChainState chain, InferenceModel model, ITokenizer tokenizer, ChatTemplate? template,
        ServingOptions options, int threads, CancellationToken cancellation = default)
    {
        var transformer = Transformer.Create(model.Weights, threads);
        try
        {
            var receipts = new ReceiptBook((hash, height) => chain.GetBlockHash(height)?.ToString() == hash);
            var served = new ServedModel(model.Spec, transformer, tokenizer, template);
            var server = await ServingHost.StartAsync(served, options, new ProofBearingQueue(receipts), cancellation);
            return new NodeServing(model, transformer, server);
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    /// <summary>The miner's customer prompt for a block on <paramref name="blockModel"/>: the oldest proof-bearing request, or null.</summary>
    public MiningJob? NextMiningJob(InferenceModel blockModel)
    {
        if (blockModel.Id != Model.Id) return null;
        return ProofQueue.TryTake() is { } candidate
            ? new MiningJob(candidate.TranscriptSha256, candidate.PromptTokens, maxTokens: 1) { Model = Model.Id }
            : null;
    }

    public void OnBlockMined(MinedBlock mined) => Receipts.AddBlock(mined.JobId, new ReceiptBlock(mined.Hash.ToString(), mined.Height));

    public void OnJobCompleted(MiningJob job) => Receipts.Done(job.Id);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _transformer.Dispose();
    }
}
