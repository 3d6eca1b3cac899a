#!/usr/bin/env bash
# The issue-2 CPU comparison in one command: builds the CLI, generates the benchmark models (a
# Llama-shaped random model of ~156M parameters: 623 MB as F32, 311 MB as BF16), and runs
# bench/llamacpp/compare.sh on each at the same thread count, so every ratio comes from one run.
#
# usage: bench/cpu/compare-llamacpp.sh [--threads N] [--prompt P] [--gen G] [--models DIR]
# Results: paste the printed tables into bench/results/cpu-vs-llamacpp.md with the date and machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
threads=2 prompt=128 gen=32 models="$repo/build/bench-models"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="${2:?}"; shift 2 ;;
    --prompt) prompt="${2:?}"; shift 2 ;;
    --gen) gen="${2:?}"; shift 2 ;;
    --models) models="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "compare-llamacpp.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

echo "== building tensorcash (Release)" >&2
dotnet build -c Release "$repo/managed/TensorCash.Cli" -v q -nologo >&2
tc="$repo/managed/TensorCash.Cli/bin/Release/net10.0/tensorcash"
[[ -d "$repo/bench/llamacpp/node_modules/node-llama-cpp" ]] || (cd "$repo/bench/llamacpp" && npm install --no-audit --no-fund >&2)

mkdir -p "$models"
shape=(--arch llama --layers 8 --d-model 1024 --heads 16 --kv-heads 4 --head-dim 64 --ff 2816 --vocab 32000
       --context 2048 --rope-theta 500000 --rms-eps 1e-5 --seed 42)
for dtype in f32 bf16; do
  file="$models/bench-156m-$dtype.gguf"
  [[ -s "$file" ]] || "$tc" model random --out "$file" --dtype "$dtype" "${shape[@]}" >&2
done

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; date: $(date -u +%F)"
for dtype in f32 bf16; do
  echo
  echo "### $dtype ($(du -h "$models/bench-156m-$dtype.gguf" | cut -f1)), $threads threads"
  "$repo/bench/llamacpp/compare.sh" --model "$models/bench-156m-$dtype.gguf" --tensorcash "$tc" \
    --threads "$threads" --prompt "$prompt" --gen "$gen" || true
done
