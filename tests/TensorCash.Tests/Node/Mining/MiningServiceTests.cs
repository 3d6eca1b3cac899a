using NUnit.Framework;
using TensorCash.Chain.Consensus;
using TensorCash.Chain.Transactions;
using TensorCash.Node.Chainstate;
using TensorCash.Node.Mining;
using TensorCash.Proof.Transcript;

namespace TensorCash.Tests.Node.Mining;

/// <summary>The built-in miner on a real regtest chainstate: blocks are accepted with tier 1 + tier 2, jobs keep their text across blocks and rebinds.</summary>
public class MiningServiceTests
{
    private InferenceModel _model = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public void LoadModel() => _model = InferenceModel.Load("builtin:tiny", 1);

    [OneTimeTearDown]
    public void DisposeModel() => _model.Dispose();

    [SetUp]
    public void CreateDatadir() => _dir = Directory.CreateTempSubdirectory("tc-mining-").FullName;

    [TearDown]
    public void DeleteDatadir() => Directory.Delete(_dir, recursive: true);

    private ChainState OpenChain() => new(_dir, ChainParams.Regtest, new BlockProofVerifier(ChainParams.Regtest, [_model]).Verify);

    private static IReadOnlyList<Transaction> CoinbaseOnly(int height, long mtp, uint extraNonce) =>
        [RegtestMining.Coinbase(height, Subsidy.GetBlockSubsidy(height, ChainParams.Regtest), extraNonce)];

    [Test]
    public void MinedBlocksExtendTheChainAndTheJobTextContinuesAcrossThem()
    {
        using var chain = OpenChain();
        var service = new MiningService(chain, ChainParams.Regtest, _model, CoinbaseOnly);
        var job = service.Submit([1, 2, 3, 4], maxTokens: 10_000);
        var mined = service.MineBlocks(3);

        Assert.That(chain.Tip.Height, Is.EqualTo(3));
        Assert.That(mined.Select(m => m.Height), Is.EqualTo(new[] { 1, 2, 3 }));
        // One window per block: its prompt is the job's prompt and everything the model saw before it (earlier salts and
        // windows, winning or not), and the context then holds this window's salt and tokens.
        for (int h = 1; h <= 3; h++)
        {
            var transcript = TranscriptCodec.Decode(chain.GetBlock(chain.GetBlockHash(h)!.Value)!.Proof);
            var prompt = transcript.Header.Prompt;
            int before = prompt.Length - job.Prompt.Length;
            Assert.That(prompt, Is.EqualTo(job.Prompt.Concat(job.Context.Take(before))), $"block {h} continues the user's text");
            int salt = transcript.Header.Profile.SaltTokens;
            Assert.That(job.Context.Skip(before).Take(salt), Is.EqualTo(TensorCash.Proof.ProofSalt.ModelPrompt(transcript.Header).Skip(prompt.Length)),
                $"block {h}: the chain-bound salt follows the prompt");
            Assert.That(job.Context.Skip(before + salt).Take(transcript.Steps.Count), Is.EqualTo(transcript.Steps.Select(s => s.Token)),
                $"block {h}: its window is the job's text after the salt");
        }
        int s = ChainParams.Regtest.Models[ChainParams.BuiltinTinyModelId].Profile.SaltTokens;
        Assert.That(job.Generated, Is.EqualTo(job.Context.Where((_, i) => i % (ChainParams.Regtest.ProofWindowSize + s) >= s)),
            "the user's text is the context without the salts");
    }

    [Test]
    public void ATipChangeRebindsTheAttemptWithoutLosingTheText()
    {
        using var chain = OpenChain();
        var competitor = RegtestMining.Mine(_model, ChainParams.Regtest.Genesis.Header, 1, extraNonce: 999).Block!;
        bool first = true;
        IReadOnlyList<Transaction> Content(int height, long mtp, uint extraNonce)
        {
            if (first)
            {
                first = false; // another miner's block arrives while this candidate is being built on genesis
                Assert.That(chain.AcceptBlock(competitor, DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Status, Is.EqualTo(BlockAcceptStatus.ActiveChain));
            }
            return CoinbaseOnly(height, mtp, extraNonce);
        }
        var service = new MiningService(chain, ChainParams.Regtest, _model, Content);
        var job = service.Submit([5, 6, 7], maxTokens: 10_000);

        Assert.That(service.MineOne(CancellationToken.None), Is.Null, "the attempt on the stale tip is abandoned");
        var mined = service.MineBlocks(1).Single();
        Assert.That(mined.Height, Is.EqualTo(2), "the next attempt is bound to the new tip");
        Assert.That(chain.GetHeader(mined.Hash)!.PrevBlock, Is.EqualTo(competitor.Header.Hash));
        var transcript = TranscriptCodec.Decode(chain.GetBlock(mined.Hash)!.Proof);
        Assert.That(transcript.Header.Prompt.Take(job.Prompt.Length), Is.EqualTo(job.Prompt));
        Assert.That(job.Generated, Is.Not.Empty);
    }

    [Test]
    public void AJobCompletesWhenItHasItsTokens()
    {
        using var chain = OpenChain();
        var service = new MiningService(chain, ChainParams.Regtest, _model, CoinbaseOnly);
        var job = service.Submit([9, 9, 9], maxTokens: 16);
        MiningJob? completed = null;
        service.JobCompleted += j => completed ??= j;
        service.MineBlocks(2);
        Assert.That(completed, Is.SameAs(job));
        Assert.That(job.Generated.Count, Is.GreaterThanOrEqualTo(16));
    }

    [Test]
    public void AMinerPromptPolicyKeepsTheMostRecentTokens()
    {
        using var chain = OpenChain();
        var service = new MiningService(chain, ChainParams.Regtest, _model, CoinbaseOnly) { PromptTokens = 8 };
        var job = service.Submit([1, 2, 3, 4, 5, 6], maxTokens: 10_000);
        service.MineBlocks(2);
        var transcripts = Enumerable.Range(1, 2).Select(h => TranscriptCodec.Decode(chain.GetBlock(chain.GetBlockHash(h)!.Value)!.Proof)).ToList();
        var second = transcripts[1];
        Assert.That(transcripts[0].Header.Prompt.Take(6), Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6 }), "the first attempt starts from the whole (short) prompt");
        // The second attempt starts from the last 8 tokens; its later windows continue that context (salt and window each),
        // so the winning window's prompt is 8 tokens plus whole windows. Uncapped it would be 6 plus whole windows.
        int perWindow = second.Header.Profile.SaltTokens + second.Header.Profile.WindowSize;
        int length = second.Header.Prompt.Length;
        Assert.That((length - 8) % perWindow, Is.EqualTo(0), $"prompt of {length} tokens: 8 plus whole windows");
        // The prompt is the text just before block 2's salt and window.
        int[] text = [.. job.Prompt, .. job.Context];
        int[] saltAndWindow = [.. TensorCash.Proof.ProofSalt.ModelPrompt(second.Header).Skip(length), .. second.Steps.Select(s => s.Token)];
        int at = Enumerable.Range(0, text.Length - saltAndWindow.Length + 1).Single(i => text.AsSpan(i, saltAndWindow.Length).SequenceEqual(saltAndWindow));
        Assert.That(second.Header.Prompt, Is.EqualTo(text[(at - length)..at]));
    }
}
