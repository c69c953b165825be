#!/usr/bin/env bash
# Side by side, in one run on this machine: SynthIE.Inference against the alternatives, with the issue's targets.
#   1. Greedy decoding tokens/s: ours vs transformers.js 4.3.1 on Node (onnxruntime-node 1.30) over the same generated
#      flan-t5-base-shaped ONNX files, the same input token ids, the same max_new_tokens, batch 1, the same intra-op
#      thread count; model loading excluded (printed apart). Target: ours >= 1.5x.
#   2. Tokenizer encode MB/s: ours vs Google's sentencepiece (spm_encode and the Python binding), one thread, the same
#      corpus (tokenizer-vs-sentencepiece.sh). Target: ours >= the faster of the two.
#   3. Decoder-loop overhead: the share of wall time outside ONNX Runtime's Run during 10-beam constrained decoding on
#      the flan-t5-base-shaped model. Target: <= 5%.
# The generated models are cached in .models/bench (git-ignored; about 2.2 GB for the base shape, made on first use in
# about 20 s). The machine's load average is printed before and after: figures from a shared machine vary run to run.
#
# Usage: benchmarks/scripts/side-by-side.sh [--quick] [--threads N] [--model base|large]
#   --quick      fewer inputs and rounds, fewer tokenizer passes (about 1.5 minutes once built and cached)
#   --threads N  ONNX Runtime intra-op threads on both sides (default 2)
#   --model M    generated model shape for 1 and 3 (default base; large needs about 8 GB of disk and 4 GB of memory)
# Needs: .NET SDK 10, Node.js 20+ with tests/js installed (cd tests/js && ONNXRUNTIME_NODE_INSTALL=skip npm ci),
# /usr/bin/python3 with sentencepiece and /usr/bin/spm_encode (apt-get install python3-sentencepiece sentencepiece).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
quick=0
threads=2
model=base
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --threads) threads="${2:?--threads needs a number}"; shift 2 ;;
    --model) model="${2:?--model needs base or large}"; shift 2 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "side-by-side.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "side-by-side.sh: --threads must be a positive integer, not '$threads'" >&2; exit 2; }
[[ "$model" == base || "$model" == large ]] || { echo "side-by-side.sh: --model must be base or large, not '$model'" >&2; exit 2; }
command -v node >/dev/null || { echo "side-by-side.sh: node is required (Node.js 20+)" >&2; exit 1; }
[[ -d "$repo/tests/js/node_modules/@huggingface/transformers" ]] \
  || { echo "side-by-side.sh: transformers.js is not installed: cd tests/js && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund" >&2; exit 1; }

quick_args=()
tokenizer_args=(10 5)
if [[ $quick == 1 ]]; then
  quick_args=(--quick)
  tokenizer_args=(10 3)
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== building (Release)"
dotnet build "$repo/benchmarks/SynthIE.Inference.Benchmarks" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
bench=(dotnet "$repo/benchmarks/SynthIE.Inference.Benchmarks/bin/Release/net10.0/SynthIE.Inference.Benchmarks.dll")

log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

echo
echo "== 1. greedy decoding: ours vs transformers.js ($model shape, $threads intra-op threads)"
"${bench[@]}" --greedy-vs-transformers-js --model "$model" --threads "$threads" "${quick_args[@]}" | tee "$log/greedy.txt"

echo
echo "== 2. tokenizer encode: ours vs sentencepiece (one thread)"
"$repo/benchmarks/scripts/tokenizer-vs-sentencepiece.sh" "${tokenizer_args[@]}" | tee "$log/tokenizer.txt"

echo
echo "== 3. decoder-loop overhead: 10 beams, constrained ($model shape, $threads intra-op threads)"
"${bench[@]}" --loop-overhead --model "$model" --threads "$threads" "${quick_args[@]}" | tee "$log/loop.txt"

value() { sed -n "s/^result $2=//p" "$log/$1" | tail -1; }
greedy_ours=$(value greedy.txt greedy_ours_tokens_per_s)
greedy_js=$(value greedy.txt greedy_js_tokens_per_s)
greedy_ratio=$(value greedy.txt greedy_ratio)
loop_share=$(value loop.txt loop_overhead_share)
tokenizer_ours=$(awk '$1 == "ours" && NF == 5 { print $2 }' "$log/tokenizer.txt")
tokenizer_spm=$(awk '$1 == "spm_encode" && NF == 5 { print $2 }' "$log/tokenizer.txt")
tokenizer_python=$(awk '$1 == "sentencepiece-python" && NF == 5 { print $2 }' "$log/tokenizer.txt")

echo
echo "== summary (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/python3 - "$greedy_ours" "$greedy_js" "$greedy_ratio" "$tokenizer_ours" "$tokenizer_spm" "$tokenizer_python" "$loop_share" <<'PY'
import sys
greedy_ours, greedy_js, greedy_ratio, tok_ours, tok_spm, tok_python, loop_share = map(float, sys.argv[1:])
tok_best = max(tok_spm, tok_python)
rows = [
    ("greedy tokens/s vs transformers.js", f"{greedy_ours:.1f}", f"{greedy_js:.1f}", f"{greedy_ratio:.2f}x", ">= 1.50x", greedy_ratio >= 1.5),
    ("tokenizer MB/s vs sentencepiece", f"{tok_ours:.2f}", f"{tok_best:.2f}", f"{tok_ours / tok_best:.2f}x", ">= 1.00x", tok_ours >= tok_best),
    ("decoder-loop overhead, 10 beams", f"{loop_share:.2%}", "-", f"{loop_share:.2%}", "<= 5%", loop_share <= 0.05),
]
print("(greedy: tokens/s of the best round of each side; ratio: median over rounds of the ratio within a round)")
print(f"{'figure':<38}{'ours':>10}{'theirs':>10}{'ratio':>10}{'target':>10}  result")
for name, ours, theirs, ratio, target, ok in rows:
    print(f"{name:<38}{ours:>10}{theirs:>10}{ratio:>10}{target:>10}  {'PASS' if ok else 'MISS'}")
PY
