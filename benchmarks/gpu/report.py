#!/usr/bin/env python3
"""One table of the GPU benchmark (issue 14) from the files ``device-run.sh`` leaves in its results folder.

Reads ``table-<shape>-cpu.json`` and ``table-<shape>-cuda.json`` (``--device-table``), ``hf-<shape>.json``
(``hf_baseline.py``), ``gpu-memory.log`` (``<unix ms> <MiB used>`` lines sampled from nvidia-smi while they ran),
``bandwidth.json`` (``memory_bandwidth.py``) and ``environment.json``. Writes ``table.md`` and ``results.json`` there
and prints the table. Standard library only.

GPU memory: for our rows, the peak of nvidia-smi's used memory during the timed call minus what was in use before the
script started (it includes the CUDA context, and ONNX Runtime's arena keeps what earlier, smaller batches of the same
process grew it to); for PyTorch, ``torch.cuda.max_memory_allocated`` of the timed call (tensors only, no context) and
the nvidia-smi peak likewise.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys


def load(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def memory_samples(path):
    samples = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[0].isdigit():
                    try:
                        samples.append((int(parts[0]), float(parts[1])))
                    except ValueError:
                        pass
    return samples


def peak_between(samples, start, end, baseline):
    values = [mib for t, mib in samples if start - 250 <= t <= end + 250]
    return None if not values else max(values) - baseline


def rows_by_key(document):
    return {} if document is None else {(r["beams"], r["batch"]): r for r in document.get("rows", [])}


def same_top1(a, b):
    if a is None or b is None or "sequences" not in a or "sequences" not in b:
        return None
    pairs = list(zip(a["sequences"], b["sequences"]))
    return sum(1 for x, y in pairs if x == y), len(pairs)


def max_score_difference(a, b):
    """The largest difference of the best candidates' scores where both sides chose the same sequence."""
    if a is None or b is None or "scores" not in a or "scores" not in b:
        return None
    diffs = [abs(x - y) for x, y, s, t in zip(a["scores"], b["scores"], a["sequences"], b["sequences"]) if s == t]
    return max(diffs) if diffs else None


def decoder_step_bytes(config):
    """Bytes of fp32 weights one decoder step with a cache reads: self-attention, cross-attention q and o, feed-forward, norms, lm_head."""
    d, inner, ff, vocab = config["d_model"], config["num_heads"] * config["d_kv"], config["d_ff"], config["vocab_size"]
    layers = config.get("num_decoder_layers") or config["num_layers"]
    gated = config.get("feed_forward_proj", "relu").startswith("gated")
    per_layer = 4 * d * inner + 2 * d * inner + (3 if gated else 2) * d * ff + 3 * d
    return 4 * (layers * per_layer + d + vocab * d)


def fmt(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


def cell(row, key, digits=2):
    if row is None:
        return "not run"
    if row.get("status") != "ok":
        return row.get("status", "?")
    return fmt(row.get(key), digits)


def ratio(a, b, key="docs_per_s"):
    if a is None or b is None or a.get("status") != "ok" or b.get("status") != "ok" or not b.get(key):
        return None
    return a[key] / b[key]


def build(folder):
    environment = load(os.path.join(folder, "environment.json")) or {}
    bandwidth = load(os.path.join(folder, "bandwidth.json"))
    samples = memory_samples(os.path.join(folder, "gpu-memory.log"))
    baseline = environment.get("gpu_memory_used_before_mib") or 0
    shapes = sorted({re.sub(r"^(table|hf)-|(-cpu|-cuda|-cuda-merged|-cuda-host)?\.json$", "", os.path.basename(p))
                     for p in glob.glob(os.path.join(folder, "table-*.json")) + glob.glob(os.path.join(folder, "hf-*.json"))},
                    key=lambda s: {"tiny": 0, "base": 1, "large": 2}.get(s, 3))
    lines = []
    notes = []
    results = {"environment": environment, "bandwidth": bandwidth, "shapes": {}}
    # extra CUDA runs of device-run.sh --cuda-merged / --cuda-host, beside the default (decoder pair, device binding)
    variants = [v for v in ("merged", "host") if glob.glob(os.path.join(folder, f"table-*-cuda-{v}.json"))]
    header = ("| shape | search | batch | CPU docs/s | CUDA docs/s | " + "".join(f"CUDA {v} docs/s | " for v in variants) + "PyTorch docs/s | CUDA ÷ PyTorch | CUDA ÷ CPU "
              "| CPU tok/s | CUDA tok/s | PyTorch tok/s | CUDA outside Run | CUDA Run ms/step | GPU MiB ours | GPU MiB PyTorch (alloc / smi) "
              "| top-1 = CPU: CUDA, PyTorch |")
    lines.append(header)
    lines.append("|" + "|".join(["---"] * (header.count("|") - 1)) + "|")
    for shape in shapes:
        cpu = load(os.path.join(folder, f"table-{shape}-cpu.json"))
        cuda = load(os.path.join(folder, f"table-{shape}-cuda.json"))
        hf = load(os.path.join(folder, f"hf-{shape}.json"))
        extra = {v: load(os.path.join(folder, f"table-{shape}-cuda-{v}.json")) for v in variants}
        by = {"cpu": rows_by_key(cpu), "cuda": rows_by_key(cuda), "hf": rows_by_key(hf), **{v: rows_by_key(d) for v, d in extra.items()}}
        keys = sorted(set().union(*[set(v) for v in by.values()]), key=lambda k: (-k[0], k[1]))
        shape_rows = []
        for key in keys:
            c, g, h = by["cpu"].get(key), by["cuda"].get(key), by["hf"].get(key)
            ours_mib = None
            if g is not None and g.get("status") == "ok" and samples:
                ours_mib = peak_between(samples, g["start_unix_ms"], g["end_unix_ms"], baseline)
            hf_smi = None
            if h is not None and h.get("status") == "ok" and samples:
                hf_smi = peak_between(samples, h["start_unix_ms"], h["end_unix_ms"], baseline)
            top_cuda, top_hf = same_top1(c, g), same_top1(c, h)
            vs_torch, vs_cpu = ratio(g, h), ratio(g, c)
            target = ""
            if vs_torch is not None and key[0] > 1 and key[1] >= 8:
                target = " ✓" if vs_torch >= 5 else " ✗"
            search = f"{key[0]} beams" if key[0] > 1 else "greedy"
            hf_mem = "—" if h is None or h.get("status") != "ok" else f"{fmt(h.get('max_memory_allocated_mib'), 0)} / {fmt(hf_smi, 0)}"
            outside = "—" if g is None or g.get("status") != "ok" else f"{100 * g['outside_share']:.1f} %"
            agree = ", ".join("—" if t is None else f"{t[0]}/{t[1]}" for t in (top_cuda, top_hf))
            score_delta = max_score_difference(c, g)
            if score_delta is not None:
                agree += f" (score Δ ≤ {score_delta:.1e})"
            lines.append(
                f"| {shape} | {search} | {key[1]} | {cell(c, 'docs_per_s')} | {cell(g, 'docs_per_s')} | "
                + "".join(f"{cell(by[v].get(key), 'docs_per_s')} | " for v in variants) + f"{cell(h, 'docs_per_s')} "
                f"| {fmt(vs_torch)}{'×' if vs_torch is not None else ''}{target} | {fmt(vs_cpu)}{'×' if vs_cpu is not None else ''} "
                f"| {cell(c, 'tokens_per_s', 1)} | {cell(g, 'tokens_per_s', 1)} | {cell(h, 'tokens_per_s', 1)} "
                f"| {outside} | {cell(g, 'run_ms_per_step')} | {fmt(ours_mib, 0)} | {hf_mem} | {agree} |")
            for side, row in (("CPU", c), ("CUDA", g), *((f"CUDA {v}", by[v].get(key)) for v in variants), ("PyTorch", h)):
                if row is not None and row.get("status") in ("skipped", "failed"):
                    notes.append(f"{shape}, {search}, batch {key[1]}, {side}: {row['reason']}")
            shape_rows.append({"beams": key[0], "batch": key[1], "cuda_over_pytorch": vs_torch, "cuda_over_cpu": vs_cpu,
                               "gpu_mib_ours": ours_mib, "gpu_mib_pytorch_smi": hf_smi, "same_top1_cuda_vs_cpu": top_cuda,
                               "same_top1_pytorch_vs_cpu": top_hf, "max_score_difference_cuda_vs_cpu": score_delta})
        step = None
        if cuda is not None:
            config = load(os.path.join(cuda["model_directory"], "config.json")) if os.path.exists(os.path.join(cuda["model_directory"], "config.json")) else None
            row = by["cuda"].get((10, 32))
            if config and bandwidth and row is not None and row.get("status") == "ok":
                weights = decoder_step_bytes(config)
                read_ms = weights / bandwidth["copy_bytes_per_s"] * 2 * 1000  # a copy moves each byte twice; a read once
                step = {"decoder_weight_bytes": weights, "read_once_ms": read_ms, "run_ms_per_step": row["run_ms_per_step"],
                        "ratio": row["run_ms_per_step"] / read_ms}
                notes.append(f"{shape}: decoder step at batch 32 × 10 beams: {row['run_ms_per_step']:.2f} ms inside Run vs {read_ms:.3f} ms to read "
                             f"the decoder's {weights / 2**20:.0f} MiB of weights once at the measured copy bandwidth: {step['ratio']:.1f}× "
                             f"(target ≤ 2×{' ✓' if step['ratio'] <= 2 else ' ✗'})")
        for name, document in (("CPU", cpu), ("CUDA", cuda), *((f"CUDA {v}", d) for v, d in extra.items())):
            if document is not None and "binding" in document:
                notes.append(f"{shape}, {name}: {document['decoder']} decoder, {'device binding' if document['binding'] else 'host-memory path'}")
        for name, document in (("CPU", cpu), ("CUDA", cuda), ("PyTorch", hf)):
            if document is None:
                notes.append(f"{shape}: no {name} results (not run, or it failed: see run.log)")
        results["shapes"][shape] = {"cpu": cpu, "cuda": cuda, **{f"cuda_{v}": d for v, d in extra.items()}, "pytorch": hf, "rows": shape_rows, "decoder_step": step}

    head = []
    if environment:
        head.append(f"GPU: {environment.get('gpu', '?')}, driver {environment.get('driver', '?')}; CPU: {environment.get('cpu_cores', '?')} cores; "
                    f"ONNX Runtime {environment.get('ort_version', '?')}; torch {environment.get('torch', '?')}, transformers {environment.get('transformers', '?')}; "
                    f"run {environment.get('started', '?')}, budget {environment.get('budget_seconds', '?')} s.")
    if bandwidth:
        head.append(f"Device-to-device copy: {bandwidth['copy_bytes_per_s'] / 1e12:.2f} TB/s (bytes read + written).")
    text = "\n".join(head + [""] + lines + [""] + [f"- {n}" for n in notes]) + "\n"
    return text, results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    args = parser.parse_args()
    text, results = build(args.folder)
    with open(os.path.join(args.folder, "table.md"), "w", encoding="utf-8") as f:
        f.write(text)
    with open(os.path.join(args.folder, "results.json"), "w", encoding="utf-8") as f:
        json.dump(results, f)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
