#!/usr/bin/env node
// Prints two bench results (ours, llama.cpp) as a markdown table with the ours/llama.cpp ratio.
// Each input is a file whose last non-empty line is a JSON object with prefill_tok_s and decode_tok_s.
import fs from "node:fs";
import { parseArgs, runMain, str } from "./args.mjs";

const usage = "usage: node side-by-side.mjs --ours OURS.json --llama LLAMA.json";

function readBench(file, who) {
  const lines = fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter(Boolean);
  let result;
  try {
    result = JSON.parse(lines.at(-1) ?? "");
  } catch {
    throw new Error(`${who} bench output (${file}) does not end with a JSON line`);
  }
  for (const field of ["prefill_tok_s", "decode_tok_s"])
    if (typeof result[field] !== "number") throw new Error(`${who} bench output (${file}) has no numeric '${field}'`);
  return result;
}

await runMain(usage, async () => {
  const args = parseArgs(process.argv.slice(2), { ours: str(), llama: str() });
  const ours = readBench(args.ours, "tensorcash");
  const llama = readBench(args.llama, "llama.cpp");
  const row = (label, field) =>
    `| ${label} | ${ours[field].toFixed(1)} | ${llama[field].toFixed(1)} | ${(ours[field] / llama[field]).toFixed(2)} |`;
  process.stdout.write(
    [
      `threads: ours ${ours.threads ?? "?"}, llama.cpp ${llama.threads ?? "?"}; prompt ${llama.prompt_tokens} tokens, decode ${llama.gen_tokens} tokens`,
      "",
      "| metric | tensorcash | llama.cpp | ours/llama.cpp |",
      "| --- | ---: | ---: | ---: |",
      row("prefill tok/s", "prefill_tok_s"),
      row("decode tok/s", "decode_tok_s"),
      "",
    ].join("\n"),
  );
});
