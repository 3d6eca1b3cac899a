#!/usr/bin/env node
// Writes one llama.cpp fixture to stdout: the manifest entry, the GGUF's sha256 (so a test can
// prove our generator rebuilt the very file llama.cpp saw), the llama.cpp build and settings, and
// its logits for the entry's tokens.
import crypto from "node:crypto";
import fs from "node:fs";
import { parseArgs, runMain, str } from "./args.mjs";
import { evaluateLogits } from "./evaluate-logits.mjs";
import { logitsJson } from "./float32-json.mjs";
import { loadManifest, findModel } from "./manifest.mjs";

const usage = "usage: node write-fixture.mjs --manifest models.json --name MODEL --model FILE.gguf";

await runMain(usage, async () => {
  const args = parseArgs(process.argv.slice(2), { manifest: str(), name: str(), model: str() });
  const manifest = loadManifest(args.manifest);
  const entry = findModel(manifest, args.name, args.manifest);
  const settings = manifest.llama_cpp ?? { threads: 1, mode: "batch", kv_type: "f32" };
  const bytes = fs.readFileSync(args.model);
  const { vocab, logits, build } = await evaluateLogits(args.model, entry.tokens, {
    threads: settings.threads,
    mode: settings.mode,
    kvType: settings.kv_type,
  });
  if (vocab !== entry.vocab) throw new Error(`${args.model}: llama.cpp reports vocab ${vocab}, manifest says ${entry.vocab}`);
  const { tokens, max_abs, ...model } = entry;
  process.stdout.write(
    logitsJson(vocab, logits, {
      name: entry.name,
      model,
      gguf_sha256: crypto.createHash("sha256").update(bytes).digest("hex"),
      gguf_bytes: bytes.length,
      llama_cpp: { ...build, ...settings },
      max_abs,
      tokens,
    }) + "\n",
  );
});
