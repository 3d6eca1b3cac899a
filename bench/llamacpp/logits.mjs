#!/usr/bin/env node
// Raw fp32 logits of every position from llama.cpp, for exact token ids (no tokenizer, no BOS).
// Output: {"vocab":V,"logits":[[...V values...] per position]} on stdout, the same shape as
// `tensorcash logits`. Each value is the float32 llama.cpp produced, printed as the shortest
// decimal that reads back to the same float32.
import { parseArgs, runMain, str, positiveInt, oneOf, tokenList } from "./args.mjs";
import { openLlama, openModel, openContext, countDecodes } from "./runtime.mjs";
import { logitsJson } from "./float32-json.mjs";

const usage = `usage: node logits.mjs --model FILE.gguf --tokens 1,2,3 [--threads N] [--mode batch|sequential] [--kv-type f32|f16]
  --mode batch       all tokens in one llama_decode call (default)
  --mode sequential  one llama_decode call per token, same KV cache`;

await runMain(usage, async () => {
  const args = parseArgs(process.argv.slice(2), {
    model: str(),
    tokens: tokenList(),
    threads: positiveInt(1),
    mode: oneOf("batch", ["batch", "sequential"]),
    "kv-type": oneOf("f32", ["f32", "f16"]),
  });
  const tokens = args.tokens;
  const llama = await openLlama(args.threads);
  const model = await openModel(llama, args.model);
  // llama.cpp itself only says "Eval has failed" for an out-of-range id, so check up front.
  const nVocab = model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length;
  const badToken = tokens.find((t) => nVocab !== undefined && t >= nVocab);
  if (badToken !== undefined) throw new Error(`token id ${badToken} is outside the vocabulary of ${args.model} (size ${nVocab})`);

  const context = await openContext(model, {
    threads: args.threads,
    batchSize: tokens.length,
    // node-llama-cpp keeps one slot free and shifts the context (drops early tokens) when full.
    contextSize: tokens.length + 1,
    kvType: args["kv-type"],
  });
  const decodes = countDecodes(context);
  const sequence = context.getSequence();
  const wantLogits = (t) => [t, { generateNext: { logits: true } }];

  const rows = [];
  if (args.mode === "batch") {
    const results = await sequence.controlledEvaluate(tokens.map(wantLogits));
    for (let i = 0; i < tokens.length; i++) rows.push(results[i]?.next.logits);
  } else {
    for (const t of tokens) {
      const [result] = await sequence.controlledEvaluate([wantLogits(t)]);
      rows.push(result?.next.logits);
    }
  }
  if (sequence.contextTokens.length !== tokens.length)
    throw new Error(`context holds ${sequence.contextTokens.length} tokens after evaluating ${tokens.length}: it was shifted`);
  const expectedDecodes = args.mode === "batch" ? 1 : tokens.length;
  if (decodes.calls !== expectedDecodes)
    throw new Error(`expected ${expectedDecodes} llama_decode call(s) in ${args.mode} mode, saw ${decodes.calls}`);

  const logits = rows.map((byToken, pos) => {
    if (byToken == null) throw new Error(`llama.cpp returned no logits for position ${pos}`);
    const row = new Array(byToken.size);
    for (const [token, value] of byToken) row[token] = value;
    if (row.some((v) => v === undefined)) throw new Error(`logits for position ${pos} do not cover the vocabulary`);
    return row;
  });
  process.stdout.write(logitsJson(logits[0].length, logits) + "\n");
  await context.dispose();
  await model.dispose();
  await llama.dispose();
});
