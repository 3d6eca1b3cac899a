#!/usr/bin/env bash
# Times `tensorcash demo` for two builds side by side, alternating, a fresh --datadir each run.
#   usage: bench/demo-time.sh BEFORE_TENSORCASH AFTER_TENSORCASH [RUNS]
# Prints wall time per run, the demo's own clock, and builtin:small's reply timings when the build has them.
set -u
before="${1:?before binary}" after="${2:?after binary}" runs="${3:-2}"
for ((i = 1; i <= runs; i++)); do
  for which in before after; do
    bin=$before; [[ $which == after ]] && bin=$after
    dir="$(mktemp -d)/demo" out="$(mktemp)"
    start=$(date +%s%N); "$bin" demo --datadir "$dir" >"$out" 2>&1; rc=$?; end=$(date +%s%N)
    echo "demo $which run $i: rc $rc, wall $(((end - start) / 1000000)) ms; demo's clock $(grep -o '([0-9.]* s)' "$out" | tail -1);" \
         "$(grep -o 'loaded in [0-9]* ms, [0-9]* tokens in [0-9]* ms' "$out")"
    rm -rf "$(dirname "$dir")" "$out"
  done
done
