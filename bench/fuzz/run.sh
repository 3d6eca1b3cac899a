#!/usr/bin/env bash
# Coverage-guided fuzzing of one TensorCash parser with AFL++ and SharpFuzz (issue 12, item 6).
#
#   bench/fuzz/run.sh TARGET SECONDS      e.g. bench/fuzz/run.sh transaction 300
#   bench/fuzz/run.sh --list
#
# Installs what is missing (afl++ from Debian; the SharpFuzz.CommandLine 2.3.0 dotnet tool under bench/fuzz/.tools),
# publishes bench/TensorCash.Fuzz into bench/fuzz/out/bin, instruments the TensorCash assemblies, runs afl-fuzz for
# SECONDS from the checked-in corpus (tests/TensorCash.Tests/fixtures/fuzz-corpus/TARGET), then minimizes the
# corpus plus AFL's queue with afl-cmin into bench/fuzz/out/TARGET/min. With KEEP=1 the minimized set replaces the
# checked-in corpus's q-*.bin (the seeds, seed-*.bin, always stay; queue entries are named q-<sha256 prefix>.bin). Crashes and hangs
# stay in bench/fuzz/out/TARGET/afl/default/{crashes,hangs}; replay one with
#   dotnet bench/fuzz/out/bin/TensorCash.Fuzz.dll TARGET FILE
# The AFL random seed is fixed (-s 1); the run is still timing-dependent, so executions vary between runs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$here/out"
bin="$out/bin"
tools="$here/.tools"
sharpfuzz_version=2.3.0

if [[ "${1:-}" == "--list" ]]; then
  dotnet run --project "$repo/bench/TensorCash.Fuzz" -c Release -- --list
  exit 0
fi
if [[ $# -ne 2 ]]; then
  echo "usage: $0 TARGET SECONDS   (or $0 --list)" >&2
  exit 2
fi
target="$1"
seconds="$2"
corpus="$repo/tests/TensorCash.Tests/fixtures/fuzz-corpus/$target"
[[ -d "$corpus" ]] || { echo "no corpus folder $corpus (run --list for the targets)" >&2; exit 2; }

# 1. AFL++ from Debian's packages.
if ! command -v afl-fuzz >/dev/null; then
  sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends afl++
fi

# 2. The SharpFuzz instrumenter, as a dotnet tool local to this folder.
if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools"
fi

# 3. Publish the driver afresh (instrumenting twice fails), 4. instrument our assemblies (not the harness itself).
if [[ "${SKIP_PUBLISH:-0}" != 1 || ! -f "$bin/TensorCash.Fuzz.dll" ]]; then
  rm -rf "$bin"
  dotnet publish "$repo/bench/TensorCash.Fuzz" -c Release -o "$bin" --nologo -v quiet
  for dll in TensorCash.Chain TensorCash.Proof TensorCash.Engine TensorCash.Node; do
    "$tools/sharpfuzz" "$bin/$dll.dll"
  done
fi

# 5. Fuzz. SharpFuzz's fork server speaks the classic AFL protocol over stdin; dotnet is not an AFL binary, hence
# AFL_SKIP_BIN_CHECK. The machine is shared: no CPU pinning, and no core_pattern/governor checks.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_FORKSRV_INIT_TMOUT=60000 AFL_IGNORE_PROBLEMS=1
run="$out/$target"
rm -rf "$run"
mkdir -p "$run"
timeout_ms="${AFL_TIMEOUT_MS:-2000}"
afl-fuzz -i "$corpus" -o "$run/afl" -s 1 -t "$timeout_ms" -m none -V "$seconds" -- dotnet "$bin/TensorCash.Fuzz.dll" "$target" \
  > "$run/afl-fuzz.log" 2>&1 || { tail -40 "$run/afl-fuzz.log"; exit 1; }
stats="$run/afl/default/fuzzer_stats"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|edges_found|total_edges|saved_crashes|saved_hangs|stability) ' "$stats" | tee "$run/summary.txt"

# 6. Minimize the old corpus plus the new queue.
mkdir -p "$run/all"
cp "$corpus"/* "$run/all/"
for f in "$run/afl/default/queue"/id:*; do
  # the queue starts with copies of the corpus (",orig:" in the name), already in all/
  [[ -f "$f" && "$f" != *",orig:"* ]] && cp "$f" "$run/all/q-$(sha256sum "$f" | cut -c1-16).bin"
done
afl-cmin -i "$run/all" -o "$run/min" -t "$((timeout_ms * 5))" -m none -- "$(command -v dotnet)" "$bin/TensorCash.Fuzz.dll" "$target" > "$run/afl-cmin.log" 2>&1 \
  || { tail -20 "$run/afl-cmin.log"; exit 1; }
echo "corpus: $(ls "$corpus" | wc -l) checked in, $(ls "$run/all" | wc -l) with the queue, $(ls "$run/min" | wc -l) after afl-cmin" | tee -a "$run/summary.txt"
echo "crashes: $(ls "$run/afl/default/crashes" | grep -c '^id' || true), hangs: $(ls "$run/afl/default/hangs" | grep -c '^id' || true)" | tee -a "$run/summary.txt"

if [[ "${KEEP:-0}" == 1 ]]; then
  # The seeds stay (readable, valid examples); the fuzzer's part is replaced by the minimized set.
  rm -f "$corpus"/q-*.bin
  find "$run/min" -name 'q-*.bin' -exec cp {} "$corpus/" \;
  echo "$corpus: seeds kept, $(ls "$corpus" | grep -c '^q-' || true) minimized queue entries"
fi
