#!/usr/bin/env node
// llama.cpp prefill and decode throughput on fixed token ids, as JSON on stdout.
//  - prefill: --prompt N tokens in one llama_decode call (logits for the last one), fresh KV cache
//    each repetition; tok/s = N / median time.
//  - decode:  after an --context-prefill token prompt, --gen M single-token llama_decode calls, each
//    producing that token's logits; tok/s = M / median total time.
// Timing wraps node-llama-cpp's addon decode call directly (its JS batch queue and samplers are
// left out), so the figure is llama_decode plus one async hop into native code per call. No
// sampling: the next token is a fixed id, the same for every engine.
import { parseArgs, runMain, str, positiveInt, oneOf } from "./args.mjs";
import { openLlama, openModel, openContext, describeBuild } from "./runtime.mjs";
import { fixedTokens, vocabSize } from "./fixed-tokens.mjs";

const usage = `usage: node bench.mjs --model FILE.gguf [--threads N] [--prompt N] [--gen M] [--context-prefill P]
                       [--repeat R] [--kv-type f32|f16]`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function decodeOnce(addon, tokens, firstPosition) {
  addon.initBatch(tokens.length);
  addon.addToBatch(0, firstPosition, Uint32Array.from(tokens), Uint32Array.of(tokens.length - 1));
  const start = nowMs();
  await addon.decodeBatch();
  return nowMs() - start;
}

await runMain(usage, async () => {
  const args = parseArgs(process.argv.slice(2), {
    model: str(),
    threads: positiveInt(1),
    prompt: positiveInt(128),
    gen: positiveInt(32),
    "context-prefill": positiveInt(16),
    repeat: positiveInt(3),
    "kv-type": oneOf("f32", ["f32", "f16"]),
  });
  const llama = await openLlama(args.threads);
  const model = await openModel(llama, args.model);
  const vocab = await vocabSize(args.model);
  const context = await openContext(model, {
    threads: args.threads,
    batchSize: Math.max(args.prompt, args["context-prefill"]),
    contextSize: Math.max(args.prompt, args["context-prefill"] + args.gen) + 1,
    kvType: args["kv-type"],
  });
  // Claim sequence 0 so node-llama-cpp does not hand it elsewhere, then drive it natively.
  context.getSequence();
  const addon = context._ctx;
  const clear = () => {
    if (!addon.removeTokenCellsFromSequence(0, 0, -1)) throw new Error("could not clear the KV cache");
  };

  const prompt = fixedTokens(args.prompt, vocab);
  await decodeOnce(addon, prompt, 0); // warm-up: page in weights, size buffers
  clear();
  const prefillMs = [];
  for (let r = 0; r < args.repeat; r++) {
    prefillMs.push(await decodeOnce(addon, prompt, 0));
    clear();
  }

  const prefix = fixedTokens(args["context-prefill"], vocab);
  const generated = fixedTokens(args.gen, vocab, args["context-prefill"]);
  const decodeMs = [];
  for (let r = 0; r < args.repeat; r++) {
    await decodeOnce(addon, prefix, 0);
    let total = 0;
    for (let i = 0; i < generated.length; i++) total += await decodeOnce(addon, [generated[i]], prefix.length + i);
    decodeMs.push(total);
    clear();
  }

  const prefillMedian = median(prefillMs);
  const decodeMedian = median(decodeMs);
  const result = {
    engine: "llama.cpp",
    build: describeBuild(llama),
    model: args.model,
    threads: addon.getThreads(),
    kv_type: args["kv-type"],
    prompt_tokens: args.prompt,
    gen_tokens: args.gen,
    context_prefill_tokens: args["context-prefill"],
    repeat: args.repeat,
    prefill_ms: prefillMedian,
    prefill_tok_s: (args.prompt * 1000) / prefillMedian,
    decode_ms_per_token: decodeMedian / args.gen,
    decode_tok_s: (args.gen * 1000) / decodeMedian,
  };
  process.stdout.write(JSON.stringify(result) + "\n");
  await context.dispose();
  await model.dispose();
  await llama.dispose();
});
