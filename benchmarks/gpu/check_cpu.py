#!/usr/bin/env python3
"""CPU checks of the PyTorch baseline's parts that need no transformers and no GPU (run by ``device-run.sh --dry-run``).

1. ``synthie_constraint`` gives exactly SynthIE's allowed sets on the shared reference cases (needs sentencepiece to
   tokenize the catalog as SynthIE did; skipped without it).
2. The world exported by ``--device-table --export-hf`` holds the catalog's names as sentencepiece tokenizes them.
3. ``onnx_weights`` maps the generated model's initializers onto every ``T5ForConditionalGeneration`` parameter with
   the right shape, and the graph's bucket tables equal T5's bucket function.
4. Greedy decoding by ``t5_reference`` (PyTorch, over the mapped state dict) gives the same tokens as the library's
   greedy rows (ONNX Runtime) on the same documents: constrained (through ``synthie_constraint``) and, when a table
   of unconstrained rows is given, unconstrained.
5. Every beam-search output of the library is a sequence ``synthie_constraint`` allows token by token.

Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_weights import hf_state_dict, load_config  # noqa: E402
from synthie_constraint import SynthIEConstraint  # noqa: E402

failures = []


def report(name, ok, detail):
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)
    if not ok:
        failures.append(name)


def sentencepiece_processor(shared):
    try:
        import sentencepiece
    except ImportError:
        return None
    return sentencepiece.SentencePieceProcessor(model_file=os.path.join(shared, "data/t5-tokenizer/spiece.model"))


def check_reference_cases(shared, sp):
    cases = json.load(open(os.path.join(shared, "data/synthie/prefix-allowed-cases.json"), encoding="utf-8"))
    entities = [sp.encode(n) for n in cases["entity_names"]]
    relations = [sp.encode(n) for n in cases["relation_names"]]
    markers = [sp.encode(m) for m in ("[s]", "[r]", "[o]", "[e]")]
    for linearization, section in cases["linearizations"].items():
        constraint = SynthIEConstraint(entities, relations, markers, 1, linearization == "subject_collapsed")
        differ = []
        for case in section["cases"]:
            got = constraint.allowed(case["prefix"])
            want = set(section["allowed_sets"][case["allowed"]])
            if set(got) != want or len(got) != len(set(got)):
                differ.append(case["prefix"])
        report(f"constraint vs SynthIE's cases ({linearization})", not differ,
               f"{len(section['cases']) - len(differ)} of {len(section['cases'])} prefixes give SynthIE's allowed set"
               + (f"; first differing prefix {differ[0]}" if differ else ""))


def check_exported_world(shared, sp, inputs):
    cases = json.load(open(os.path.join(shared, "data/synthie/prefix-allowed-cases.json"), encoding="utf-8"))
    for what, key in (("entity", "entities"), ("relation", "relations")):
        catalog = {tuple(sp.encode(n)) for n in cases[f"{what}_names"]}
        exported = [tuple(s) for s in inputs[key]]
        unknown = [s for s in exported if s not in catalog]
        report(f"exported {what} names", not unknown and len(exported) > 0,
               f"{len(exported)} exported, each tokenized as sentencepiece tokenizes a catalog name ({inputs[f'{what}_names_left_out']} of "
               f"{len(cases[f'{what}_names'])} left out by the library)" if not unknown else f"{len(unknown)} not in the catalog, e.g. {unknown[0]}")


def check_weight_mapping(model_dir):
    import torch
    from t5_reference import relative_position_bucket

    config = load_config(model_dir)
    state, tables = hf_state_dict(model_dir, config, with_bucket_tables=True)
    report("weight mapping", True, f"{len(state)} T5ForConditionalGeneration parameters, names and shapes as expected "
           f"({sum(v.size for k, v in state.items() if not k.endswith('embed_tokens.weight')):,} values)")
    span = config["relative_attention_max_distance"]
    relative = torch.arange(-span, span + 1)
    for name, bidirectional in (("encoder.relative_position_bucket_table", True), ("decoder.relative_position_bucket_table", False)):
        want = relative_position_bucket(relative, bidirectional, config["relative_attention_num_buckets"], span).numpy()
        report(f"bucket table {name.split('.')[0]}", np.array_equal(tables[name], want), "equal to T5's bucket function over ±max_distance")
    return state, config


def check_greedy(state, config, table, inputs, constraint, label):
    from t5_reference import ReferenceT5

    rows = [r for r in table["rows"] if r.get("status") == "ok" and r["beams"] == 1 and "sequences" in r]
    if not rows:
        report(f"greedy {label}", False, "the device table has no greedy row with sequences")
        return
    row = max(rows, key=lambda r: r["batch"])
    model = ReferenceT5(state, config)
    allowed = constraint.allowed if constraint is not None else None
    same = 0
    first_difference = None
    for i, want in enumerate(row["sequences"]):
        got = model.greedy(inputs["documents"][i], len(want), allowed, inputs["decoder_start_token_id"], inputs["eos_token_id"])
        if got == want:
            same += 1
        elif first_difference is None:
            first_difference = (i, got, want)
    report(f"greedy {label}: PyTorch reference vs ONNX Runtime", same == len(row["sequences"]),
           f"{same} of {len(row['sequences'])} documents give the same tokens ({sum(len(s) for s in row['sequences'])} tokens, batch {row['batch']})"
           + (f"; document {first_difference[0]}: {first_difference[1][:12]} vs {first_difference[2][:12]}" if first_difference else ""))


def check_beam_outputs_allowed(table, constraint, start):
    rows = [r for r in table["rows"] if r.get("status") == "ok" and r["beams"] > 1 and "sequences" in r]
    total = bad = 0
    for row in rows:
        for sequence in row["sequences"]:
            total += 1
            prefix = [start]
            for token in sequence:
                if token not in constraint.allowed(prefix):
                    bad += 1
                    break
                prefix.append(token)
    report("beam outputs allowed by the Python constraint", total > 0 and bad == 0, f"{total - bad} of {total} library outputs")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True, help="--device-table JSON (constrained, with greedy rows) of the tiny model")
    parser.add_argument("--unconstrained-table", help="--device-table JSON with --unconstrained (optional)")
    parser.add_argument("--hf-inputs", required=True, help="the --export-hf JSON")
    parser.add_argument("--shared", default=os.environ.get("SYNTHIE_SHARED_DIR", ""), help="the shared data folder")
    args = parser.parse_args()

    table = json.load(open(args.table, encoding="utf-8"))
    inputs = json.load(open(args.hf_inputs, encoding="utf-8"))
    constraint = SynthIEConstraint(inputs["entities"], inputs["relations"], inputs["markers"], inputs["eos_token_id"], inputs["collapses_subjects"])

    sp = sentencepiece_processor(args.shared) if args.shared else None
    if sp is None:
        print("SKIP  constraint vs SynthIE's cases, exported names: no sentencepiece module or no --shared folder")
    else:
        check_reference_cases(args.shared, sp)
        check_exported_world(args.shared, sp, inputs)

    state, config = check_weight_mapping(table["model_directory"])
    check_beam_outputs_allowed(table, constraint, inputs["decoder_start_token_id"])
    check_greedy(state, config, table, inputs, constraint, "constrained")
    if args.unconstrained_table:
        check_greedy(state, config, json.load(open(args.unconstrained_table, encoding="utf-8")), inputs, None, "unconstrained")

    print(f"{'all checks passed' if not failures else 'FAILED: ' + ', '.join(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
