#!/usr/bin/env bash
# Side by side: our engine against llama.cpp (node-llama-cpp's prebuilt CPU build) on one GGUF model.
#  1. logits: `tensorcash logits` and logits.mjs on the same token ids; prints max abs/rel diff and
#     argmax agreement (diff-logits.mjs).
#  2. speed: `tensorcash bench` and bench.mjs at the same thread count, one after the other in this
#     run; prints prefill and decode tok/s and the ours/llama.cpp ratio.
#
# usage: bench/llamacpp/compare.sh --model M.gguf --tensorcash CMD [--threads N] [--tokens 1,2,3]
#            [--prompt P] [--gen G] [--repeat R] [--max-abs X] [--kv-type f32|f16] [--skip-bench]
#   CMD is how to start our CLI, e.g. "artifacts/bin/tensorcash" or
#   "dotnet managed/TensorCash.Cli/bin/Release/net10.0/tensorcash.dll" (split on spaces).
#
# What this expects from our CLI (keep run_ours_* below in step with the CLI):
#   tensorcash logits --model M --tokens 1,2,3 --threads N          -> {"vocab":V,"logits":[[...]]}
#   tensorcash bench --model M --threads N --prompt-tokens P --gen-tokens G --json -> a JSON object with
#                                                                     prefill_tok_s and decode_tok_s
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
model="" tensorcash="" threads=1 tokens="" prompt=128 gen=32 repeat=3 max_abs="none" kv_type=f32 skip_bench=0

die() { echo "compare.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) model="${2:?}"; shift 2 ;;
    --tensorcash) tensorcash="${2:?}"; shift 2 ;;
    --threads) threads="${2:?}"; shift 2 ;;
    --tokens) tokens="${2:?}"; shift 2 ;;
    --prompt) prompt="${2:?}"; shift 2 ;;
    --gen) gen="${2:?}"; shift 2 ;;
    --repeat) repeat="${2:?}"; shift 2 ;;
    --max-abs) max_abs="${2:?}"; shift 2 ;;
    --kv-type) kv_type="${2:?}"; shift 2 ;;
    --skip-bench) skip_bench=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -n "$model" ]] || die "--model is required"
[[ -f "$model" ]] || die "model file not found: $model"
model="$(realpath "$model")" # the llama.cpp steps run from $here
[[ -n "$tensorcash" ]] || die "--tensorcash is required (the command that starts our CLI)"
[[ -d "$here/node_modules/node-llama-cpp" ]] || die "run 'npm install' in $here first"
read -r -a tc <<<"$tensorcash"

# Default ids: fixed, spread over the vocabulary, the same ones bench.mjs derives its prompts from.
if [[ -z "$tokens" ]]; then
  tokens=$(node "$here/default-tokens.mjs" --model "$model") || die "could not pick default tokens for $model"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run_ours_logits() { "${tc[@]}" logits --model "$model" --tokens "$tokens" --threads "$threads"; }
run_ours_bench() { "${tc[@]}" bench --model "$model" --threads "$threads" --prompt-tokens "$prompt" --gen-tokens "$gen" --json; }

echo "== logits: $(basename "$model"), tokens $tokens"
run_ours_logits >"$work/ours.json" || die "'$tensorcash logits' failed"
(cd "$here" && node logits.mjs --model "$model" --tokens "$tokens" --threads "$threads" --kv-type "$kv_type") >"$work/llama.json"
diff_status=0
node "$here/diff-logits.mjs" --a "$work/ours.json" --b "$work/llama.json" --label-a tensorcash --label-b llama.cpp \
  --max-abs "$max_abs" || diff_status=$?

if [[ $skip_bench -eq 0 ]]; then
  echo "== speed: $threads thread(s), prompt $prompt, decode $gen"
  run_ours_bench >"$work/ours-bench.json" || die "'$tensorcash bench' failed"
  (cd "$here" && node bench.mjs --model "$model" --threads "$threads" --prompt "$prompt" --gen "$gen" \
    --repeat "$repeat" --kv-type "$kv_type") >"$work/llama-bench.json"
  node "$here/side-by-side.mjs" --ours "$work/ours-bench.json" --llama "$work/llama-bench.json"
fi
exit $diff_status
