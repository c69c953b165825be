#!/usr/bin/env python3
"""The PyTorch baseline of the GPU benchmark (issue 14): Hugging Face transformers ``generate`` on the same weights.

What a user would run instead of this library: ``T5ForConditionalGeneration`` with SynthIE's constraint as
``prefix_allowed_tokens_fn``. The model is built from the generated model's ``config.json`` and its weights are filled
from the ONNX files' initializers (``onnx_weights.py``), so both sides compute with the same numbers. Inputs come from
``--device-table --export-hf`` (``--inputs``): the documents' input ids as the library tokenized them, the world's
names as the library's tries hold them, the markers, and the decoding settings the library uses (beams, returned
sequences, length penalty, max new tokens). Batch ``B`` decodes the first ``B`` documents in one ``generate`` call,
after an untimed call of a few tokens at the same batch size. Per row: documents/s, generated tokens/s (the best
sequence of each document without the start token, end token included, as the library counts), peak GPU memory
(``torch.cuda.max_memory_allocated``, and reserved), and the best sequences for the top-1 comparison.

Needs torch and transformers (not installable on the development machine; ``check_cpu.py`` checks the rest there).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_weights import hf_state_dict, load_config  # noqa: E402
from synthie_constraint import SynthIEConstraint, prefix_allowed_tokens_fn  # noqa: E402


def build_model(model_dir, device):
    """``T5ForConditionalGeneration`` with the ONNX files' weights; raises if any parameter is not exactly those."""
    import torch
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration

    config_dict = load_config(model_dir)
    state = hf_state_dict(model_dir, config_dict)
    config = T5Config.from_dict({k: v for k, v in config_dict.items() if k != "synthie_test_model"})
    if hasattr(torch.device, "__enter__"):  # torch >= 2.0: parameters are created on the device (no CPU initialization)
        with torch.device(device):
            model = T5ForConditionalGeneration(config)
    else:
        model = T5ForConditionalGeneration(config).to(device)
    tensors = {k: torch.from_numpy(np.array(v)) for k, v in state.items()}  # writable copies
    tied = {"encoder.embed_tokens.weight", "decoder.embed_tokens.weight"}
    # The model's own keys decide (a transformers version may leave the tied embedding keys out of its state dict).
    model_keys = set(model.state_dict())
    unknown = [k for k in tensors if k not in model_keys and k not in tied]
    uncovered = [k for k in model_keys if k not in tensors]
    if unknown or uncovered:
        raise RuntimeError(f"the ONNX weights do not fit the model: not in the model {unknown[:5]}, not in the ONNX files {uncovered[:5]}")
    model.load_state_dict({k: v for k, v in tensors.items() if k in model_keys}, strict=True)
    for name, value in model.state_dict().items():
        if not torch.equal(value.detach().cpu(), tensors[name]):
            raise RuntimeError(f"{name} does not hold the ONNX weights after loading")
    for stack in (model.get_encoder(), model.get_decoder()):
        embedding = getattr(stack, "embed_tokens", None)
        if embedding is not None and not torch.equal(embedding.weight.detach().cpu(), tensors["shared.weight"]):
            raise RuntimeError("an embedding table of the model is not the shared embedding")
    model.eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=config_dict.get("decoder_start_token_id", 0),
        eos_token_id=config_dict.get("eos_token_id", 1),
        pad_token_id=config_dict.get("pad_token_id", 0),
    )
    return model, sum(v.size for k, v in state.items() if k not in tied)


class PrefixConstraintProcessor:
    """The same masking as transformers' PrefixConstrainedLogitsProcessor (disallowed tokens get -inf), as a logits
    processor of our own: used only if this transformers' ``generate`` no longer takes ``prefix_allowed_tokens_fn``."""

    def __init__(self, fn, num_beams):
        self.fn, self.num_beams = fn, num_beams

    def __call__(self, input_ids, scores):
        import torch

        mask = torch.full_like(scores, float("-inf"))
        for row in range(input_ids.shape[0]):
            mask[row, self.fn(row // self.num_beams, input_ids[row])] = 0
        return scores + mask


def tf32_setting(torch):
    """How fp32 matrix products run (PyTorch's default is full fp32; newer versions name it fp32_precision)."""
    for read in (lambda: torch.backends.cuda.matmul.fp32_precision, lambda: torch.backends.cuda.matmul.allow_tf32):
        try:
            return str(read())
        except Exception:  # noqa: BLE001 - an attribute this PyTorch lacks or refuses
            continue
    return None


def pad(documents, device):
    import torch

    length = max(len(d) for d in documents)
    ids = torch.zeros((len(documents), length), dtype=torch.long)
    mask = torch.zeros((len(documents), length), dtype=torch.long)
    for i, d in enumerate(documents):
        ids[i, : len(d)] = torch.tensor(d, dtype=torch.long)
        mask[i, : len(d)] = 1
    return ids.to(device), mask.to(device)


def best_sequences(sequences, documents, returned, eos):
    """The best sequence of each document, start token dropped, cut after the first end token."""
    best = []
    for i in range(documents):
        row = sequences[i * returned].tolist()[1:]
        if eos in row:
            row = row[: row.index(eos) + 1]
        best.append(row)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", required=True, help="the JSON written by --device-table --export-hf")
    parser.add_argument("--model-dir", help="the generated model folder (default: the one named in --inputs)")
    parser.add_argument("--batches", default="1,8,32,64")
    parser.add_argument("--beams", type=int, help="default: the library's (in --inputs)")
    parser.add_argument("--greedy", action="store_true", help="also greedy rows (1 beam, constrained)")
    parser.add_argument("--unconstrained", action="store_true")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--warmup-tokens", type=int, default=4)
    parser.add_argument("--budget-seconds", type=float, default=0, help="skip rows that would not fit (0: no limit)")
    parser.add_argument("--output-scores", action="store_true", help="also ask generate for the scores of every step, as SynthIE's own code does")
    parser.add_argument("--json", help="write the rows here (after every row)")
    args = parser.parse_args()

    clock = time.perf_counter()
    import torch
    import transformers

    inputs = json.load(open(args.inputs, encoding="utf-8"))
    model_dir = args.model_dir or inputs["model_directory"]
    batches = [int(b) for b in args.batches.split(",") if b]
    beams = args.beams or inputs["num_beams"]
    cuda = args.device.startswith("cuda")
    eos, start, pad_id = inputs["eos_token_id"], inputs["decoder_start_token_id"], inputs["pad_token_id"]

    load_start = time.perf_counter()
    model, parameters = build_model(model_dir, args.device)
    if cuda:
        torch.cuda.synchronize()
    load_seconds = time.perf_counter() - load_start
    constraint = None if args.unconstrained else SynthIEConstraint(
        inputs["entities"], inputs["relations"], inputs["markers"], eos, inputs["collapses_subjects"])
    fn = None if constraint is None else prefix_allowed_tokens_fn(constraint, eos)

    report = {
        "kind": "synthie-hf-baseline",
        "model_directory": model_dir,
        "parameters": parameters,
        "device": args.device,
        "device_name": torch.cuda.get_device_name() if cuda else "cpu",
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "tf32_matmul": tf32_setting(torch) if cuda else None,
        "constrained": constraint is not None,
        "constraint_route": None,
        "output_scores": args.output_scores,
        "load_seconds": round(load_seconds, 2),
        "budget_seconds": args.budget_seconds,
        "rows": [],
    }

    def save():
        report["elapsed_seconds"] = round(time.perf_counter() - clock, 2)
        if args.json:
            with open(args.json + ".tmp", "w", encoding="utf-8") as f:
                json.dump(report, f)
            os.replace(args.json + ".tmp", args.json)

    constraint_route = {"kwarg": fn is not None}

    def generate(documents, num_beams, max_new_tokens):
        ids, mask = pad(documents, args.device)
        settings = dict(
            input_ids=ids, attention_mask=mask, num_beams=num_beams, max_new_tokens=max_new_tokens, do_sample=False,
            num_return_sequences=min(inputs["num_return_sequences"], num_beams),
            decoder_start_token_id=start, eos_token_id=eos, pad_token_id=pad_id, use_cache=True,
            return_dict_in_generate=True, output_scores=args.output_scores)
        if num_beams > 1:
            settings.update(length_penalty=inputs["length_penalty"], early_stopping=False)
        with torch.inference_mode():
            if fn is not None and constraint_route["kwarg"]:
                try:
                    return model.generate(prefix_allowed_tokens_fn=fn, **settings), settings["num_return_sequences"]
                except (TypeError, ValueError) as error:
                    if "prefix_allowed_tokens_fn" not in str(error):
                        raise
                    print(f"generate does not take prefix_allowed_tokens_fn here ({error}); using the same masking as a logits processor", flush=True)
                    constraint_route["kwarg"] = False
            if fn is not None:
                settings["logits_processor"] = transformers.LogitsProcessorList([PrefixConstraintProcessor(fn, num_beams)])
            return model.generate(**settings), settings["num_return_sequences"]

    def sync():
        if cuda:
            torch.cuda.synchronize()

    print(f"PyTorch baseline: {report['device_name']}, torch {torch.__version__}, transformers {transformers.__version__}, "
          f"{parameters / 1e6:.0f}M parameters from {model_dir}, load {load_seconds:.1f} s", flush=True)
    print(f"{'beams':>5} {'batch':>5} {'seconds':>8} {'docs/s':>8} {'tokens/s':>9} {'peak MiB':>9}", flush=True)
    generate(inputs["documents"][:1], beams, max(1, args.warmup_tokens))  # process warm-up (CUDA context, kernels)
    sync()

    modes = [beams] + ([1] if args.greedy and beams > 1 else [])
    per_document = {}
    for num_beams in modes:
        last = None
        for batch in batches:
            documents = inputs["documents"][:batch]
            remaining = args.budget_seconds - (time.perf_counter() - clock) if args.budget_seconds > 0 else float("inf")
            estimate = last * batch if last is not None else (0.5 * per_document[batch] * batch if batch in per_document else None)
            if remaining <= 0 or (estimate is not None and estimate > remaining):
                reason = ("skipped: the budget is spent" if remaining <= 0
                          else f"skipped: the budget has {remaining:.0f} s left and this row would take about {estimate:.0f} s")
                report["rows"].append({"beams": num_beams, "batch": batch, "status": "skipped", "reason": reason})
                print(f"{num_beams:>5} {batch:>5} {reason}", flush=True)
                save()
                continue
            try:
                warm = time.perf_counter()
                if args.warmup_tokens > 0:
                    generate(documents, num_beams, args.warmup_tokens)
                    sync()
                warm = time.perf_counter() - warm
                if cuda:
                    torch.cuda.reset_peak_memory_stats()
                start_unix_ms = int(time.time() * 1000)
                t0 = time.perf_counter()
                output, returned = generate(documents, num_beams, inputs["max_new_tokens"])
                sync()
            except torch.cuda.OutOfMemoryError as error:
                # larger batches of this search would fail too
                reason = f"failed: out of GPU memory ({str(error).splitlines()[0]})"
                report["rows"].append({"beams": num_beams, "batch": batch, "status": "failed", "reason": reason})
                print(f"{num_beams:>5} {batch:>5} {reason}", flush=True)
                torch.cuda.empty_cache()
                save()
                break
            seconds = time.perf_counter() - t0
            end_unix_ms = int(time.time() * 1000)
            best = best_sequences(output.sequences, len(documents), returned, eos)
            tokens = sum(len(s) for s in best)
            row = {
                "beams": num_beams, "batch": batch, "status": "ok", "seconds": round(seconds, 4),
                "docs_per_s": round(batch / seconds, 3), "generated_tokens": tokens, "tokens_per_s": round(tokens / seconds, 2),
                "max_memory_allocated_mib": round(torch.cuda.max_memory_allocated() / 2**20, 1) if cuda else None,
                "max_memory_reserved_mib": round(torch.cuda.max_memory_reserved() / 2**20, 1) if cuda else None,
                "warmup_seconds": round(warm, 3), "start_unix_ms": start_unix_ms, "end_unix_ms": end_unix_ms, "sequences": best,
            }
            report["rows"].append(row)
            last = seconds / batch
            if num_beams == beams:
                per_document[batch] = seconds / batch
            print(f"{num_beams:>5} {batch:>5} {seconds:>8.2f} {row['docs_per_s']:>8.2f} {row['tokens_per_s']:>9.1f} "
                  f"{row['max_memory_allocated_mib'] or 0:>9.0f}", flush=True)
            save()
    report["constraint_route"] = None if fn is None else ("prefix_allowed_tokens_fn" if constraint_route["kwarg"] else "logits_processor")
    save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
