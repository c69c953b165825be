#!/usr/bin/env bash
# Set-up and build entry point. ONNX Runtime and every other .NET dependency come from nuget.org through restore.
#
#   ./build.sh test [dotnet test args]   install what the tests need, build everything, run the test suite (what CI runs)
#   ./build.sh run [model-dir] [text ...] the main job: extract facts (default: the demo model trained here, see models/README.md)
#   ./build.sh pack                      pack the NuGet packages (SynthIE.Inference, SynthIE.Inference.Evaluation, the synthie tool) into artifacts/packages
#   ./build.sh setup                     only install what the tests need (Debian packages, transformers.js harness)
#
# Environment: SYNTHIE_ORT=gpu builds tests, samples and tools against Microsoft.ML.OnnxRuntime.Gpu.Linux (CUDA 13,
# cuDNN 9) instead of Microsoft.ML.OnnxRuntime (CPU, the default).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"

ort=${SYNTHIE_ORT:-cpu}
case "$ort" in
  cpu|gpu) ;;
  *) echo "build.sh: SYNTHIE_ORT must be 'cpu' or 'gpu', not '$ort'" >&2; exit 2 ;;
esac
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null 2>&1 || { echo "build.sh: the .NET SDK 10 is required (dotnet not found on PATH)" >&2; exit 1; }

# Debian packages the tests use, installed when missing. Tests call Debian's /usr/bin/python3 by its full path (a python3
# earlier on PATH may not see Debian's modules):
#   python3-sentencepiece, sentencepiece: Google's reference tokenizer (Python binding and spm_encode), an oracle for ours;
#   python3-torch: builds fake SynthIE checkpoints for the export script's tests (about 45 s, 150 MB);
#   libopenblas0-pthread: a fast BLAS for that torch (Debian's default reference BLAS is ~40x slower).
debian_packages() {
  local missing=()
  /usr/bin/python3 -c 'import sentencepiece' 2>/dev/null || missing+=(python3-sentencepiece)
  command -v spm_encode >/dev/null 2>&1 || missing+=(sentencepiece)
  /usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || missing+=(libopenblas0-pthread)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "build.sh: the tests need the Debian packages ${missing[*]}; install them as root" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "build.sh: installing the Debian packages the tests use: ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || { echo "build.sh: apt-get update failed" >&2; exit 1; }
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "build.sh: apt-get install ${missing[*]} failed" >&2; exit 1; }
}

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
# kubernetes-models (pinned in tests/scheduler/k8s/package-lock.json): the Kubernetes API schemas the bulk-extraction
# manifests are validated against (docs/bulk-extraction/kubernetes).
k8s_check() {
  local dir="$root/tests/scheduler/k8s"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "build.sh: npm ci in tests/scheduler/k8s failed" >&2; exit 1; }
  fi
  node "$dir/validate.mjs"
}

# The Slurm array test needs root (slurmd runs jobs as their user); it installs slurm-wlm and munge when missing.
slurm_test() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "build.sh: the Slurm array test needs root; run tests/scheduler/slurm-array-test.sh as root (not run now)"
    return 0
  fi
  "$root/tests/scheduler/slurm-array-test.sh"
}
msbuild_props=(-p:SynthIEOrt="$ort")

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  setup)
    debian_packages
    js_harness ;;
  test)
    debian_packages
    js_harness
    dotnet build SynthIE.Inference.sln -c Release "${msbuild_props[@]}" --nologo -v quiet -clp:ErrorsOnly
    dotnet test SynthIE.Inference.sln -c Release "${msbuild_props[@]}" --no-build --nologo "$@"
    if [ $# -eq 0 ]; then   # the whole suite: also the scheduler recipes (docs/bulk-extraction)
      k8s_check
      slurm_test
    fi ;;
  run)
    if [ $# -gt 0 ] && [ -d "$1" ]; then
      model=$1; shift
    else
      # No model given: the demo model (a small T5 trained here on templated sentences about the demo world; not
      # SynthIE), written into .models/demo from the committed weights, again whenever the weights file changes.
      model="$root/.models/demo"
      weights="$root/models/demo/synthie-demo.weights"
      if [ ! -f "$model/synthie.json" ] || [ "$weights" -nt "$model/synthie.json" ]; then
        dotnet run --project src/SynthIE.Inference.Cli -c Release "${msbuild_props[@]}" -- \
          models demo --output "$model" --overwrite
      fi
      echo "build.sh: demo model $model — a small T5 trained in this repository on templated sentences about ~480 entities;"
      echo "          it is not SynthIE and only handles similar sentences. For real use: ./build.sh run <exported-synthie-model-dir> [text ...]"
    fi
    dotnet run --project samples/QuickStart -c Release "${msbuild_props[@]}" -- "$model" "$@" ;;
  pack)
    dotnet pack src/SynthIE.Inference -c Release --nologo -o artifacts/packages
    dotnet pack src/SynthIE.Inference.Evaluation -c Release --nologo -o artifacts/packages
    dotnet pack src/SynthIE.Inference.Cli -c Release --nologo -o artifacts/packages ;;
  help|-h|--help)
    sed -n '2,10p' "${BASH_SOURCE[0]}" ;;
  *)
    echo "build.sh: unknown command '$cmd' (try ./build.sh help)" >&2; exit 2 ;;
esac
