#!/usr/bin/env python3
"""Turn a SynthIE checkpoint into a model directory that SynthIE.Inference loads.

SynthIE (epfl-dlab/SynthIE) publishes PyTorch Lightning checkpoints of its GenIEFlanT5PL module: the
flan-t5 weights sit in the checkpoint's ``state_dict`` under the ``model.`` prefix and the training
settings in ``hyper_parameters``. This script

  * loads such a checkpoint on the CPU without needing pytorch-lightning, hydra/omegaconf or transformers
    (objects of those libraries inside ``hyper_parameters`` are read back as plain data),
  * checks the weights against the T5 layout (every key, every shape, the tied embeddings),
  * rebuilds ``T5ForConditionalGeneration`` and exports it with Hugging Face optimum
    (task ``text2text-generation-with-past``),
  * writes ``synthie.json`` (linearization and generation settings SynthIE evaluates the checkpoint with),
  * optionally copies or links a SynthIE constrained world into ``<model>/world/``.

Commands (``--help`` on each for its options):

  export CHECKPOINT OUTPUT_DIR   the whole conversion (needs torch, transformers, sentencepiece, optimum)
  inspect CHECKPOINT             print what the checkpoint holds and what export would write (needs torch only)
  manifest MODEL_DIR             write synthie.json (and a world) into an existing ONNX export (standard library only)
  presets                        list the known checkpoints and their settings

The functions that map checkpoint keys, resolve settings and write the manifest use only the standard
library; torch, transformers and optimum are imported inside the functions that need them.
See models/README.md.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import pickle
import re
import shutil
import sys
import tempfile
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

MANIFEST_FILE_NAME = "synthie.json"
MANIFEST_SCHEMA_VERSION = 1
MANIFEST_FIELDS = (
    "schema_version",
    "name",
    "linearization",
    "length_penalty",
    "num_beams",
    "max_new_tokens",
    "max_input_tokens",
    "world",
)
LINEARIZATIONS = ("subject_collapsed", "fully_expanded", "fully_expanded_et")

STATE_DICT_PREFIX = "model."
WORLD_FOLDER = "world"
DEFAULT_WORLD_NAME = "genie_t5_tokenizeable"
WORLD_ID_FILES = ("entities.json", "relations.json")
WORLD_MAPPING_FILES = ("entity_mapping.jsonl", "relation_mapping.jsonl")

DEFAULT_NUM_BEAMS = 10
DEFAULT_MAX_NEW_TOKENS = 256
DEFAULT_MAX_INPUT_TOKENS = 256
EXPORT_TASK = "text2text-generation-with-past"

# Older T5 checkpoints carried a relative attention bias in the first decoder block's cross-attention;
# transformers ignores it on load (T5 cross-attention has no position bias).
IGNORED_T5_KEYS = ("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight",)

# T5Config fields that describe the network or its special tokens; only these are taken from the config
# stored in a checkpoint (its other attributes are generation defaults and bookkeeping of the saving version).
ARCHITECTURE_FIELDS = (
    "vocab_size",
    "d_model",
    "d_kv",
    "d_ff",
    "num_layers",
    "num_decoder_layers",
    "num_heads",
    "relative_attention_num_buckets",
    "relative_attention_max_distance",
    "layer_norm_epsilon",
    "feed_forward_proj",
    "tie_word_embeddings",
    "is_encoder_decoder",
    "decoder_start_token_id",
    "eos_token_id",
    "pad_token_id",
)


class ExportError(Exception):
    """A problem with the inputs; the command line reports it without a traceback."""


# --------------------------------------------------------------------------------------------------
# Presets: SynthIE's published checkpoints and the settings its inference configs use for them.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A published checkpoint: its base model and the decoding settings SynthIE evaluates it with."""

    name: str
    base_model: str
    linearization: str
    length_penalty: float
    training_data: str
    num_beams: int = DEFAULT_NUM_BEAMS
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS


PRESETS: Dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset("synthie_base_sc", "google/flan-t5-base", "subject_collapsed", 0.6, "SynthIE-code"),
        Preset("synthie_base_fe", "google/flan-t5-base", "fully_expanded", 0.8, "SynthIE-code"),
        Preset("synthie_large_fe", "google/flan-t5-large", "fully_expanded", 0.8, "SynthIE-code"),
        Preset("genie_base_sc", "google/flan-t5-base", "subject_collapsed", 0.6, "REBEL"),
        Preset("genie_base_fe", "google/flan-t5-base", "fully_expanded", 0.8, "REBEL"),
    )
}


def preset_for_checkpoint(path: os.PathLike | str) -> Optional[Preset]:
    """Returns the preset whose name is the checkpoint's file name without extension, or None."""
    return PRESETS.get(Path(path).stem.lower())


def get_preset(name: str) -> Preset:
    """Returns a preset by name; the error lists the known names."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ExportError(f"unknown preset {name!r}; known presets: {', '.join(PRESETS)}") from None


@dataclass
class Settings:
    """Everything the manifest and the export need, after presets, checkpoint and flags are combined."""

    name: str
    linearization: str
    length_penalty: float
    num_beams: int
    max_new_tokens: int
    max_input_tokens: int
    base_model: Optional[str]
    sources: Dict[str, str] = field(default_factory=dict)


def resolve_settings(
    preset: Optional[Preset],
    hyper_parameters: Mapping[str, Any],
    overrides: Mapping[str, Any],
    fallback_name: str = "model",
) -> Settings:
    """Combines, in this order of precedence, explicit flags, the preset and the checkpoint's hyper-parameters.

    ``overrides`` holds the flags that were given (keys: name, linearization, length_penalty, num_beams,
    max_new_tokens, max_input_tokens, base_model); values that are None count as not given. The linearization
    the checkpoint was trained with (``linearization_class_id``) must agree with the preset unless a flag says otherwise.
    """
    given = {key: value for key, value in overrides.items() if value is not None}
    sources: Dict[str, str] = {}

    def pick(key: str, *candidates: Tuple[str, Any]) -> Any:
        if key in given:
            sources[key] = "flag"
            return given[key]
        for source, value in candidates:
            if value is not None:
                sources[key] = source
                return value
        return None

    trained_linearization = hyper_parameters.get("linearization_class_id")
    if not isinstance(trained_linearization, str) or trained_linearization not in LINEARIZATIONS:
        trained_linearization = None
    if preset is not None and trained_linearization is not None and "linearization" not in given:
        if trained_linearization != preset.linearization:
            raise ExportError(
                f"the checkpoint was trained with linearization {trained_linearization!r} but preset {preset.name!r} "
                f"says {preset.linearization!r}; pass --linearization (and --length-penalty) or another --preset")

    collator = hyper_parameters.get("default_collator_parameters")
    trained_max_input = collator.get("max_input_length") if isinstance(collator, Mapping) else None
    if not isinstance(trained_max_input, int) or isinstance(trained_max_input, bool) or trained_max_input <= 0:
        trained_max_input = None

    stored_base = hyper_parameters.get("pretrained_model_name_or_path")
    if not isinstance(stored_base, str) or not stored_base:
        stored_base = None

    linearization = pick("linearization",
                         ("preset", preset.linearization if preset else None),
                         ("checkpoint", trained_linearization))
    if linearization is None:
        raise ExportError("no linearization known: name a --preset or pass --linearization")
    length_penalty = pick("length_penalty", ("preset", preset.length_penalty if preset else None))
    if length_penalty is None:
        raise ExportError("no length penalty known: name a --preset or pass --length-penalty "
                          "(SynthIE uses 0.6 for subject_collapsed models and 0.8 for fully_expanded ones)")

    settings = Settings(
        name=pick("name", ("preset", preset.name if preset else None), ("checkpoint file", fallback_name)),
        linearization=linearization,
        length_penalty=float(length_penalty),
        num_beams=pick("num_beams", ("preset", preset.num_beams if preset else None), ("default", DEFAULT_NUM_BEAMS)),
        max_new_tokens=pick("max_new_tokens", ("preset", preset.max_new_tokens if preset else None),
                            ("default", DEFAULT_MAX_NEW_TOKENS)),
        max_input_tokens=pick("max_input_tokens", ("checkpoint", trained_max_input),
                              ("preset", preset.max_input_tokens if preset else None),
                              ("default", DEFAULT_MAX_INPUT_TOKENS)),
        base_model=pick("base_model", ("checkpoint", stored_base), ("preset", preset.base_model if preset else None)),
        sources=sources,
    )
    return settings


# --------------------------------------------------------------------------------------------------
# Manifest (synthie.json), the schema SynthIE.Inference's SynthIEManifest reads.
# --------------------------------------------------------------------------------------------------


def build_manifest(settings: Settings, world: Optional[str]) -> Dict[str, Any]:
    """Returns the manifest as an ordered dict (schema version 1); ``world`` is a folder relative to the model."""
    manifest: Dict[str, Any] = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "name": settings.name,
        "linearization": settings.linearization,
        "length_penalty": settings.length_penalty,
        "num_beams": settings.num_beams,
        "max_new_tokens": settings.max_new_tokens,
        "max_input_tokens": settings.max_input_tokens,
    }
    if world is not None:
        manifest["world"] = world
    validate_manifest(manifest)
    return manifest


def validate_manifest(manifest: Mapping[str, Any]) -> None:
    """Applies the rules SynthIE.Inference applies when it reads a manifest; raises ExportError naming the field."""
    for key in manifest:
        if key not in MANIFEST_FIELDS:
            raise ExportError(f"manifest field {key!r} is unknown (known fields: {', '.join(MANIFEST_FIELDS)})")
    if manifest.get("schema_version", MANIFEST_SCHEMA_VERSION) != MANIFEST_SCHEMA_VERSION:
        raise ExportError(f"manifest \"schema_version\" must be {MANIFEST_SCHEMA_VERSION}")
    linearization = manifest.get("linearization", "fully_expanded")
    if linearization not in LINEARIZATIONS:
        raise ExportError(f"manifest \"linearization\" is {linearization!r}; expected one of {', '.join(LINEARIZATIONS)}")
    penalty = manifest.get("length_penalty", 1.0)
    if isinstance(penalty, bool) or not isinstance(penalty, (int, float)) or not math.isfinite(penalty):
        raise ExportError(f"manifest \"length_penalty\" must be a finite number, not {penalty!r}")
    for key in ("num_beams", "max_new_tokens", "max_input_tokens"):
        value = manifest.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0 or value > 2**31 - 1:
            raise ExportError(f"manifest \"{key}\" must be a positive 32-bit integer, not {value!r}")
    for key in ("name", "world"):
        value = manifest.get(key)
        if value is not None and not isinstance(value, str):
            raise ExportError(f"manifest \"{key}\" must be a string, not {value!r}")


def write_manifest(model_dir: os.PathLike | str, manifest: Mapping[str, Any]) -> Path:
    """Writes ``synthie.json`` into ``model_dir`` (UTF-8, two-space indent, trailing newline) and returns its path."""
    validate_manifest(manifest)
    path = Path(model_dir) / MANIFEST_FILE_NAME
    path.write_text(json.dumps(dict(manifest), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
# Checkpoint keys -> T5ForConditionalGeneration keys.
# --------------------------------------------------------------------------------------------------


def tensor_shape(value: Any) -> Tuple[int, ...]:
    """The shape of a tensor, or of anything with ``.shape``; a plain sequence of ints is taken as a shape."""
    shape = getattr(value, "shape", value)
    return tuple(int(size) for size in shape)


@dataclass(frozen=True)
class T5Dimensions:
    """The sizes of a T5 network, read from its weights."""

    vocab_size: int
    d_model: int
    d_kv: int
    num_heads: int
    d_ff: int
    num_layers: int
    num_decoder_layers: int
    relative_attention_num_buckets: int
    gated: bool

    def as_dict(self) -> Dict[str, Any]:
        return {
            "vocab_size": self.vocab_size,
            "d_model": self.d_model,
            "d_kv": self.d_kv,
            "num_heads": self.num_heads,
            "d_ff": self.d_ff,
            "num_layers": self.num_layers,
            "num_decoder_layers": self.num_decoder_layers,
            "relative_attention_num_buckets": self.relative_attention_num_buckets,
            "gated_feed_forward": self.gated,
        }


@dataclass
class MappedWeights:
    """The result of mapping a Lightning ``state_dict`` onto T5ForConditionalGeneration's keys."""

    weights: Dict[str, Any]
    dimensions: T5Dimensions
    other_keys: List[str]
    notes: List[str]
    lm_head_equals_shared: Optional[bool]


def strip_prefix(state_dict: Mapping[str, Any], prefix: str = STATE_DICT_PREFIX) -> Tuple[Dict[str, Any], List[str]]:
    """Splits a state dict into the entries under ``prefix`` (prefix removed) and the other keys."""
    inner: Dict[str, Any] = {}
    other: List[str] = []
    for key, value in state_dict.items():
        if key.startswith(prefix):
            inner[key[len(prefix):]] = value
        else:
            other.append(key)
    return inner, sorted(other)


def _layer_count(weights: Mapping[str, Any], stack: str) -> int:
    pattern = re.compile(rf"^{stack}\.block\.(\d+)\.")
    indices = {int(match.group(1)) for key in weights for match in [pattern.match(key)] if match}
    if not indices:
        raise ExportError(f"no {stack} blocks found (no key starts with '{stack}.block.')")
    count = max(indices) + 1
    missing = sorted(set(range(count)) - indices)
    if missing:
        raise ExportError(f"{stack} blocks {missing} are missing (found blocks up to {count - 1})")
    return count


def _require(weights: Mapping[str, Any], key: str) -> Tuple[int, ...]:
    if key not in weights:
        raise ExportError(f"required weight {key!r} is missing")
    return tensor_shape(weights[key])


def infer_t5_dimensions(weights: Mapping[str, Any]) -> T5Dimensions:
    """Reads the network's sizes from T5 weights (keys without the Lightning prefix)."""
    embedding_key = "shared.weight" if "shared.weight" in weights else "encoder.embed_tokens.weight"
    vocab_size, d_model = _require(weights, embedding_key)
    buckets, num_heads = _require(weights, "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight")
    inner, query_in = _require(weights, "encoder.block.0.layer.0.SelfAttention.q.weight")
    if query_in != d_model:
        raise ExportError(f"encoder.block.0.layer.0.SelfAttention.q.weight has {query_in} inputs; the embeddings have {d_model}")
    if num_heads <= 0 or inner % num_heads:
        raise ExportError(f"attention width {inner} is not a multiple of the {num_heads} heads the position bias has")
    gated = "encoder.block.0.layer.1.DenseReluDense.wi_0.weight" in weights
    first_ff = "wi_0" if gated else "wi"
    d_ff, _ = _require(weights, f"encoder.block.0.layer.1.DenseReluDense.{first_ff}.weight")
    return T5Dimensions(
        vocab_size=vocab_size,
        d_model=d_model,
        d_kv=inner // num_heads,
        num_heads=num_heads,
        d_ff=d_ff,
        num_layers=_layer_count(weights, "encoder"),
        num_decoder_layers=_layer_count(weights, "decoder"),
        relative_attention_num_buckets=buckets,
        gated=gated,
    )


def expected_t5_shapes(dims: T5Dimensions) -> Dict[str, Tuple[int, ...]]:
    """Every key of T5ForConditionalGeneration's state dict for these sizes, with its shape."""
    vocab, model, inner, ff = dims.vocab_size, dims.d_model, dims.num_heads * dims.d_kv, dims.d_ff
    shapes: Dict[str, Tuple[int, ...]] = {
        "shared.weight": (vocab, model),
        "encoder.embed_tokens.weight": (vocab, model),
        "decoder.embed_tokens.weight": (vocab, model),
        "lm_head.weight": (vocab, model),
        "encoder.final_layer_norm.weight": (model,),
        "decoder.final_layer_norm.weight": (model,),
    }

    def attention(prefix: str, with_bias: bool) -> None:
        for projection in ("q", "k", "v"):
            shapes[f"{prefix}.{projection}.weight"] = (inner, model)
        shapes[f"{prefix}.o.weight"] = (model, inner)
        if with_bias:
            shapes[f"{prefix}.relative_attention_bias.weight"] = (dims.relative_attention_num_buckets, dims.num_heads)

    def feed_forward(prefix: str) -> None:
        for name in (("wi_0", "wi_1") if dims.gated else ("wi",)):
            shapes[f"{prefix}.DenseReluDense.{name}.weight"] = (ff, model)
        shapes[f"{prefix}.DenseReluDense.wo.weight"] = (model, ff)
        shapes[f"{prefix}.layer_norm.weight"] = (model,)

    for index in range(dims.num_layers):
        block = f"encoder.block.{index}"
        attention(f"{block}.layer.0.SelfAttention", with_bias=index == 0)
        shapes[f"{block}.layer.0.layer_norm.weight"] = (model,)
        feed_forward(f"{block}.layer.1")
    for index in range(dims.num_decoder_layers):
        block = f"decoder.block.{index}"
        attention(f"{block}.layer.0.SelfAttention", with_bias=index == 0)
        shapes[f"{block}.layer.0.layer_norm.weight"] = (model,)
        attention(f"{block}.layer.1.EncDecAttention", with_bias=False)
        shapes[f"{block}.layer.1.layer_norm.weight"] = (model,)
        feed_forward(f"{block}.layer.2")
    return shapes


def default_same_tensor(first: Any, second: Any) -> bool:
    """Whether two weights hold the same values (tensors by value; plain shapes by equality)."""
    if first is second:
        return True
    if tensor_shape(first) != tensor_shape(second):
        return False
    equal = getattr(first, "equal", None)
    if callable(equal):
        return bool(equal(second))
    return first == second


def _listing(keys: Iterable[str], limit: int = 8) -> str:
    keys = sorted(keys)
    shown = ", ".join(keys[:limit])
    return shown + (f" … ({len(keys) - limit} more)" if len(keys) > limit else "")


def map_lightning_state_dict(
    state_dict: Mapping[str, Any],
    tie_word_embeddings: bool = False,
    prefix: str = STATE_DICT_PREFIX,
    same_tensor: Callable[[Any, Any], bool] = default_same_tensor,
) -> MappedWeights:
    """Maps a GenIEFlanT5PL ``state_dict`` onto the keys of ``T5ForConditionalGeneration``.

    The Lightning module keeps the Hugging Face model as its ``model`` attribute, so every weight is stored as
    ``model.<T5 key>``. T5 shares one embedding matrix (``shared``) between the encoder and the decoder
    (``*.embed_tokens``); flan-t5 (``tie_word_embeddings`` false) has its own output projection ``lm_head``.
    The mapping checks that every T5 key is present with the shape the network's sizes imply, that the
    embedding copies hold the same values, and that nothing unexpected is left over.
    """
    weights, other_keys = strip_prefix(state_dict, prefix)
    if not weights:
        sample = _listing(state_dict.keys(), 5) or "none"
        raise ExportError(f"no weights start with {prefix!r} (keys found: {sample}); is this a SynthIE checkpoint?")
    notes: List[str] = []

    for key in IGNORED_T5_KEYS:
        if key in weights:
            del weights[key]
            notes.append(f"dropped {key} (T5 cross-attention has no position bias; transformers ignores this key)")

    shared = weights.get("shared.weight")
    if shared is None:
        shared = weights.get("encoder.embed_tokens.weight")
        if shared is None:
            raise ExportError("required weight 'shared.weight' is missing (nor is 'encoder.embed_tokens.weight' there)")
        notes.append("shared.weight was missing; took encoder.embed_tokens.weight")
        weights["shared.weight"] = shared
    for copy_key in ("encoder.embed_tokens.weight", "decoder.embed_tokens.weight"):
        copy = weights.get(copy_key)
        if copy is not None and not same_tensor(shared, copy):
            raise ExportError(f"{copy_key} differs from shared.weight; T5 uses one embedding matrix for both")
        weights[copy_key] = shared

    lm_head = weights.get("lm_head.weight")
    lm_head_equals_shared: Optional[bool] = None
    if lm_head is not None:
        lm_head_equals_shared = same_tensor(shared, lm_head)
    if tie_word_embeddings:
        if lm_head is not None and not lm_head_equals_shared:
            raise ExportError("lm_head.weight differs from shared.weight but the config ties word embeddings "
                              "(tie_word_embeddings true); the trained output projection would be lost")
        weights["lm_head.weight"] = shared
    elif lm_head is None:
        raise ExportError("lm_head.weight is missing but the config does not tie word embeddings "
                          "(flan-t5 has tie_word_embeddings false, so the output projection is its own matrix)")

    dims = infer_t5_dimensions(weights)
    expected = expected_t5_shapes(dims)
    missing = set(expected) - set(weights)
    unexpected = set(weights) - set(expected)
    wrong = [f"{key} {tensor_shape(weights[key])} (expected {expected[key]})"
             for key in sorted(set(expected) & set(weights)) if tensor_shape(weights[key]) != expected[key]]
    problems = []
    if missing:
        problems.append(f"{len(missing)} missing: {_listing(missing)}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected: {_listing(unexpected)}")
    if wrong:
        problems.append(f"{len(wrong)} with wrong shapes: {_listing(wrong)}")
    if problems:
        raise ExportError(f"the weights under {prefix!r} are not a T5 model of the sizes they imply "
                          f"({json.dumps(dims.as_dict())}): " + "; ".join(problems))
    return MappedWeights({key: weights[key] for key in expected}, dims, other_keys, notes, lm_head_equals_shared)


def config_mismatches(config: Mapping[str, Any], dims: T5Dimensions) -> List[str]:
    """Differences between a T5 config (as a dict) and the sizes read from the weights."""
    expected = {
        "vocab_size": dims.vocab_size,
        "d_model": dims.d_model,
        "d_kv": dims.d_kv,
        "num_heads": dims.num_heads,
        "d_ff": dims.d_ff,
        "num_layers": dims.num_layers,
        "num_decoder_layers": dims.num_decoder_layers,
        "relative_attention_num_buckets": dims.relative_attention_num_buckets,
    }
    defaults = {"num_decoder_layers": config.get("num_layers"), "relative_attention_num_buckets": 32}
    problems = []
    for key, want in expected.items():
        have = config.get(key)
        if have is None:
            have = defaults.get(key)
        if have != want:
            problems.append(f"{key}: config says {have!r}, weights say {want}")
    projection = config.get("feed_forward_proj", "relu")
    if isinstance(projection, str) and projection.startswith("gated-") != dims.gated:
        problems.append(f"feed_forward_proj: config says {projection!r}, weights are "
                        f"{'gated (wi_0/wi_1)' if dims.gated else 'not gated (wi)'}")
    return problems


def architecture_fields(stored_config: Mapping[str, Any]) -> Dict[str, Any]:
    """The fields of a stored T5 config that describe the network and its special tokens."""
    return {key: stored_config[key] for key in ARCHITECTURE_FIELDS if stored_config.get(key) is not None}


# --------------------------------------------------------------------------------------------------
# Loading a Lightning checkpoint without the libraries that wrote it.
# --------------------------------------------------------------------------------------------------

_SAFE_BUILTINS = frozenset({
    "set", "frozenset", "dict", "list", "tuple", "slice", "complex", "range", "bytearray", "bytes", "str",
    "int", "float", "bool", "object",
})


def _loads_for_real(module: str, name: str) -> bool:
    """Globals the unpickler resolves for real; every other class becomes a stand-in holding its pickled data."""
    if module == "torch" or module.startswith("torch."):
        return True
    if module == "builtins":
        return name in _SAFE_BUILTINS
    return (module, name) in {
        ("collections", "OrderedDict"),
        ("collections", "defaultdict"),
        ("copyreg", "_reconstructor"),
        ("_codecs", "encode"),
    }


class _StubMeta(type):
    def __getattr__(cls, attribute: str) -> Any:  # e.g. getattr(EnumClass, "MEMBER") in a pickle
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _stub_class(cls._pickled_module, f"{cls._pickled_name}.{attribute}")


class PickledStandIn(metaclass=_StubMeta):
    """An object of a class this script does not import (hydra, omegaconf, transformers, pytorch-lightning…),
    keeping what the pickle gave it: constructor arguments, state, items."""

    _pickled_module = "?"
    _pickled_name = "?"

    def __new__(cls, *args: Any, **kwargs: Any) -> "PickledStandIn":
        instance = object.__new__(cls)
        instance.__dict__["_stand_in_args"] = args
        return instance

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        self.__dict__["_stand_in_state"] = state

    def __setitem__(self, key: Any, value: Any) -> None:
        self.__dict__.setdefault("_stand_in_items", {})[key] = value

    def append(self, value: Any) -> None:
        self.__dict__.setdefault("_stand_in_list", []).append(value)

    def extend(self, values: Iterable[Any]) -> None:
        self.__dict__.setdefault("_stand_in_list", []).extend(values)

    def __repr__(self) -> str:
        return f"<{self._pickled_module}.{self._pickled_name} (not loaded)>"


_STUB_CLASSES: Dict[Tuple[str, str], type] = {}


def _stub_class(module: str, name: str) -> type:
    key = (module, name)
    if key not in _STUB_CLASSES:
        _STUB_CLASSES[key] = _StubMeta(name.rsplit(".", 1)[-1], (PickledStandIn,),
                                       {"_pickled_module": module, "_pickled_name": name})
    return _STUB_CLASSES[key]


class StandInUnpickler(pickle.Unpickler):
    """Unpickles torch objects for real and every other class as a PickledStandIn."""

    def find_class(self, module: str, name: str) -> Any:
        if _loads_for_real(module, name):
            return super().find_class(module, name)
        return _stub_class(module, name)


def stand_in_pickle_module() -> types.ModuleType:
    """A module that ``torch.load(pickle_module=...)`` accepts, using StandInUnpickler."""
    module = types.ModuleType("synthie_stand_in_pickle")
    module.__dict__.update({key: value for key, value in vars(pickle).items() if not key.startswith("__")})
    module.Unpickler = StandInUnpickler  # type: ignore[attr-defined]
    module.load = lambda file, **kwargs: StandInUnpickler(file, **kwargs).load()  # type: ignore[attr-defined]
    return module


def to_plain(value: Any, _depth: int = 0) -> Any:
    """Turns unpickled hyper-parameters (dicts, stand-ins for omegaconf containers and nodes, configs) into
    JSON-friendly data. omegaconf containers and nodes keep their data in ``_content`` and ``_val``."""
    if _depth > 64:
        return "<nested too deep>"
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, Mapping):
        return {str(key): to_plain(item, _depth + 1) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain(item, _depth + 1) for item in value]
    if isinstance(value, PickledStandIn):
        data = value.__dict__
        state = data.get("_stand_in_state")
        if isinstance(state, tuple) and len(state) == 2 and all(part is None or isinstance(part, dict) for part in state):
            state = {**(state[0] or {}), **(state[1] or {})}
        if isinstance(state, dict):
            if "_content" in state:
                return to_plain(state["_content"], _depth + 1)
            if "_val" in state:
                return to_plain(state["_val"], _depth + 1)
        if data.get("_stand_in_items"):
            return to_plain(data["_stand_in_items"], _depth + 1)
        if data.get("_stand_in_list"):
            return to_plain(data["_stand_in_list"], _depth + 1)
        if isinstance(state, dict):
            return {str(key): to_plain(item, _depth + 1) for key, item in state.items()}
        if state is not None:
            return to_plain(state, _depth + 1)
        args = data.get("_stand_in_args", ())
        if args:
            return to_plain(args[0] if len(args) == 1 else list(args), _depth + 1)
        return repr(value)
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        return f"<tensor {list(shape)} {value.dtype}>"
    return str(value)


def load_lightning_checkpoint(path: os.PathLike | str) -> Dict[str, Any]:
    """Loads a Lightning checkpoint on the CPU with torch, reading foreign classes as stand-ins."""
    try:
        import torch
    except ImportError as error:
        raise ExportError("torch is needed to read a checkpoint (pip install torch, or apt-get install python3-torch)") from error
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"checkpoint {path} not found")
    kwargs: Dict[str, Any] = {"map_location": "cpu", "pickle_module": stand_in_pickle_module()}
    parameters = inspect.signature(torch.load).parameters
    if "weights_only" in parameters:
        kwargs["weights_only"] = False
    if "mmap" in parameters and _is_zip(path):
        kwargs["mmap"] = True
    # torch 1.13 ignores the pickle_module argument when weights_only is false and uses its module's own
    # `pickle`; that name is pointed at the stand-in module for the duration of the call.
    serialization = getattr(torch, "serialization", None)
    own_pickle = getattr(serialization, "pickle", None)
    if own_pickle is not None:
        serialization.pickle = kwargs["pickle_module"]
    try:
        checkpoint = torch.load(str(path), **kwargs)
    except Exception as error:  # torch reports corrupt or truncated files in several exception types
        raise ExportError(f"{path} could not be read as a torch checkpoint: {error}") from error
    finally:
        if own_pickle is not None:
            serialization.pickle = own_pickle
    if not isinstance(checkpoint, Mapping) or "state_dict" not in checkpoint:
        found = ", ".join(map(str, checkpoint.keys())) if isinstance(checkpoint, Mapping) else type(checkpoint).__name__
        raise ExportError(f"{path} is not a Lightning checkpoint: it has no 'state_dict' (found: {found})")
    return dict(checkpoint)


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(4) == b"PK\x03\x04"


def checkpoint_hyper_parameters(checkpoint: Mapping[str, Any]) -> Dict[str, Any]:
    """The checkpoint's ``hyper_parameters`` as plain data (empty when absent)."""
    hyper_parameters = to_plain(checkpoint.get("hyper_parameters") or {})
    if not isinstance(hyper_parameters, dict):
        raise ExportError(f"the checkpoint's hyper_parameters are a {type(hyper_parameters).__name__}, not a mapping")
    return hyper_parameters


def stored_hf_config(hyper_parameters: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """The T5 config GenIEFlanT5PL stores as ``hf_config`` in its hyper-parameters, as a dict, when present."""
    stored = hyper_parameters.get("hf_config")
    return dict(stored) if isinstance(stored, Mapping) and stored else None


def summarize_checkpoint(path: os.PathLike | str, checkpoint: Mapping[str, Any], preset: Optional[Preset],
                         overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """What ``inspect`` prints: the checkpoint's relevant hyper-parameters, weights and the manifest export would write."""
    hyper_parameters = checkpoint_hyper_parameters(checkpoint)
    state_dict = checkpoint["state_dict"]
    stored = stored_hf_config(hyper_parameters)
    tie = bool(stored.get("tie_word_embeddings", False)) if stored else False
    mapped = map_lightning_state_dict(state_dict, tie_word_embeddings=tie)
    dtypes: Dict[str, int] = {}
    for value in mapped.weights.values():
        dtype = str(getattr(value, "dtype", "unknown"))
        dtypes[dtype] = dtypes.get(dtype, 0) + 1
    settings = resolve_settings(preset, hyper_parameters, overrides, fallback_name=Path(path).stem)
    parameter_count = 0
    counted = set()
    for value in mapped.weights.values():
        if id(value) not in counted:
            counted.add(id(value))
            size = 1
            for dimension in tensor_shape(value):
                size *= dimension
            parameter_count += size
    return {
        "checkpoint": str(path),
        "preset": preset.name if preset else None,
        "top_level_keys": sorted(str(key) for key in checkpoint.keys()),
        "hyper_parameters": {
            key: hyper_parameters.get(key)
            for key in ("pretrained_model_name_or_path", "linearization_class_id", "default_collator_parameters", "inference")
        },
        "stored_hf_config": architecture_fields(stored) if stored else None,
        "stored_config_mismatches": config_mismatches(stored, mapped.dimensions) if stored else None,
        "weights": {
            "t5_keys": len(mapped.weights),
            "parameters": parameter_count,
            "dtypes": dtypes,
            "lm_head_equals_shared": mapped.lm_head_equals_shared,
            "other_keys": mapped.other_keys,
            "notes": mapped.notes,
        },
        "dimensions": mapped.dimensions.as_dict(),
        "base_model": settings.base_model,
        "manifest": build_manifest(settings, WORLD_FOLDER),
        "setting_sources": settings.sources,
    }


# --------------------------------------------------------------------------------------------------
# Model directory checks and the world folder.
# --------------------------------------------------------------------------------------------------


def find_onnx_files(model_dir: os.PathLike | str, quantized: bool = False) -> Tuple[Optional[Dict[str, Path]], List[str]]:
    """Finds the ONNX files the way SynthIE.Inference does: ``encoder_model`` with ``decoder_model_merged`` or the
    pair ``decoder_model`` + ``decoder_with_past_model``, in the directory or its ``onnx/`` subfolder.
    Returns (files, problems); files is None when the set is incomplete."""
    suffix = "_quantized" if quantized else ""
    problems: List[str] = []
    for folder in (Path(model_dir), Path(model_dir) / "onnx"):
        encoder = folder / f"encoder_model{suffix}.onnx"
        if not encoder.is_file():
            continue
        merged = folder / f"decoder_model_merged{suffix}.onnx"
        decoder = folder / f"decoder_model{suffix}.onnx"
        with_past = folder / f"decoder_with_past_model{suffix}.onnx"
        files: Dict[str, Path] = {"encoder": encoder}
        if merged.is_file():
            files["decoder_merged"] = merged
        if decoder.is_file() and with_past.is_file():
            files["decoder"] = decoder
            files["decoder_with_past"] = with_past
        if len(files) > 1:
            return files, problems
        problems.append(f"{folder} has {encoder.name} but no decoder: expected {merged.name}, "
                        f"or both {decoder.name} and {with_past.name}")
        return None, problems
    problems.append(f"no encoder_model{suffix}.onnx in {model_dir} or its onnx/ subfolder")
    return None, problems


def check_model_dir(model_dir: os.PathLike | str) -> List[str]:
    """Everything SynthIE.Inference needs from an exported directory, besides the manifest; returns the problems."""
    model_dir = Path(model_dir)
    files, problems = find_onnx_files(model_dir)
    if files is None:
        quantized, _ = find_onnx_files(model_dir, quantized=True)
        if quantized is not None:
            problems = []
    if not (model_dir / "config.json").is_file():
        problems.append(f"config.json missing in {model_dir}")
    if not (model_dir / "spiece.model").is_file() and not (model_dir / "tokenizer.json").is_file():
        problems.append(f"no tokenizer in {model_dir}: expected spiece.model or tokenizer.json")
    return problems


def world_files(data_dir: os.PathLike | str, world_name: str) -> List[Tuple[Path, Path]]:
    """The files of a SynthIE constrained world in SynthIE's data folder, as (source, path relative to the
    world folder) pairs: ``constrained_worlds/<world>/{entities,relations}.json`` and
    ``id2name_mappings/{entity,relation}_mapping.jsonl``. Checks that they exist and look like SynthIE's formats."""
    data_dir = Path(data_dir)
    worlds_dir = data_dir / "constrained_worlds"
    if not (worlds_dir / world_name).is_dir():
        available = sorted(entry.name for entry in worlds_dir.iterdir() if entry.is_dir()) if worlds_dir.is_dir() else []
        raise ExportError(f"world {world_name!r} not found: no folder {worlds_dir / world_name}"
                          + (f" (worlds there: {', '.join(available)})" if available else
                             " (expected SynthIE's data folder, which holds constrained_worlds/ and id2name_mappings/)"))
    pairs = [(worlds_dir / world_name / name, Path("constrained_worlds") / world_name / name) for name in WORLD_ID_FILES]
    pairs += [(data_dir / "id2name_mappings" / name, Path("id2name_mappings") / name) for name in WORLD_MAPPING_FILES]
    for source, _ in pairs:
        if not source.is_file():
            raise ExportError(f"{source} is missing")
        if source.stat().st_size == 0:
            raise ExportError(f"{source} is empty")
        with open(source, "rb") as stream:
            head = stream.read(4096).decode("utf-8", errors="replace")
        if source.suffix == ".json":
            if not head.lstrip("\ufeff \t\r\n").startswith("["):
                raise ExportError(f"{source} should be a JSON list of Wikidata ids")
        else:
            first_line = head.lstrip("\ufeff").split("\n", 1)[0]
            try:
                record = json.loads(first_line)
            except ValueError:
                raise ExportError(f"{source} line 1 is not a JSON object: {first_line[:80]!r}") from None
            if not isinstance(record, dict) or "id" not in record or "en_label" not in record:
                raise ExportError(f"{source} line 1 should hold \"id\" and \"en_label\": {first_line[:80]!r}")
    return pairs


def install_world(pairs: Sequence[Tuple[Path, Path]], model_dir: os.PathLike | str, link: bool = False) -> Path:
    """Copies (or symlinks) a world's files into ``<model_dir>/world/`` in SynthIE's layout; returns that folder."""
    world_root = Path(model_dir) / WORLD_FOLDER
    for source, relative in pairs:
        destination = world_root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.is_symlink() or destination.exists():
            destination.unlink()
        if link:
            destination.symlink_to(source.resolve())
        else:
            shutil.copyfile(source, destination)
    return world_root


def generation_config_from(config: Mapping[str, Any]) -> Dict[str, Any]:
    """A minimal generation_config.json: the special token ids from the model config."""
    return {
        "decoder_start_token_id": config.get("decoder_start_token_id", 0),
        "eos_token_id": config.get("eos_token_id", 1),
        "pad_token_id": config.get("pad_token_id", 0),
    }


# --------------------------------------------------------------------------------------------------
# The export itself (torch, transformers, sentencepiece and optimum are imported here).
# --------------------------------------------------------------------------------------------------


def export_checkpoint(checkpoint_path: Path, output_dir: Path, preset: Optional[Preset], overrides: Mapping[str, Any],
                      opset: Optional[int], validate: bool, keep_hf_dir: Optional[Path],
                      world: Optional[Tuple[Path, str, bool]], log: Callable[[str], None]) -> Dict[str, Any]:
    """Loads the checkpoint, rebuilds the T5 model, exports it with optimum and writes the manifest (and world)."""
    try:
        import torch
        from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer
        from optimum.exporters.onnx import main_export
    except ImportError as error:
        raise ExportError(f"{error}. The export needs torch, transformers, sentencepiece and optimum's ONNX exporter: "
                          "pip install torch transformers sentencepiece \"optimum-onnx[onnxruntime]\"") from error

    world_pairs = world_files(world[0], world[1]) if world else None
    log(f"loading {checkpoint_path}")
    checkpoint = load_lightning_checkpoint(checkpoint_path)
    hyper_parameters = checkpoint_hyper_parameters(checkpoint)
    settings = resolve_settings(preset, hyper_parameters, overrides, fallback_name=checkpoint_path.stem)
    if settings.base_model is None:
        raise ExportError("no base model known: pass --base-model (google/flan-t5-base or google/flan-t5-large)")

    log(f"base config and tokenizer: {settings.base_model}")
    config = T5Config.from_pretrained(settings.base_model)
    stored = stored_hf_config(hyper_parameters)
    if stored:
        config.update(architecture_fields(stored))
    config_dict = config.to_dict()

    def same(first: Any, second: Any) -> bool:
        return first is second or (first.shape == second.shape and bool(torch.equal(first, second)))

    mapped = map_lightning_state_dict(checkpoint["state_dict"], tie_word_embeddings=bool(config.tie_word_embeddings),
                                      same_tensor=same)
    for note in mapped.notes:
        log(f"note: {note}")
    if mapped.other_keys:
        log(f"not part of the T5 model (left out): {_listing(mapped.other_keys)}")
    mismatches = config_mismatches(config_dict, mapped.dimensions)
    if mismatches:
        raise ExportError(f"the config of {settings.base_model} does not fit the checkpoint's weights: "
                          + "; ".join(mismatches) + ". Pass the matching --base-model.")
    del checkpoint

    weights = {key: value.float() if value.is_floating_point() else value for key, value in mapped.weights.items()}
    model = T5ForConditionalGeneration(config)
    result = model.load_state_dict(weights, strict=False)
    if result.missing_keys or result.unexpected_keys:
        raise ExportError(f"transformers' T5 did not take the weights: missing {result.missing_keys}, "
                          f"unexpected {result.unexpected_keys}")
    model_state = model.state_dict()
    for key in ("shared.weight", "lm_head.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"):
        if not torch.equal(model_state[key], weights[key]):
            raise ExportError(f"after loading, the model's {key} differs from the checkpoint's")
    model.eval()

    output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="synthie-export-") as scratch:
        hf_dir = keep_hf_dir if keep_hf_dir is not None else Path(scratch) / "hf"
        hf_dir.mkdir(parents=True, exist_ok=True)
        log(f"writing the Hugging Face model to {hf_dir}")
        model.save_pretrained(str(hf_dir))
        try:  # SynthIE used transformers 4.23.1, whose T5Tokenizer behaves like today's legacy=True
            tokenizer = T5Tokenizer.from_pretrained(settings.base_model, legacy=True)
        except TypeError:
            tokenizer = T5Tokenizer.from_pretrained(settings.base_model)
        tokenizer.save_pretrained(str(hf_dir))
        del model, weights, mapped

        log(f"exporting to ONNX with optimum ({EXPORT_TASK}) into {output_dir}")
        wanted = {"model_name_or_path": str(hf_dir), "output": str(output_dir), "task": EXPORT_TASK, "device": "cpu",
                  "opset": opset, "do_validation": validate, "local_files_only": True}
        accepted = inspect.signature(main_export).parameters
        main_export(**{key: value for key, value in wanted.items() if key in accepted})

        if not (output_dir / "spiece.model").is_file() and (hf_dir / "spiece.model").is_file():
            shutil.copyfile(hf_dir / "spiece.model", output_dir / "spiece.model")
    if not (output_dir / "generation_config.json").is_file():
        (output_dir / "generation_config.json").write_text(
            json.dumps(generation_config_from(config_dict), indent=2) + "\n", encoding="utf-8")

    problems = check_model_dir(output_dir)
    if problems:
        raise ExportError("the export is incomplete: " + "; ".join(problems))
    world_folder = None
    if world_pairs:
        install_world(world_pairs, output_dir, link=world[2])
        world_folder = WORLD_FOLDER
    manifest = build_manifest(settings, world_folder)
    write_manifest(output_dir, manifest)
    return manifest


# --------------------------------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text}")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, not {text}")
    return value


def _add_setting_flags(parser: argparse.ArgumentParser, with_base_model: bool) -> None:
    group = parser.add_argument_group("settings (default: the preset's; see the 'presets' command)")
    group.add_argument("--preset", choices=sorted(PRESETS),
                       help="which published checkpoint this is" +
                            (" (default: from the checkpoint's file name)" if with_base_model else ""))
    group.add_argument("--name", help="display name written to the manifest (default: the preset's name)")
    group.add_argument("--linearization", choices=LINEARIZATIONS, help="how the model writes facts")
    group.add_argument("--length-penalty", type=_finite_float, help="beam search length penalty")
    group.add_argument("--num-beams", type=_positive_int, help=f"beams (SynthIE: {DEFAULT_NUM_BEAMS})")
    group.add_argument("--max-new-tokens", type=_positive_int, help=f"generated tokens at most (SynthIE: {DEFAULT_MAX_NEW_TOKENS})")
    group.add_argument("--max-input-tokens", type=_positive_int,
                       help=f"input tokens at most, end token included (SynthIE: {DEFAULT_MAX_INPUT_TOKENS})")
    if with_base_model:
        group.add_argument("--base-model", help="Hugging Face id or local folder of the base flan-t5 model, for its config "
                           "and tokenizer (default: the checkpoint's pretrained_model_name_or_path, else the preset's)")


def _add_world_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("world (the names decoding is constrained to)")
    group.add_argument("--world-dir", type=Path, help="SynthIE's data folder, holding constrained_worlds/ and id2name_mappings/")
    group.add_argument("--world-name", default=DEFAULT_WORLD_NAME,
                       help=f"folder under constrained_worlds/ (default: {DEFAULT_WORLD_NAME}, the world SynthIE evaluates with)")
    group.add_argument("--link-world", action="store_true", help="symlink the world's files instead of copying them")


def _overrides(args: argparse.Namespace) -> Dict[str, Any]:
    return {key: getattr(args, key, None) for key in
            ("name", "linearization", "length_penalty", "num_beams", "max_new_tokens", "max_input_tokens", "base_model")}


def _preset_from_args(args: argparse.Namespace, checkpoint: Optional[Path]) -> Optional[Preset]:
    if args.preset:
        return get_preset(args.preset)
    return preset_for_checkpoint(checkpoint) if checkpoint is not None else None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="export_synthie.py",
        description="Convert SynthIE's Lightning checkpoints (synthie_base_sc.ckpt, synthie_base_fe.ckpt, "
                    "synthie_large_fe.ckpt, genie_base_sc.ckpt, genie_base_fe.ckpt) into an ONNX model directory "
                    "for SynthIE.Inference: optimum's T5 export plus synthie.json and, optionally, a constrained world.",
        epilog="Example: export_synthie.py export data/models/synthie_base_sc.ckpt out/synthie_base_sc "
               "--world-dir data. See models/README.md.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    export = commands.add_parser("export", help="convert a checkpoint into a model directory",
                                 description="Load the checkpoint, rebuild flan-t5, export it with optimum "
                                             f"({EXPORT_TASK}), write synthie.json and optionally a world.")
    export.add_argument("checkpoint", type=Path, help="the .ckpt file")
    export.add_argument("output", type=Path, help="the model directory to create")
    _add_setting_flags(export, with_base_model=True)
    _add_world_flags(export)
    group = export.add_argument_group("export")
    group.add_argument("--opset", type=_positive_int, help="ONNX opset (default: optimum's for T5)")
    group.add_argument("--no-validation", action="store_true",
                       help="skip optimum's comparison of the ONNX outputs with PyTorch's")
    group.add_argument("--keep-hf-dir", type=Path, help="also keep the rebuilt Hugging Face PyTorch model in this folder")
    group.add_argument("--force", action="store_true", help="write into an output directory that is not empty")

    inspect_command = commands.add_parser("inspect", help="print what a checkpoint holds (needs torch only)",
                                          description="Read the checkpoint, check its T5 weights and print a JSON "
                                                      "summary with the manifest export would write.")
    inspect_command.add_argument("checkpoint", type=Path, help="the .ckpt file")
    _add_setting_flags(inspect_command, with_base_model=True)

    manifest = commands.add_parser("manifest", help="write synthie.json into an existing ONNX export",
                                   description="Write synthie.json (and optionally a world) into a directory that "
                                               "already holds optimum's T5 export.")
    manifest.add_argument("model_dir", type=Path, help="the exported model directory")
    _add_setting_flags(manifest, with_base_model=False)
    _add_world_flags(manifest)
    manifest.add_argument("--no-file-check", action="store_true",
                          help="write even if the ONNX, config or tokenizer files are not there yet")

    commands.add_parser("presets", help="list the known checkpoints and their settings",
                        description="Print the preset table as JSON.")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)

    def log(message: str) -> None:
        print(f"export_synthie: {message}", file=sys.stderr)

    try:
        if args.command == "presets":
            table = {name: {"base_model": p.base_model, "linearization": p.linearization, "length_penalty": p.length_penalty,
                            "num_beams": p.num_beams, "max_new_tokens": p.max_new_tokens,
                            "max_input_tokens": p.max_input_tokens, "training_data": p.training_data}
                     for name, p in PRESETS.items()}
            print(json.dumps(table, indent=2))
            return 0

        if args.command == "inspect":
            preset = _preset_from_args(args, args.checkpoint)
            checkpoint = load_lightning_checkpoint(args.checkpoint)
            summary = summarize_checkpoint(args.checkpoint, checkpoint, preset, _overrides(args))
            print(json.dumps(summary, indent=2, ensure_ascii=False))
            return 0

        if args.command == "manifest":
            preset = _preset_from_args(args, None)
            if not args.model_dir.is_dir():
                raise ExportError(f"model directory {args.model_dir} not found")
            if not args.no_file_check:
                problems = check_model_dir(args.model_dir)
                if problems:
                    raise ExportError("; ".join(problems) + " (pass --no-file-check to write the manifest anyway)")
            settings = resolve_settings(preset, {}, _overrides(args), fallback_name=args.model_dir.name)
            world_folder = None
            if args.world_dir is not None:
                install_world(world_files(args.world_dir, args.world_name), args.model_dir, link=args.link_world)
                world_folder = WORLD_FOLDER
            path = write_manifest(args.model_dir, build_manifest(settings, world_folder))
            log(f"wrote {path}")
            return 0

        # export
        preset = _preset_from_args(args, args.checkpoint)
        if preset is None and args.length_penalty is None:
            raise ExportError(f"{args.checkpoint.name} is not a known checkpoint name; pass --preset "
                              f"({', '.join(PRESETS)}), or --length-penalty (and --linearization when the "
                              "checkpoint does not record it)")
        if args.output.exists() and any(args.output.iterdir()) and not args.force:
            raise ExportError(f"{args.output} is not empty (pass --force to write into it)")
        world = (args.world_dir, args.world_name, args.link_world) if args.world_dir is not None else None
        manifest = export_checkpoint(args.checkpoint, args.output, preset, _overrides(args), args.opset,
                                     not args.no_validation, args.keep_hf_dir, world, log)
        log(f"done: {args.output}")
        print(json.dumps(manifest, indent=2))
        return 0
    except ExportError as error:
        print(f"export_synthie: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
