"""A stand-in for transformers, used only by ``device-run.sh --dry-run`` where transformers cannot be installed.

It is NOT transformers: ``generate`` runs ``t5_reference``'s greedy decoding for every document (whatever the beam
count; every returned sequence is the greedy one) and calls ``prefix_allowed_tokens_fn`` the way transformers does
(batch index, the row's ids as a tensor). It lets the dry run execute ``hf_baseline.py``'s own code (weights into the
model, padding, the constraint plumbing, timing, rows, JSON) on the CPU; the real generate runs on the GPU machine.
"""

import collections
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from t5_reference import ReferenceT5  # noqa: E402

__version__ = "stub (t5_reference greedy; not transformers)"

_LoadResult = collections.namedtuple("_LoadResult", "missing_keys unexpected_keys")


class T5Config:
    @classmethod
    def from_dict(cls, values):
        config = cls()
        config.__dict__.update(values)
        return config


class GenerationConfig:
    def __init__(self, **values):
        self.__dict__.update(values)


class _Embedding:
    def __init__(self, weight):
        self.weight = weight


class _Stack:
    def __init__(self, weight):
        self.embed_tokens = _Embedding(weight)


class _Output:
    def __init__(self, sequences):
        self.sequences = sequences


class T5ForConditionalGeneration:
    def __init__(self, config):
        self.config = config
        self._state = {}

    def load_state_dict(self, tensors, strict=True):
        self._state = dict(tensors)
        return _LoadResult([], [])

    def state_dict(self):
        return self._state

    def get_encoder(self):
        return _Stack(self._state["shared.weight"])

    def get_decoder(self):
        return _Stack(self._state["shared.weight"])

    def eval(self):
        return self

    def to(self, device):
        return self

    def generate(self, input_ids, attention_mask, num_beams, max_new_tokens, num_return_sequences=1,
                 prefix_allowed_tokens_fn=None, decoder_start_token_id=0, eos_token_id=1, pad_token_id=0, **_):
        reference = ReferenceT5({k: v.numpy() for k, v in self._state.items()}, self.config.__dict__)
        rows = []
        for b in range(input_ids.shape[0]):
            ids = input_ids[b][attention_mask[b].bool()].tolist()
            allowed = None
            if prefix_allowed_tokens_fn is not None:
                allowed = lambda prefix, b=b: prefix_allowed_tokens_fn(b, torch.tensor(prefix))  # noqa: E731
            out = [decoder_start_token_id] + reference.greedy(ids, max_new_tokens, allowed, decoder_start_token_id, eos_token_id)
            rows += [out] * num_return_sequences
        width = max(len(r) for r in rows)
        sequences = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
        for i, r in enumerate(rows):
            sequences[i, : len(r)] = torch.tensor(r)
        return _Output(sequences)
