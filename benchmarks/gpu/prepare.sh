#!/usr/bin/env bash
# Builds the bundle the GPU benchmark of issue 14 carries to the GPU machine (runs HERE, with the .NET SDK): see
# benchmarks/README.md, "GPU benchmark (issue 14)".
#
#   benchmarks/gpu/prepare.sh [--level N] [--part-mib N] [--keep-build]
#
# 1. publishes benchmarks/SynthIE.Inference.Benchmarks self-contained for linux-x64 against the GPU ONNX Runtime
#    package (-p:SynthIEOrt=gpu: Microsoft.ML.OnnxRuntime.Gpu.Linux, CUDA 13, cuDNN 9), with its own build folders
#    (.gpu-bundle/build), so the usual CPU build outputs are left alone;
# 2. adds the shared data the benchmark reads (REBEL sample, T5 tokenizer files, the SynthIE catalog; the shared folder
#    beside the checkout does not travel to the device machine);
# 3. packs app/ and shared/ into one zstd-compressed tar split into parts small enough that one part plus the working
#    tree stays under the 64 MiB a device call carries (at most 60 MiB), with parts.sha256, and copies this machine's
#    zstd binary beside them (in case the device machine has no zstd);
# 4. prints the sizes and the exact sequence of device calls (carry lists).
# Everything goes to .gpu-bundle/ (git-ignored).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
bundle=.gpu-bundle
level=19 part_mib=auto keep_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --level) level=$2; shift ;;
    --part-mib) part_mib=$2; shift ;;
    --keep-build) keep_build=1 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "prepare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
command -v dotnet >/dev/null || { echo "prepare.sh: the .NET SDK is required" >&2; exit 1; }
command -v zstd >/dev/null || { echo "prepare.sh: zstd is required (apt-get install zstd)" >&2; exit 1; }
shared=${SYNTHIE_SHARED_DIR:-$root/../shared}
[ -f "$shared/data/rebel-sample/sample.jsonl" ] || { echo "prepare.sh: no shared data at $shared (set SYNTHIE_SHARED_DIR)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

rm -rf "$bundle/stage" "$bundle/parts" "$bundle/app.tar.zst" "$bundle/parts.sha256" "$bundle/zstd"
mkdir -p "$bundle/stage/shared/data" "$bundle/parts"
start=$(date +%s)
echo "== publishing the benchmark app (linux-x64, self-contained, GPU ONNX Runtime) ..."
dotnet publish benchmarks/SynthIE.Inference.Benchmarks -c Release -r linux-x64 --self-contained -p:SynthIEOrt=gpu \
  --artifacts-path "$bundle/build" -o "$bundle/stage/app" --nologo -v quiet -clp:ErrorsOnly
for lib in libonnxruntime.so libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so SynthIE.Inference.Benchmarks; do
  [ -e "$bundle/stage/app/$lib" ] || { echo "prepare.sh: the published app lacks $lib" >&2; exit 1; }
done
[ $keep_build -eq 1 ] || rm -rf "$bundle/build"

echo "== adding the shared data the benchmark reads ..."
for f in rebel-sample/sample.jsonl t5-tokenizer/spiece.model t5-tokenizer/tokenizer.json t5-tokenizer/tokenizer_config.json \
         t5-tokenizer/special_tokens_map.json synthie/prefix-allowed-cases.json; do
  mkdir -p "$bundle/stage/shared/data/$(dirname "$f")"
  cp "$shared/data/$f" "$bundle/stage/shared/data/$f"
done

# What travels with every call besides the carried files: tracked and untracked-not-ignored files (and shared/ inside
# the checkout, if any).
tree_bytes=$( (git ls-files -co --exclude-standard -z; if [ -d shared ]; then find shared -type f -print0; fi) | du -cb --files0-from=- | tail -1 | cut -f1)
zstd_bytes=$(stat -c %s "$(command -v zstd)")
if [ "$part_mib" = auto ]; then
  # 64 MiB per call = working tree + parts.sha256 + zstd (first call) + one part, with 1 MiB to spare
  part_mib=$(( (64 * 1048576 - tree_bytes - zstd_bytes - 1048576) / 1048576 ))
  [ $part_mib -gt 60 ] && part_mib=60
fi
[ "$part_mib" -ge 8 ] || { echo "prepare.sh: the working tree ($(mib "$tree_bytes")) leaves no room for parts" >&2; exit 1; }

echo "== compressing (zstd -$level) ..."
app_bytes=$(du -sb "$bundle/stage/app" | cut -f1)
natives_bytes=$(du -cb "$bundle"/stage/app/libonnxruntime*.so | tail -1 | cut -f1)
tar -C "$bundle/stage" -cf - app shared | zstd -q -"$level" -T0 -o "$bundle/app.tar.zst"
(cd "$bundle" && split -b "${part_mib}M" -d -a 2 app.tar.zst parts/app.tar.zst.)
(cd "$bundle" && sha256sum parts/* > parts.sha256)
cp "$(command -v zstd)" "$bundle/zstd"
compressed_bytes=$(stat -c %s "$bundle/app.tar.zst")
rm -f "$bundle/app.tar.zst"
rm -rf "$bundle/stage"

mapfile -t parts < <(cd "$bundle" && ls parts/)
echo
echo "== sizes (measured $(date -u +%Y-%m-%d))"
echo "published app:            $(mib "$app_bytes") (ONNX Runtime natives $(mib "$natives_bytes"))"
echo "compressed app + data:    $(mib "$compressed_bytes") (zstd -$level), ${#parts[@]} parts of at most $part_mib MiB"
echo "working tree per call:    $(mib "$tree_bytes"); zstd binary $(mib "$zstd_bytes")"
echo "prepared in $(( $(date +%s) - start )) s"
echo
echo "== device calls, back to back (the machine is given back after about 30 s idle, and the parts with it):"
n=${#parts[@]}
for i in "${!parts[@]}"; do
  part="$bundle/parts/${parts[$i]}"
  carry="\"$bundle/parts.sha256\", \"$part\""
  bytes=$(( tree_bytes + $(stat -c %s "$part") ))
  if [ "$i" -eq 0 ]; then carry="$carry, \"$bundle/zstd\""; bytes=$(( bytes + zstd_bytes )); fi
  if [ "$i" -lt $(( n - 1 )) ]; then
    echo "  $((i + 1)). run(command=\"bash benchmarks/gpu/device-run.sh --receive\", carry=[$carry], timeout_s=120)   # $(mib $bytes)"
  else
    echo "  $((i + 1)). run(command=\"bash benchmarks/gpu/device-run.sh --budget 450\", carry=[$carry], timeout_s=540)   # $(mib $bytes)"
  fi
done
echo "  rerun if rows were skipped and device time is left (machine still warm, nothing carried): run(command=\"bash benchmarks/gpu/device-run.sh --budget 150 --models large --no-cpu\", timeout_s=200); then give_back"
