#!/usr/bin/python3
"""PyTorch reference for the C# cross-check: the demo model's logits for fixed inputs, from a weights file.

    /usr/bin/python3 models/demo/reference_logits.py WEIGHTS INPUTS.json

INPUTS.json: {"inputs": [[ids...], ...], "decoder": [[0, ids...], ...], "columns": [ids...]} (one decoder row per input).
Prints JSON {"logits": [[[float per column] per decoder position] per input]}: the teacher-forced logits of each
decoder position for the given columns, computed by t5_model.DemoT5 (the training code) without padding.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from t5_model import load_weights  # noqa: E402

torch.set_num_threads(1)
model = load_weights(sys.argv[1])
spec = json.load(open(sys.argv[2]))
columns = torch.tensor(spec["columns"], dtype=torch.long)
out = []
with torch.no_grad():
    for ids, dec in zip(spec["inputs"], spec["decoder"]):
        x = torch.tensor([ids])
        mask = torch.ones_like(x)
        states = model.decode(torch.tensor([dec]), model.encode(x, mask), mask)
        logits = model.full_logits(states)[0][:, columns]
        out.append(logits.tolist())
json.dump({"logits": out}, sys.stdout)
