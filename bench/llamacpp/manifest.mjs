#!/usr/bin/env node
// Reads tests/TensorCash.Tests/fixtures/llamacpp/models.json: the tiny models whose llama.cpp logits
// become test fixtures ("models", built by our generator) and the model files the repository ships ("shipped",
// e.g. builtin:small's GGUF, by path from the repository root). As a command it feeds make-fixtures.sh:
//   node manifest.mjs names --manifest M            one generated model name per line
//   node manifest.mjs shipped --manifest M          one shipped model per line: name, a tab, its path
//   node manifest.mjs generator-args --manifest M --name N
//                                                   the generator's flags for that model, one per line
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs, runMain, str, UsageError } from "./args.mjs";

const SHAPE_FIELDS = ["layers", "d_model", "heads", "kv_heads", "head_dim", "ff", "vocab", "context", "seed"];
const ARCHES = ["llama", "qwen2"];
const DTYPES = ["f32", "f16", "bf16", "q8_0"];

function validateEntry(entry, file) {
  const where = `${file}: model '${entry.name ?? "?"}'`;
  if (typeof entry.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(entry.name)) throw new Error(`${where}: 'name' must be a file-safe string`);
  for (const f of SHAPE_FIELDS)
    if (!Number.isInteger(entry[f]) || entry[f] < (f === "seed" ? 0 : 1)) throw new Error(`${where}: '${f}' must be a positive integer`);
  if (!ARCHES.includes(entry.arch)) throw new Error(`${where}: 'arch' must be one of ${ARCHES.join(", ")}`);
  if (!DTYPES.includes(entry.dtype)) throw new Error(`${where}: 'dtype' must be one of ${DTYPES.join(", ")}`);
  if (entry.heads % entry.kv_heads !== 0) throw new Error(`${where}: 'heads' must be a multiple of 'kv_heads'`);
  if (typeof entry.tied !== "boolean") throw new Error(`${where}: 'tied' must be true or false`);
  for (const f of ["rope_theta", "rms_eps", "max_abs"])
    if (typeof entry[f] !== "number" || !(entry[f] > 0)) throw new Error(`${where}: '${f}' must be a positive number`);
  if (entry.rope_scaling_llama3 !== undefined) {
    const r = entry.rope_scaling_llama3;
    const ok = r && ["factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"].every((k) => typeof r[k] === "number" && r[k] > 0);
    if (!ok || !(r.high_freq_factor > r.low_freq_factor) || !Number.isInteger(r.original_max_position_embeddings))
      throw new Error(`${where}: 'rope_scaling_llama3' needs positive factor, low_freq_factor < high_freq_factor and an integer original_max_position_embeddings`);
  }
  if (!Array.isArray(entry.tokens) || entry.tokens.length === 0 || entry.tokens.some((t) => !Number.isInteger(t) || t < 0 || t >= entry.vocab))
    throw new Error(`${where}: 'tokens' must be a non-empty list of ids below vocab ${entry.vocab}`);
}

function validateShipped(entry, file) {
  const where = `${file}: shipped model '${entry.name ?? "?"}'`;
  if (typeof entry.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(entry.name)) throw new Error(`${where}: 'name' must be a file-safe string`);
  if (typeof entry.path !== "string" || !entry.path.endsWith(".gguf") || entry.path.startsWith("/") || entry.path.includes(".."))
    throw new Error(`${where}: 'path' must be a .gguf path relative to the repository root`);
  if (!DTYPES.includes(entry.dtype)) throw new Error(`${where}: 'dtype' must be one of ${DTYPES.join(", ")}`);
  if (!Number.isInteger(entry.vocab) || entry.vocab < 1) throw new Error(`${where}: 'vocab' must be a positive integer`);
  if (typeof entry.max_abs !== "number" || !(entry.max_abs > 0)) throw new Error(`${where}: 'max_abs' must be a positive number`);
  if (!Array.isArray(entry.tokens) || entry.tokens.length === 0 || entry.tokens.some((t) => !Number.isInteger(t) || t < 0 || t >= entry.vocab))
    throw new Error(`${where}: 'tokens' must be a non-empty list of ids below vocab ${entry.vocab}`);
}

export function loadManifest(file) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read manifest ${file}: ${err.message}`);
  }
  if (!Array.isArray(manifest.models) || manifest.models.length === 0) throw new Error(`${file}: 'models' must be a non-empty list`);
  manifest.models.forEach((m) => validateEntry(m, file));
  manifest.shipped ??= [];
  if (!Array.isArray(manifest.shipped)) throw new Error(`${file}: 'shipped' must be a list`);
  manifest.shipped.forEach((m) => validateShipped(m, file));
  const names = [...manifest.models, ...manifest.shipped].map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`${file}: model name '${dup}' appears twice`);
  return manifest;
}

export function findModel(manifest, name, file) {
  const entry = [...manifest.models, ...manifest.shipped].find((m) => m.name === name);
  if (!entry) throw new Error(`${file}: no model named '${name}'`);
  return entry;
}

// The generator command's contract: these flags, one model per call, writes exactly one GGUF file.
export function generatorArgs(entry) {
  const args = [
    "--arch", entry.arch, "--layers", entry.layers, "--d-model", entry.d_model, "--heads", entry.heads,
    "--kv-heads", entry.kv_heads, "--head-dim", entry.head_dim, "--ff", entry.ff, "--vocab", entry.vocab,
    "--context", entry.context, "--rope-theta", entry.rope_theta, "--rms-eps", entry.rms_eps,
    "--dtype", entry.dtype, "--seed", entry.seed,
  ];
  if (entry.rope_scaling_llama3) {
    const r = entry.rope_scaling_llama3;
    args.push("--rope-scaling-llama3", [r.factor, r.low_freq_factor, r.high_freq_factor, r.original_max_position_embeddings].join(","));
  }
  if (entry.tied) args.push("--tied");
  return args.map(String);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const usage = "usage: node manifest.mjs names|shipped|generator-args --manifest FILE [--name MODEL]";
  await runMain(usage, async () => {
    const [command, ...rest] = process.argv.slice(2);
    const args = parseArgs(rest, { manifest: str(), name: str("") });
    const manifest = loadManifest(args.manifest);
    if (command === "names") process.stdout.write(manifest.models.map((m) => m.name).join("\n") + "\n");
    else if (command === "shipped") process.stdout.write(manifest.shipped.map((m) => `${m.name}\t${m.path}\n`).join(""));
    else if (command === "generator-args") process.stdout.write(generatorArgs(findModel(manifest, args.name, args.manifest)).join("\n") + "\n");
    else throw new UsageError(`unknown command '${command ?? ""}'`);
  });
}
