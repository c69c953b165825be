#!/usr/bin/python3
"""Checks that the ids the demo model was not trained to emit stay out of reach.

    /usr/bin/python3 models/demo/check_unused.py [WEIGHTS] [EVAL.jsonl] [N]

Every id outside the weights' lm_head ids has a zero lm_head row, so its logit is exactly 0. This greedy-decodes
(unconstrained, full vocabulary, PyTorch model read from the weights file) the first N evaluation texts and reports
how often an untrained id would have been chosen, and the smallest margin of the chosen trained id over logit 0.
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from t5_model import load_weights  # noqa: E402

torch.set_num_threads(2)
weights = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "synthie-demo.weights")
data = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, ".data", "eval.jsonl")
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 300
model = load_weights(weights)
trained = set(model.target_vocab.tolist())
examples = [json.loads(line) for line in open(data, encoding="utf-8")][:limit]
steps = untrained_wins = exact = 0
margin = float("inf")
with torch.no_grad():
    for ex in examples:
        x = torch.tensor([ex["input_ids"]])
        mask = torch.ones_like(x)
        enc = model.encode(x, mask)
        dec = [0]
        for _ in range(160):
            logits = model.full_logits(model.decode(torch.tensor([dec]), enc, mask))[0, -1]
            best = int(logits.argmax())
            steps += 1
            margin = min(margin, float(logits[model.target_vocab].max()))
            if best not in trained:
                untrained_wins += 1
            dec.append(best)
            if best == 1:
                break
        exact += dec[1:] == ex["target_ids"]
print(json.dumps({"texts": len(examples), "greedy_steps": steps, "untrained_id_chosen": untrained_wins,
                  "smallest_best_trained_logit": round(margin, 3), "exact_greedy_outputs": exact}))
