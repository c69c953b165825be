"""The weights of a generated T5 model (optimum's ONNX layout) as a Hugging Face ``T5ForConditionalGeneration`` state dict.

Needs numpy and the ``onnx`` package only, so it can be checked without transformers (``check_cpu.py``).

What the graph writer (``src/SynthIE.Inference.TestModels``, ``T5WeightNames`` and ``T5GraphComposer``) stores:

* initializers are named like Hugging Face's parameters (``encoder.block.0.layer.0.SelfAttention.q.weight``, ...);
* every linear weight (attention ``q k v o``, feed-forward ``wi wi_0 wi_1 wo``, ``lm_head``) is stored as [in, out]
  because the graph computes ``x @ W``; ``torch.nn.Linear`` keeps [out, in], so these are transposed here;
* ``shared.weight`` [vocab, d_model] and ``relative_attention_bias.weight`` [buckets, heads] are embedding tables, as in
  PyTorch; RMS-norm weights are vectors;
* ``encoder.relative_position_bucket_table`` and ``decoder.relative_position_bucket_table`` are the graph's own lookup
  tables of T5's position buckets; PyTorch computes the buckets, so they are not parameters (``check_cpu.py`` compares
  them with the bucket function);
* ``encoder_model.onnx`` holds ``shared`` and the encoder, ``decoder_model.onnx`` (the decoder without past, which also
  holds the cross-attention k/v projections) holds ``shared``, the decoder and ``lm_head``. Files over 2 GiB keep their
  weights in ``<file>_data`` beside them; ``onnx.load`` reads those.

``encoder.embed_tokens.weight`` and ``decoder.embed_tokens.weight`` are the shared table in PyTorch (tied); the state
dict lists them too.
"""

from __future__ import annotations

import json
import os

import numpy as np

_LINEAR_SUFFIXES = (".q.weight", ".k.weight", ".v.weight", ".o.weight", ".wi.weight", ".wi_0.weight", ".wi_1.weight", ".wo.weight")
_GRAPH_TABLES = ("encoder.relative_position_bucket_table", "decoder.relative_position_bucket_table")


def read_initializers(path: str) -> dict:
    """Name -> numpy array of every initializer of an ONNX file (external data read from beside it)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path, load_external_data=True)
    return {tensor.name: numpy_helper.to_array(tensor) for tensor in model.graph.initializer}


def load_config(model_dir: str) -> dict:
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        return json.load(f)


def hf_parameter_names(config: dict) -> list:
    """The state-dict keys of ``T5ForConditionalGeneration`` for a T5 v1.1-style config (untied lm_head)."""
    gated = config.get("feed_forward_proj", "relu").startswith("gated")
    ff = ("wi_0", "wi_1", "wo") if gated else ("wi", "wo")
    names = ["shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight"]
    for stack, layers in (("encoder", config["num_layers"]), ("decoder", config.get("num_decoder_layers") or config["num_layers"])):
        names.append(f"{stack}.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
        names.append(f"{stack}.final_layer_norm.weight")
        for block in range(layers):
            prefix = f"{stack}.block.{block}.layer"
            names += [f"{prefix}.0.SelfAttention.{p}.weight" for p in "qkvo"]
            names.append(f"{prefix}.0.layer_norm.weight")
            ff_layer = 1
            if stack == "decoder":
                names += [f"{prefix}.1.EncDecAttention.{p}.weight" for p in "qkvo"]
                names.append(f"{prefix}.1.layer_norm.weight")
                ff_layer = 2
            names += [f"{prefix}.{ff_layer}.DenseReluDense.{p}.weight" for p in ff]
            names.append(f"{prefix}.{ff_layer}.layer_norm.weight")
    return names


def expected_shape(name: str, config: dict) -> tuple:
    """The PyTorch shape of a parameter of ``hf_parameter_names``."""
    d, inner, ff, vocab = config["d_model"], config["num_heads"] * config["d_kv"], config["d_ff"], config["vocab_size"]
    if name in ("shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight", "lm_head.weight"):
        return (vocab, d)
    if name.endswith("relative_attention_bias.weight"):
        return (config["relative_attention_num_buckets"], config["num_heads"])
    if name.endswith("layer_norm.weight"):
        return (d,)
    if name.endswith((".q.weight", ".k.weight", ".v.weight")):
        return (inner, d)
    if name.endswith(".o.weight"):
        return (d, inner)
    if name.endswith((".wi.weight", ".wi_0.weight", ".wi_1.weight")):
        return (ff, d)
    if name.endswith(".wo.weight"):
        return (d, ff)
    raise KeyError(name)


def to_hf_name_and_layout(name: str, value: np.ndarray):
    """(Hugging Face name, array in PyTorch's layout) of one initializer, or None for the graph's own tables."""
    if name in _GRAPH_TABLES:
        return None
    if name == "lm_head.weight" or name.endswith(_LINEAR_SUFFIXES):
        return name, np.ascontiguousarray(value.T)
    return name, value


def hf_state_dict(model_dir: str, config: dict | None = None, with_bucket_tables: bool = False):
    """The state dict (name -> numpy array, PyTorch layout) from ``encoder_model.onnx`` and ``decoder_model.onnx``.

    Every parameter of ``hf_parameter_names`` is present with its expected shape, or a ValueError says which is not.
    With ``with_bucket_tables``, also returns the graph's bucket tables ({name: int64 array}).
    """
    config = config or load_config(model_dir)
    expected = hf_parameter_names(config)
    parameters = set(expected)
    state: dict = {}
    tables: dict = {}
    for file in ("encoder_model.onnx", "decoder_model.onnx"):
        for name, value in read_initializers(os.path.join(model_dir, file)).items():
            if name in _GRAPH_TABLES:
                tables[name] = value
                continue
            if name not in parameters:
                continue  # the graph's constants (shapes, scalars) are initializers too
            hf_name, array = to_hf_name_and_layout(name, value)
            if hf_name in state:
                if not np.array_equal(state[hf_name], array):
                    raise ValueError(f"{hf_name} differs between the encoder and decoder files")
                continue
            state[hf_name] = array
    state["encoder.embed_tokens.weight"] = state["shared.weight"]
    state["decoder.embed_tokens.weight"] = state["shared.weight"]

    missing = [n for n in expected if n not in state]
    if missing:
        raise ValueError(f"ONNX initializers do not map onto T5ForConditionalGeneration: {len(missing)} parameters missing, e.g. {missing[:5]}")
    wrong = [(n, state[n].shape, expected_shape(n, config)) for n in expected if tuple(state[n].shape) != expected_shape(n, config)]
    if wrong:
        raise ValueError(f"unexpected shapes (name, got, expected): {wrong[:5]}")
    return (state, tables) if with_bucket_tables else state
