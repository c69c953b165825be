#!/usr/bin/env bash
# Evaluates the demo model (see models/README.md, "The demo model"):
#   1. the held-out set (models/demo/.data/eval.jsonl: held-out facts and templates) with `synthie eval`, with and
#      without the world constraint (SynthIE's micro/macro P/R/F1);
#   2. the 20 hand-written free-form sentences (freeform.py), with the constraint, and their outputs;
#   3. check_unused.py: greedy decoding over the whole vocabulary never picks an untrained id.
# Usage: models/demo/evaluate.sh [model-dir]   (default: .models/demo, written by `synthie models demo`)
# Needs models/demo/make_data.py to have run (the held-out set) and the CLI built (./build.sh run does both steps' builds).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
model=${1:-$root/.models/demo}
out=$root/models/demo/.data
cli=(dotnet run --project src/SynthIE.Inference.Cli -c Release --no-build --)
[ -f "$out/eval.jsonl" ] || /usr/bin/python3 models/demo/make_data.py
/usr/bin/python3 models/demo/freeform.py > "$out/freeform.jsonl"

echo "== held-out set, constrained"
"${cli[@]}" eval --gold "$out/eval.jsonl" --model "$model" --output "$out/pred-constrained.jsonl" --overwrite --no-progress --top 30
echo "== held-out set, unconstrained"
"${cli[@]}" eval --gold "$out/eval.jsonl" --model "$model" --unconstrained --output "$out/pred-unconstrained.jsonl" --overwrite --no-progress --top 30
echo "== 20 free-form sentences, constrained"
"${cli[@]}" eval --gold "$out/freeform.jsonl" --model "$model" --output "$out/pred-freeform.jsonl" --overwrite --no-progress
/usr/bin/python3 - "$out/freeform.jsonl" "$out/pred-freeform.jsonl" <<'PY'
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
pred = {p["id"]: p for p in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
for g in gold:
    want = {(t["subject"]["surfaceform"], t["predicate"]["surfaceform"], t["object"]["surfaceform"]) for t in g["triplets"]}
    p = pred.get(g["id"], {})
    got = {(f["subject"]["label"], f["relation"]["label"], f["object"]["label"]) for f in p.get("facts", [])}
    print(f"{len(want & got)}/{len(want)} right, {len(got - want)} wrong | {g['text']}")
    for t in sorted(got - want):
        print("    wrong:  ", " | ".join(t))
    for t in sorted(want - got):
        print("    missed: ", " | ".join(t))
PY
echo "== untrained ids out of reach (greedy, whole vocabulary, PyTorch)"
/usr/bin/python3 models/demo/check_unused.py models/demo/synthie-demo.weights "$out/eval.jsonl" 200
