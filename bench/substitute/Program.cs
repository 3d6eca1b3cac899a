// Substitute-mining measurement (issue 10, design decision): how often does a cheaper substitute of the declared F32
// model produce the same token path under the same chain-bound draws? If a candidate depended on tokens only, a miner
// could mine with the substitute and compute the honest evidence only for a winning window.
using System.Security.Cryptography;
using TensorCash.Engine.Builtin;
using TensorCash.Engine.Model;
using TensorCash.Engine.Runtime;
using TensorCash.Proof;
using TensorCash.Proving;

int windows = int.Parse(args.Length > 0 ? args[0] : "50");
uint tempQ16 = uint.Parse(args.Length > 1 ? args[1] : "65536");
var spec = new RandomModelSpec { Layers = 4, ModelDim = 256, Heads = 8, KvHeads = 4, FeedForwardDim = 688, VocabSize = 4096, Seed = 7 };
using var f32 = RandomModelFactory.CreateWeights(spec, TensorDType.F32);
var id = ModelIdentity.Compute(f32);
using var honest = Transformer.Create(f32, 2);
var profile = new ProofProfile(new DecodeParameters(tempQ16, 32, 4_080_218_931), 32, 64, PrecisionTag.F32, spec.VocabSize, 3, 512);
var honestGen = new ProofGenerator(honest, id);
int[] prompt = [1, 17, 300, 42, 99, 1000, 5, 8];
foreach (var dtype in new[] { TensorDType.BF16, TensorDType.F16, TensorDType.Q8_0 })
{
    using var w = RandomModelFactory.CreateWeights(spec, dtype);
    using var sub = Transformer.Create(w, 2);
    var subGen = new ProofGenerator(sub, id); // the cheater claims the F32 model's id
    int same = 0; long agreeSteps = 0;
    for (int i = 0; i < windows; i++)
    {
        var binding = new ChainBinding(SHA256.HashData(BitConverter.GetBytes(i)), new byte[32], (ulong)i);
        var request = new ProveRequest(prompt, profile, binding);
        var a = honestGen.Prove(request).Transcript.Steps.Select(s => s.Token).ToArray();
        var b = subGen.Prove(request).Transcript.Steps.Select(s => s.Token).ToArray();
        int k = 0; while (k < a.Length && a[k] == b[k]) k++;
        agreeSteps += k; if (k == a.Length) same++;
    }
    Console.WriteLine($"{dtype} vs F32, tau {tempQ16 / 65536.0:F2}: identical 64-token windows {same}/{windows} ({100.0 * same / windows:F1} %), mean steps before divergence {(double)agreeSteps / windows:F1}");
}
