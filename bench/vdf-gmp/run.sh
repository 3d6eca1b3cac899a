#!/usr/bin/env bash
# Managed BigInteger against GMP on the VDF's squaring loop (issue 14): the same NUDUPL algorithm, the same
# discriminant, the same T, run side by side in one invocation (managed, GMP, managed, GMP), results cross-checked.
# Needs libgmp-dev (installed here if missing). Usage: bench/vdf-gmp/run.sh [BITS] [T] [SEED_HEX]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bits="${1:-1024}"; ticks="${2:-5000}"
seed="${3:-0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20}"
if [ ! -e /usr/include/gmp.h ] && [ ! -e /usr/include/x86_64-linux-gnu/gmp.h ]; then
  apt-get install -y libgmp-dev >/dev/null
fi
out="$(mktemp -d)"
gcc -O2 -o "$out/nudupl_gmp" "$here/nudupl_gmp.c" -lgmp
dotnet build -c Release -v q -o "$out/probe" "$here/TensorCash.VdfProbe" >/dev/null
for round in 1 2; do
  "$out/probe/TensorCash.VdfProbe" "$seed" "$bits" "$ticks" > "$out/managed.txt"
  D="$(sed -n 's/^D=//p' "$out/managed.txt")"
  "$out/nudupl_gmp" "$D" "$ticks" > "$out/gmp.txt"
  ma="$(sed -n 's/^managed a=//p' "$out/managed.txt")"; mb="$(sed -n 's/^managed b=//p' "$out/managed.txt")"
  ga="$(sed -n 's/^gmp a=//p' "$out/gmp.txt")"; gb="$(sed -n 's/^gmp b=//p' "$out/gmp.txt")"
  [ "$ma" = "$ga" ] && [ "$mb" = "$gb" ] || { echo "round $round: results differ: the port is wrong" >&2; exit 1; }
  m="$(sed -n 's/.*squarings_per_s=//p' "$out/managed.txt")"; g="$(sed -n 's/.*squarings_per_s=//p' "$out/gmp.txt")"
  echo "round $round: bits=$bits T=$ticks managed=$m/s gmp=$g/s gmp/managed=$(awk "BEGIN{printf \"%.2f\", $g/$m}") (results equal)"
done
rm -rf "$out"
