#!/usr/bin/env bash
# Issue 16 part 2: our AVX2 and AVX-512 kernel tables and llama.cpp, side by side, interleaved on the same model.
# Each repetition runs `tensorcash bench --isa avx2 avx512` (both tables in one process, one run each) and then
# bench.mjs (llama.cpp, its prebuilt CPU build picks its best variant for this CPU, AVX-512 included); the medians
# over the repetitions and the ratios ours/llama.cpp are printed as a markdown table. Run on a machine with AVX-512.
#
# usage: bench/cpu/compare-isa-llamacpp.sh --model M.gguf [--threads N] [--prompt P] [--gen G] [--repeat R]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
model="" threads=2 prompt=128 gen=32 repeat=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) model="${2:?}"; shift 2 ;;
    --threads) threads="${2:?}"; shift 2 ;;
    --prompt) prompt="${2:?}"; shift 2 ;;
    --gen) gen="${2:?}"; shift 2 ;;
    --repeat) repeat="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "compare-isa-llamacpp.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "$model" ]] || { echo "compare-isa-llamacpp.sh: --model is required" >&2; exit 2; }
model="$(realpath "$model")"  # bench.mjs runs in bench/llamacpp
tc="$repo/managed/TensorCash.Cli/bin/Release/net10.0/tensorcash"
[[ -x "$tc" ]] || { echo "compare-isa-llamacpp.sh: build the CLI first (dotnet build -c Release)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for ((r = 1; r <= repeat; r++)); do
  echo "== repetition $r of $repeat" >&2
  "$tc" bench --model "$model" --threads "$threads" --prompt-tokens "$prompt" --gen-tokens "$gen" --bandwidth-mib 64 \
    --isa avx2 avx512 --json >"$work/ours-$r.json"
  (cd "$repo/bench/llamacpp" && node bench.mjs --model "$model" --threads "$threads" --prompt "$prompt" --gen "$gen" \
    --repeat 1) >"$work/llama-$r.json"
done

node - "$work" "$repeat" <<'JS'
const fs = require("fs");
const [dir, repeat] = [process.argv[2], Number(process.argv[3])];
const median = (v) => { const s = [...v].sort((a, b) => a - b); const h = s.length >> 1; return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2; };
const runs = { avx2: { p: [], d: [] }, avx512: { p: [], d: [] }, llama: { p: [], d: [] } };
for (let r = 1; r <= repeat; r++) {
  const ours = JSON.parse(fs.readFileSync(`${dir}/ours-${r}.json`, "utf8"));
  for (const i of ours.isa) { runs[i.isa].p.push(i.prefill_tok_s); runs[i.isa].d.push(i.decode_tok_s); }
  const l = JSON.parse(fs.readFileSync(`${dir}/llama-${r}.json`, "utf8"));
  runs.llama.p.push(l.prefill_tok_s); runs.llama.d.push(l.decode_tok_s);
  if (r === 1) console.log(`llama.cpp: ${l.build.cpu_features}`);
}
const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, { p: median(v.p), d: median(v.d) }]));
const f = (x) => x.toFixed(2);
console.log("| metric | ours AVX2 | ours AVX-512 | llama.cpp | AVX-512/AVX2 | AVX2/llama.cpp | AVX-512/llama.cpp |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [name, key] of [["prefill tok/s", "p"], ["decode tok/s", "d"]])
  console.log(`| ${name} (median of ${repeat}) | ${f(m.avx2[key])} | ${f(m.avx512[key])} | ${f(m.llama[key])} | ` +
    `**${f(m.avx512[key] / m.avx2[key])}** | **${f(m.avx2[key] / m.llama[key])}** | **${f(m.avx512[key] / m.llama[key])}** |`);
for (const [k, v] of Object.entries(runs)) console.log(`runs ${k}: prefill [${v.p.map(f).join(", ")}] decode [${v.d.map(f).join(", ")}]`);
JS
