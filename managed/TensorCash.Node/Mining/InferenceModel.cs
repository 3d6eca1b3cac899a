using TensorCash.Chain.Primitives;
using TensorCash.Engine.Formats;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proving;

namespace TensorCash.Node.Mining;

/// <summary>
/// A model a node holds: its weights, the native transformer, its identity and a proof generator. The node mines on it
/// and replays (tier 2) any block that declares it.
/// </summary>
public sealed class InferenceModel : IDisposable
{
    private InferenceModel(string spec, ModelWeights weights, Transformer transformer, Transformer replayTransformer, ModelIdentity identity)
    {
        ReplayTransformer = replayTransformer;
        Spec = spec;
        Weights = weights;
        Transformer = transformer;
        Identity = identity;
        Id = new Hash256(identity.Id);
        Generator = new ProofGenerator(transformer, identity);
    }

    public string Spec { get; }
    public ModelWeights Weights { get; }
    /// <summary>The miner's transformer.</summary>
    public Transformer Transformer { get; }
    /// <summary>A second transformer over the same weights for tier-2 replays, so verifying never waits for mining (a transformer is single-threaded).</summary>
    public Transformer ReplayTransformer { get; }
    public ModelIdentity Identity { get; }
    public Hash256 Id { get; }
    public ProofGenerator Generator { get; }

    /// <summary>
    /// Loads a model (path or builtin:NAME). Any model the engine can load is accepted, registered or not: the node
    /// replays blocks on it and mines on it while the registry has it Active, and a model registered later needs no
    /// restart. Whether it is registered is the registry's business, asked per block.
    /// </summary>
    public static InferenceModel Load(string spec, int threads)
    {
        var weights = ModelLoader.Load(spec);
        try
        {
            var identity = ModelIdentity.Compute(weights);
            var transformer = Transformer.Create(weights, threads);
            try
            {
                return new InferenceModel(spec, weights, transformer, Transformer.Create(weights, threads), identity);
            }
            catch
            {
                transformer.Dispose();
                throw;
            }
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Transformer.Dispose();
        ReplayTransformer.Dispose();
        Weights.Dispose();
    }
}
