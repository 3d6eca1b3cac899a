#!/usr/bin/env node
// Prints llama.cpp's raw logits of every position for exact token ids (no tokenizer, no BOS) as
// {"vocab":V,"logits":[[...V values...] per position]}, the same shape as `tensorcash logits`.
// Each value is the float32 llama.cpp produced, printed as the shortest decimal that reads back
// to the same float32.
import { parseArgs, runMain, str, positiveInt, oneOf, tokenList } from "./args.mjs";
import { evaluateLogits } from "./evaluate-logits.mjs";
import { logitsJson } from "./float32-json.mjs";

const usage = `usage: node logits.mjs --model FILE.gguf --tokens 1,2,3 [--threads N] [--mode batch|sequential] [--kv-type f32|f16]
  --mode batch       all tokens in one llama_decode call (default)
  --mode sequential  one llama_decode call per token, same KV cache
  --kv-type          KV cache element type (default f32, like our engine; llama.cpp's own default is f16)`;

await runMain(usage, async () => {
  const args = parseArgs(process.argv.slice(2), {
    model: str(),
    tokens: tokenList(),
    threads: positiveInt(1),
    mode: oneOf("batch", ["batch", "sequential"]),
    "kv-type": oneOf("f32", ["f32", "f16"]),
  });
  const { vocab, logits } = await evaluateLogits(args.model, args.tokens, {
    threads: args.threads,
    mode: args.mode,
    kvType: args["kv-type"],
  });
  process.stdout.write(logitsJson(vocab, logits) + "\n");
});
