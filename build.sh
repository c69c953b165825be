#!/usr/bin/env bash
# Set-up and build entry point. Every command first makes sure the local ONNX Runtime feed exists (idempotent).
#
#   ./build.sh test [dotnet test args]   build everything and run the test suite (what CI runs)
#   ./build.sh run [model-dir] [text ...] the main job: extract facts (default: a generated demo model, random weights)
#   ./build.sh pack                      pack the SynthIE.Inference NuGet package into artifacts/packages
#   ./build.sh setup                     only build the local ONNX Runtime feed (.feed/)
#
# Environment: SYNTHIE_ORT=gpu builds the feed's GPU packages and builds tests, samples and tools against
# Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime (CPU, the default).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

ort=${SYNTHIE_ORT:-cpu}
case "$ort" in
  cpu) feed_args=() ;;
  gpu) feed_args=(--gpu) ;;
  *) echo "build.sh: SYNTHIE_ORT must be 'cpu' or 'gpu', not '$ort'" >&2; exit 2 ;;
esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null 2>&1 || { echo "build.sh: the .NET SDK 10 is required (dotnet not found on PATH)" >&2; exit 1; }

setup() { "$root/eng/onnxruntime/setup-feed.sh" "${feed_args[@]}"; }

# transformers.js (pinned in tests/js/package-lock.json), the independent greedy reference the tests compare against.
js_harness() {
  local dir="$root/tests/js"
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "build.sh: npm is required for the tests (Node.js 20+)" >&2; exit 1; }
  echo "build.sh: installing the transformers.js test harness (tests/js) ..."
  (cd "$dir" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error) \
    || { echo "build.sh: npm ci in tests/js failed" >&2; exit 1; }
}
msbuild_props=(-p:SynthIEOrt="$ort")

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  setup)
    setup ;;
  test)
    setup
    js_harness
    dotnet build SynthIE.Inference.sln -c Release "${msbuild_props[@]}" --nologo -v quiet -clp:ErrorsOnly
    dotnet test SynthIE.Inference.sln -c Release "${msbuild_props[@]}" --no-build --nologo "$@" ;;
  run)
    setup
    if [ $# -gt 0 ] && [ -d "$1" ]; then
      model=$1; shift
    else
      # No model given: a generated tiny T5 with the demo world (random weights), made once into .models/demo.
      model="$root/.models/demo"
      if [ ! -f "$model/synthie.json" ]; then
        dotnet run --project src/SynthIE.Inference.Cli -c Release "${msbuild_props[@]}" -- \
          models make-test --output "$model" --demo-world --overwrite
      fi
      echo "build.sh: demo model $model — its weights are RANDOM, so the facts below are meaningless;"
      echo "          pass an exported SynthIE model directory to extract real facts: ./build.sh run <model-dir> [text ...]"
    fi
    dotnet run --project samples/QuickStart -c Release "${msbuild_props[@]}" -- "$model" "$@" ;;
  pack)
    setup
    dotnet pack src/SynthIE.Inference -c Release --nologo -o artifacts/packages ;;
  help|-h|--help)
    sed -n '2,11p' "${BASH_SOURCE[0]}" ;;
  *)
    echo "build.sh: unknown command '$cmd' (try ./build.sh help)" >&2; exit 2 ;;
esac
