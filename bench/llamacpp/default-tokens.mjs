#!/usr/bin/env node
// Prints the default comparison token ids for a model ("1,2,3"): fixedTokens over its vocabulary.
import { parseArgs, runMain, str, positiveInt } from "./args.mjs";
import { fixedTokens, vocabSize } from "./fixed-tokens.mjs";

await runMain("usage: node default-tokens.mjs --model FILE.gguf [--count N]", async () => {
  const args = parseArgs(process.argv.slice(2), { model: str(), count: positiveInt(16) });
  process.stdout.write(fixedTokens(args.count, await vocabSize(args.model)).join(",") + "\n");
});
