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
from onnx_weights import expected_shape, hf_parameter_names  # noqa: E402
from t5_reference import ReferenceT5  # noqa: E402

__version__ = "stub (t5_reference greedy; not transformers)"

_LoadResult = collections.namedtuple("_LoadResult", "missing_keys unexpected_keys")


class LogitsProcessorList(list):
    def __call__(self, input_ids, scores):
        for processor in self:
            scores = processor(input_ids, scores)
        return scores


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
        names = hf_parameter_names(config.__dict__)
        self._state = {n: torch.zeros(expected_shape(n, config.__dict__)) for n in names}

    def load_state_dict(self, tensors, strict=True):
        missing = [k for k in self._state if k not in tensors]
        unexpected = [k for k in tensors if k not in self._state]
        if strict and (missing or unexpected):
            raise RuntimeError(f"missing {missing[:3]}, unexpected {unexpected[:3]}")
        for k, v in tensors.items():
            if k in self._state:
                self._state[k] = v.clone()
        return _LoadResult(missing, unexpected)

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
                 decoder_start_token_id=0, eos_token_id=1, pad_token_id=0, logits_processor=None, **kwargs):
        prefix_allowed_tokens_fn = kwargs.get("prefix_allowed_tokens_fn")
        if prefix_allowed_tokens_fn is not None and os.environ.get("SYNTHIE_STUB_REFUSE_PREFIX_FN") == "1":
            raise ValueError("The following `model_kwargs` are not used by the model: ['prefix_allowed_tokens_fn']")
        reference = ReferenceT5({k: v.numpy() for k, v in self._state.items()}, self.config.__dict__)
        rows = []
        for b in range(input_ids.shape[0]):
            ids = input_ids[b][attention_mask[b].bool()].tolist()
            allowed = None
            if prefix_allowed_tokens_fn is not None:
                allowed = lambda prefix, b=b: prefix_allowed_tokens_fn(b, torch.tensor(prefix))  # noqa: E731
            elif logits_processor:
                def allowed(prefix, b=b):
                    scores = logits_processor(torch.tensor([prefix] * num_beams), torch.zeros((num_beams, self.config.vocab_size)))
                    return torch.nonzero(scores[0] == 0).flatten().tolist()
            out = [decoder_start_token_id] + reference.greedy(ids, max_new_tokens, allowed, decoder_start_token_id, eos_token_id)
            rows += [out] * num_return_sequences
        width = max(len(r) for r in rows)
        sequences = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
        for i, r in enumerate(rows):
            sequences[i, : len(r)] = torch.tensor(r)
        return _Output(sequences)
