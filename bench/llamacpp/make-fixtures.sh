#!/usr/bin/env bash
# Regenerates tests/TensorCash.Tests/fixtures/llamacpp/<name>.json: for every model in models.json,
# builds the GGUF with our deterministic generator, runs it through llama.cpp (logits.mjs's
# evaluation, settings from the manifest) and writes the fixture; for every "shipped" model (a GGUF the
# repository ships, e.g. builtin:small's) it runs the file itself. The fixture records the GGUF's sha256.
#
# usage: bench/llamacpp/make-fixtures.sh --generator CMD [--only NAME]
#   CMD builds one model: it is called as
#     CMD --out FILE.gguf --arch A --layers L --d-model D --heads H --kv-heads K --head-dim HD
#         --ff F --vocab V --context C --rope-theta T --rms-eps E --dtype f32|f16|bf16|q8_0
#         --seed S [--rope-scaling-llama3 FACTOR,LOW,HIGH,ORIGINAL_CONTEXT] [--tied]
#   (flags from manifest.mjs generatorArgs). TENSORCASH_GENERATE may hold CMD instead of --generator.
#   Shipped models need no generator: `--only builtin-small` alone regenerates that one.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
fixtures="$repo/tests/TensorCash.Tests/fixtures/llamacpp"
manifest="$fixtures/models.json"
generator="${TENSORCASH_GENERATE:-}" only=""

die() { echo "make-fixtures.sh: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --generator) generator="${2:?}"; shift 2 ;;
    --only) only="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -d "$here/node_modules/node-llama-cpp" ]] || die "run 'npm install' in $here first"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mapfile -t names < <(node "$here/manifest.mjs" names --manifest "$manifest")
written=0
for name in "${names[@]}"; do
  [[ -z "$only" || "$only" == "$name" ]] || continue
  [[ -n "$generator" ]] || die "no generator for '$name': pass --generator CMD or set TENSORCASH_GENERATE (see --help)"
  read -r -a gen <<<"$generator"
  mapfile -t flags < <(node "$here/manifest.mjs" generator-args --manifest "$manifest" --name "$name")
  "${gen[@]}" --out "$work/$name.gguf" "${flags[@]}" || die "generator failed for '$name'"
  [[ -s "$work/$name.gguf" ]] || die "generator wrote no file for '$name'"
  node "$here/write-fixture.mjs" --manifest "$manifest" --name "$name" --model "$work/$name.gguf" >"$work/$name.json"
  mv "$work/$name.json" "$fixtures/$name.json"
  echo "wrote $fixtures/$name.json"
  written=$((written + 1))
done
while IFS=$'\t' read -r name path; do
  [[ -z "$only" || "$only" == "$name" ]] || continue
  [[ -s "$repo/$path" ]] || die "shipped model '$name': $repo/$path is missing"
  node "$here/write-fixture.mjs" --manifest "$manifest" --name "$name" --model "$repo/$path" >"$work/$name.json"
  mv "$work/$name.json" "$fixtures/$name.json"
  echo "wrote $fixtures/$name.json (from $path)"
  written=$((written + 1))
done < <(node "$here/manifest.mjs" shipped --manifest "$manifest")
[[ $written -gt 0 ]] || die "no model named '$only' in $manifest"
