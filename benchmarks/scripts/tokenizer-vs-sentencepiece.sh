#!/usr/bin/env bash
# Side-by-side single-thread encode throughput: SynthIE.Inference's T5Tokenizer vs Google's sentencepiece C++ encoder
# (spm_encode --output_format=id, and the Python binding's batch encode with num_threads=1), on the same text: the
# `text` fields of shared/data/rebel-sample/sample.jsonl, one document per line, repeated REPEAT times.
# Prints MB/s (UTF-8 input) and tokens/s for each, and our speed relative to each. The three encoders take turns for
# ROUNDS rounds (each round: PASSES timed passes of each) and the best pass of each counts, so that a burst of load from
# other processes does not land on one encoder only.
# Usage: benchmarks/scripts/tokenizer-vs-sentencepiece.sh [REPEAT=10] [PASSES=5] [ROUNDS=3]
# Needs: .NET SDK, /usr/bin/python3 with sentencepiece and /usr/bin/spm_encode (apt-get install python3-sentencepiece sentencepiece).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
shared="${SYNTHIE_SHARED_DIR:-$repo/../shared}"
model="$shared/data/t5-tokenizer/spiece.model"
source_jsonl="$shared/data/rebel-sample/sample.jsonl"
repeat="${1:-10}"
passes="${2:-5}"
rounds="${3:-3}"
python=/usr/bin/python3
for f in "$model" "$source_jsonl"; do [[ -f "$f" ]] || { echo "missing $f (set SYNTHIE_SHARED_DIR)" >&2; exit 1; }; done
"$python" -c 'import sentencepiece' 2>/dev/null || { echo "$python lacks sentencepiece: apt-get install python3-sentencepiece" >&2; exit 1; }
command -v spm_encode >/dev/null || { echo "spm_encode missing: apt-get install sentencepiece" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
corpus="$work/corpus.txt"
"$python" - "$source_jsonl" "$corpus" "$repeat" <<'PY'
import json, sys
source, target, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
texts = [" ".join(json.loads(line)["text"].split("\n")) for line in open(source, encoding="utf-8") if line.strip()]
with open(target, "w", encoding="utf-8") as f:
    for _ in range(repeat):
        for text in texts:
            f.write(text + "\n")
PY

echo "corpus: $(wc -l < "$corpus") documents, $(wc -c < "$corpus") bytes (REBEL sample x $repeat); one thread; best of $rounds rounds x $passes passes" >&2
dotnet build "$repo/benchmarks/scripts/tokenizer-throughput" -c Release -o "$work/ours" -v quiet -nologo >&2

# The line with the shortest time (last field) of several "name bytes tokens seconds" lines.
fastest() { sort -g -k4,4 | head -1; }
bytes=$(( $(wc -c < "$corpus") - $(wc -l < "$corpus") ))
: > "$work/ours.txt"; : > "$work/python.txt"; : > "$work/spm.txt"
for _ in $(seq "$rounds"); do
  taskset -c 0 dotnet "$work/ours/TokenizerThroughput.dll" "$model" "$corpus" "$passes" >> "$work/ours.txt"
  taskset -c 0 "$python" "$repo/benchmarks/scripts/tokenizer-sentencepiece.py" "$model" "$corpus" "$passes" >> "$work/python.txt"
  # spm_encode reads the file, encodes line by line on one thread and writes ids; wall time of each pass.
  for _ in $(seq "$passes"); do
    start=$(date +%s.%N)
    taskset -c 0 spm_encode --model="$model" --output_format=id --input="$corpus" --output="$work/ids.txt"
    end=$(date +%s.%N)
    echo "spm_encode $bytes $(wc -w < "$work/ids.txt") $("$python" -c "print(float('$end') - float('$start'))")" >> "$work/spm.txt"
  done
done
ours="$(fastest < "$work/ours.txt")"
python_line="$(fastest < "$work/python.txt")"
spm_line="$(fastest < "$work/spm.txt")"

"$python" - "$ours" "$python_line" "$spm_line" <<'PY'
import sys
rows = [line.split() for line in sys.argv[1:]]
print(f"{'encoder':<22}{'MB/s':>10}{'Mtokens/s':>12}{'tokens':>12}{'seconds':>10}")
speeds = {}
for name, size, tokens, seconds in rows:
    size, tokens, seconds = int(size), int(tokens), float(seconds)
    speeds[name] = size / seconds
    print(f"{name:<22}{size / seconds / 1e6:>10.2f}{tokens / seconds / 1e6:>12.3f}{tokens:>12}{seconds:>10.4f}")
for name in ("sentencepiece-python", "spm_encode"):
    print(f"ours / {name}: {speeds['ours'] / speeds[name]:.2f}x")
if len({int(r[2]) for r in rows}) != 1:
    print("note: token counts differ between encoders (check the corpus and options)")
PY
