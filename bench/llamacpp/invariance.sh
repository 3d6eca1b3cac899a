#!/usr/bin/env bash
# Which evaluation changes llama.cpp's logits, bit for bit, on one model: more threads, one token
# per llama_decode call instead of one batch, and an f16 KV cache (llama.cpp's default) instead of
# f32. Each line is diff-logits.mjs JSON against the baseline (one batch, 1 thread, f32 KV).
#
# usage: bench/llamacpp/invariance.sh --model M.gguf [--tokens 1,2,3] [--threads 2]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
model="" tokens="" threads=2
die() { echo "invariance.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) model="${2:?}"; shift 2 ;;
    --tokens) tokens="${2:?}"; shift 2 ;;
    --threads) threads="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -f "$model" ]] || die "model file not found: '$model'"
[[ -n "$tokens" ]] || tokens=$(node "$here/default-tokens.mjs" --model "$model" --count 24)

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
logits() { node "$here/logits.mjs" --model "$model" --tokens "$tokens" "$@"; }

logits --threads 1 >"$work/base.json"
logits --threads "$threads" >"$work/threads.json"
logits --threads 1 --mode sequential >"$work/sequential.json"
logits --threads 1 --kv-type f16 >"$work/kv-f16.json"
for variant in threads sequential kv-f16; do
  node "$here/diff-logits.mjs" --a "$work/base.json" --b "$work/$variant.json" \
    --label-a "batch,1 thread,f32 KV" --label-b "$variant$([[ $variant == threads ]] && echo " ($threads)")"
done
