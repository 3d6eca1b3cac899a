#!/usr/bin/env node
// Compares two {"vocab":V,"logits":[[...]]} files (ours vs llama.cpp, or llama.cpp vs itself) and
// prints how far apart they are as JSON. With --max-abs it also exits 1 when the bound is broken,
// so a script can use it as a check. An argmax flip alone is not a failure: within the bound it can
// only happen at a near-tie (top-1/top-2 gap under 2 x bound), and a real flip breaks the bound.
import { parseArgs, runMain, str } from "./args.mjs";
import { readLogits, compareLogits } from "./logits-diff.mjs";

const usage = "usage: node diff-logits.mjs --a A.json --b B.json [--max-abs X] [--label-a NAME] [--label-b NAME]";

await runMain(usage, async () => {
  const args = parseArgs(process.argv.slice(2), {
    a: str(), b: str(), "max-abs": str("none"), "label-a": str("a"), "label-b": str("b"),
  });
  const result = { a: args["label-a"], b: args["label-b"], ...compareLogits(readLogits(args.a), readLogits(args.b)) };
  process.stdout.write(JSON.stringify(result) + "\n");
  if (args["max-abs"] !== "none") {
    const bound = Number(args["max-abs"]);
    if (!Number.isFinite(bound)) throw new Error(`--max-abs must be a number, got '${args["max-abs"]}'`);
    if (result.max_abs_diff > bound) process.exit(1);
  }
});
