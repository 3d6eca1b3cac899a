#!/usr/bin/env bash
# Builds tensorcash-train and runs it with the libstdc++ shim TorchSharp needs on Debian 12 (see compat/).
# Usage: tools/TensorCash.Train/train.sh prepare|train|export ARGS...   (README.md in this folder has the full recipe)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v bible >/dev/null || { echo "error: install the corpus first: apt-get install bible-kjv bible-kjv-text" >&2; exit 2; }
dotnet build "$here/TensorCash.Train.csproj" -c Release -v q -nologo >/dev/null
bin="$here/bin/Release/net10.0"
shim="$bin/libtc_ioscompat.so"
[ -f "$shim" ] || g++ -O2 -shared -fPIC -o "$shim" "$here/compat/ios_base_library_init.cpp"
python3 "$here/compat/mark_version_weak.py" "$bin/runtimes/linux-x64/native/libLibTorchSharp.so" GLIBCXX_3.4.32 >/dev/null
LD_PRELOAD="$shim" exec dotnet "$bin/tensorcash-train.dll" "$@"
