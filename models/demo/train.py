#!/usr/bin/python3
"""Trains the demo model on CPU and writes its compact weights file.

    /usr/bin/python3 models/demo/make_data.py          # world, facts.tsv, models/demo/.data/{train,eval}.jsonl
    /usr/bin/python3 models/demo/train.py              # trains, checkpoints to models/demo/.work/, writes the weights
    /usr/bin/python3 models/demo/train.py --export-only  # weights file from the last checkpoint

Seeded (torch, python). By default two data-parallel processes of one thread each (--processes, --threads), their
gradients averaged every step. The weights file (models/demo/synthie-demo.weights) is the
format SynthIE.Inference.TestModels' T5TrainedWeights reads; see models/README.md.
"""
import argparse
import json
import math
import os
import random
import struct
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from t5_model import Config, DemoT5, UNK  # noqa: E402

MAGIC = b"SYNTHIEW"
VERSION = 1


def load(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]


def batches(examples, batch_size, rng):
    """Length-bucketed batches, shuffled: similar target lengths together (the decoder does most of the work), and
    within a target length similar input lengths, so that little of a batch is padding."""
    order = sorted(range(len(examples)), key=lambda i: (len(examples[i]["target_ids"]), len(examples[i]["input_ids"]) + rng.random()))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    return chunks


def collate(examples, idx, rng, unk_rate):
    inputs = [list(examples[i]["input_ids"]) for i in idx]
    targets = [examples[i]["target_ids"] for i in idx]
    if unk_rate > 0:
        for seq in inputs:
            for j in range(len(seq) - 1):
                if rng.random() < unk_rate:
                    seq[j] = UNK
    n = max(map(len, inputs))
    t = max(map(len, targets))
    ids = torch.zeros(len(idx), n, dtype=torch.long)
    mask = torch.zeros(len(idx), n, dtype=torch.long)
    dec = torch.zeros(len(idx), t, dtype=torch.long)
    labels = torch.full((len(idx), t), -100, dtype=torch.long)
    for b, (x, y) in enumerate(zip(inputs, targets)):
        ids[b, :len(x)] = torch.tensor(x)
        mask[b, :len(x)] = 1
        dec[b, 1:len(y)] = torch.tensor(y[:-1])  # decoder start token 0, then the target shifted right
        labels[b, :len(y)] = torch.tensor(y)
    return ids, mask, dec, labels


def loss_of(model, ids, mask, dec, labels):
    states = model.decode(dec, model.encode(ids, mask), mask)
    logp = model.log_probs_compact(states)
    cols = model.col_of_id[labels.clamp(min=0)]
    valid = labels >= 0
    picked = logp.gather(-1, cols.clamp(min=0).unsqueeze(-1)).squeeze(-1)
    return -(picked * valid).sum() / valid.sum()


def export(model, path):
    """Writes the compact weights: header JSON, then tensors (fp16 rows / int32 ids), little-endian, in header order."""
    c = model.c
    tensors = []

    def add(name, t, dtype):
        tensors.append((name, t.detach().cpu().contiguous(), dtype))

    add("shared.ids", model.input_vocab.to(torch.int32), "int32")
    add("shared.rows", model.shared.weight, "float16")
    add("lm_head.ids", model.target_vocab.to(torch.int32), "int32")
    add("lm_head.rows", model.lm_head_weight(), "float16")  # tied training: the scaled embedding rows
    add("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", model.enc_bias.weight, "float16")
    add("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", model.dec_bias.weight, "float16")
    for stack, blocks in (("encoder", model.encoder), ("decoder", model.decoder)):
        for i, b in enumerate(blocks):
            p = f"{stack}.block.{i}.layer."
            for proj in "qkvo":
                add(f"{p}0.SelfAttention.{proj}.weight", getattr(b.self_attn, proj).weight, "float16")
            add(f"{p}0.layer_norm.weight", b.norm0.weight, "float16")
            ff = 1
            if stack == "decoder":
                for proj in "qkvo":
                    add(f"{p}1.EncDecAttention.{proj}.weight", getattr(b.cross_attn, proj).weight, "float16")
                add(f"{p}1.layer_norm.weight", b.norm1.weight, "float16")
                ff = 2
            for proj in ("wi_0", "wi_1", "wo"):
                add(f"{p}{ff}.DenseReluDense.{proj}.weight", getattr(b.ff, proj).weight, "float16")
            add(f"{p}{ff}.layer_norm.weight", b.norm_ff.weight, "float16")
        add(f"{stack}.final_layer_norm.weight", (model.enc_final if stack == "encoder" else model.dec_final).weight, "float16")
    header = {
        "format": "synthie-demo-weights", "version": VERSION,
        "config": {"d_model": c.d_model, "d_kv": c.d_kv, "num_heads": c.num_heads, "d_ff": c.d_ff, "num_layers": c.num_layers,
                   "num_decoder_layers": c.num_decoder_layers, "vocab_size": c.vocab_size,
                   "relative_attention_num_buckets": c.num_buckets, "relative_attention_max_distance": c.max_distance,
                   "layer_norm_epsilon": c.eps, "feed_forward_proj": "gated-gelu", "unknown_input_id": UNK},
        "layout": "linear weights as PyTorch stores them, [out, in]; shared.rows[i] is the embedding of id shared.ids[i] (other ids: the row of unknown_input_id); lm_head.rows[i] is the lm_head row of id lm_head.ids[i] (other ids: zeros)",
        "tensors": [{"name": n, "dtype": d, "shape": list(t.shape)} for n, t, d in tensors],
    }
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * ((-len(blob)) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<I", len(blob)))
        f.write(blob)
        for _, t, d in tensors:
            if d == "float16":
                f.write(t.to(torch.float16).numpy().astype("<f2").tobytes())
            else:
                f.write(t.to(torch.int32).numpy().astype("<i4").tobytes())
    os.replace(path + ".tmp", path)
    return os.path.getsize(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(HERE, ".data"))
    ap.add_argument("--work", default=os.path.join(HERE, ".work"))
    ap.add_argument("--out", default=os.path.join(HERE, "synthie-demo.weights"))
    ap.add_argument("--steps", type=int, default=9500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2.5e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--processes", type=int, default=2,
                    help="data-parallel processes, each with its own batches; their gradients are averaged every step")
    ap.add_argument("--threads", type=int, default=1, help="torch threads per process")
    ap.add_argument("--port", type=int, default=29517, help="local TCP port the processes meet on (with --processes > 1)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--d-ff", type=int, default=384)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--dropout", type=float, default=0.0, help="dropout in training only (the exported graphs have none)")
    ap.add_argument("--emb-lr-scale", type=float, default=0.0, help="learning-rate factor of the embedding (0: sqrt(d_model))")
    ap.add_argument("--untied", dest="tied", action="store_false",
                    help="a separate lm_head (default: tied to the embedding, rows = d_model^-0.5 x embedding rows; exported as untied rows)")
    ap.add_argument("--unk-rate", type=float, default=0.03, help="share of input tokens replaced by <unk> in training")
    ap.add_argument("--checkpoint-every", type=int, default=250)
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--resume", action="store_true",
                    help="continue from the last checkpoint up to --steps, with a fresh optimizer, --warmup and cosine decay from --lr")
    ap.add_argument("--max-minutes", type=float, default=40, help="stop (and export) after this long; 0: no limit")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.processes > 1 and not args.export_only:
        import torch.multiprocessing as mp
        mp.spawn(run, args=(args,), nprocs=args.processes, join=True)
    else:
        run(0, args)


def run(rank, args):
    """One training process. Every process starts from the same weights (same seed) and draws its own batches; the
    averaged gradient makes every step the same on all of them. Process 0 logs, evaluates, checkpoints and exports."""
    import torch.distributed as dist

    world = args.processes if not args.export_only else 1
    if world > 1:
        os.environ["MASTER_ADDR"] = "127.0.0.1"
        os.environ["MASTER_PORT"] = str(args.port)
        dist.init_process_group("gloo", rank=rank, world_size=world)
    lead = rank == 0
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed if rank == 0 else args.seed * 1000 + rank)
    vocab = json.load(open(os.path.join(args.data, "vocab.json")))
    c = Config(d_model=args.d_model, d_kv=args.d_model // args.heads, num_heads=args.heads, d_ff=args.d_ff,
               num_layers=args.layers, num_decoder_layers=args.layers, dropout=args.dropout)
    model = DemoT5(c, vocab["input_ids"], vocab["target_ids"], tied=args.tied)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    if args.export_only:
        model.load_state_dict(torch.load(ckpt_path)["model"])
        model.eval()
        print(f"wrote {args.out} ({export(model, args.out)} bytes)")
        return

    train = load(os.path.join(args.data, "train.jsonl"))
    evals = load(os.path.join(args.data, "eval.jsonl"))[:256]
    n_params = sum(p.numel() for p in model.parameters())
    if lead:
        print(f"model: d_model {c.d_model}, {c.num_layers}+{c.num_decoder_layers} layers, {c.num_heads} heads of {c.d_kv}, d_ff {c.d_ff}; "
              f"{n_params} trained parameters; input rows {len(model.input_vocab)}, output rows {len(model.target_vocab)}; "
              f"{len(train)} training texts", flush=True)
    # The embedding rows start at std 1 (T5's init), the other weights near d_model^-0.5, and Adam moves every weight by
    # about lr a step: with the output layer tied (the default), --emb-lr-scale 0 (sqrt(d_model), the default) lets the
    # embedding, which is then also the output layer, change as fast, relative to its size, as the rest (the first demo
    # model used a plain 1).
    emb_scale = args.emb_lr_scale if args.emb_lr_scale > 0 else math.sqrt(c.d_model)
    groups = [{"params": [model.shared.weight], "scale": emb_scale},
              {"params": [p for n, p in model.named_parameters() if n != "shared.weight"], "scale": 1.0}]
    opt = torch.optim.AdamW(groups, lr=args.lr, weight_decay=0.01, betas=(0.9, 0.98))

    first = 0
    if args.resume:
        saved = torch.load(ckpt_path)
        model.load_state_dict(saved["model"])
        first = saved["step"]
        rng = random.Random(args.seed + first + 1000 * rank)  # other batches than the first run's opening ones
        if lead:
            print(f"resuming from step {first}", flush=True)
    params = [p for p in model.parameters() if p.requires_grad]
    shared = torch.zeros(2)  # [elapsed seconds, done], process 0's clock, so that every process takes the same steps

    def lr_at(step, elapsed):
        step -= first
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        progress = (step - args.warmup) / max(1, args.steps - first - args.warmup)
        if args.max_minutes:  # with a time limit, decay by whichever is further along: steps or time
            progress = max(progress, elapsed / (args.max_minutes * 60))
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))

    step, start = first, time.time()
    log = None
    if lead:
        log = open(os.path.join(args.work, "loss.tsv"), "a" if args.resume else "w")
        if not args.resume:
            log.write("step\tseconds\ttrain_loss\teval_loss\n")
    queue = []
    running = None
    done = False
    elapsed = 0.0
    while not done:
        if not queue:
            queue = batches(train, args.batch, rng)
        idx = queue.pop()
        model.train()
        for g in opt.param_groups:
            g["lr"] = lr_at(step, elapsed) * g["scale"]
        loss = loss_of(model, *collate(train, idx, rng, args.unk_rate))
        opt.zero_grad()
        loss.backward()
        if world > 1:  # one all-reduce of every gradient, then the mean
            flat = torch.cat([p.grad.reshape(-1) for p in params])
            dist.all_reduce(flat)
            flat /= world
            offset = 0
            for p in params:
                p.grad.copy_(flat[offset:offset + p.numel()].view_as(p.grad))
                offset += p.numel()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        step += 1
        shared[0] = time.time() - start
        shared[1] = float(step >= args.steps or (args.max_minutes and shared[0] > args.max_minutes * 60))
        if world > 1:
            dist.broadcast(shared, src=0)
        elapsed, done = float(shared[0]), bool(shared[1])
        if lead and (step % 50 == 0 or step == 1 or done):
            eval_loss = ""
            if step % args.checkpoint_every == 0 or done or step == 1:
                model.eval()
                with torch.no_grad():
                    total = 0.0
                    for i in range(0, len(evals), 64):
                        total += loss_of(model, *collate(evals, list(range(i, min(i + 64, len(evals)))), rng, 0)).item() * min(64, len(evals) - i)
                eval_loss = f"{total / len(evals):.4f}"
                torch.save({"model": model.state_dict(), "step": step}, ckpt_path)
                export(model, args.out)
            print(f"step {step} {elapsed:.0f}s loss {loss.item():.4f} avg {running:.4f} lr {lr_at(step, elapsed):.2e} eval {eval_loss}", flush=True)
            log.write(f"{step}\t{elapsed:.0f}\t{running:.4f}\t{eval_loss}\n")
            log.flush()
    if lead:
        model.eval()
        size = export(model, args.out)
        print(f"done: {step} steps in {time.time() - start:.0f}s; wrote {args.out} ({size} bytes)", flush=True)
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
