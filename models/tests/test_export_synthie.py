#!/usr/bin/env python3
"""Tests for models/export_synthie.py.

Run with Debian's interpreter from the repository root:  /usr/bin/python3 models/tests/test_export_synthie.py
The first group needs only the standard library. The second needs torch (apt-get install python3-torch) and
builds small fake SynthIE checkpoints: a one-layer flan-t5-shaped network under SynthIE's key names, with
hyper-parameters holding objects of libraries that are not installed (transformers, omegaconf, pytorch-lightning),
as a real checkpoint does. Neither group needs transformers or optimum; the ONNX export itself is not run here.
"""

from __future__ import annotations

import contextlib
import json
import math
import subprocess
import sys
import tempfile
import types
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the repository

MODELS_DIR = Path(__file__).resolve().parent.parent
SCRIPT = MODELS_DIR / "export_synthie.py"
sys.path.insert(0, str(MODELS_DIR))

import export_synthie as ex  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

TORCH_MISSING = ("torch is not installed for this interpreter (" + sys.executable + "): "
                 "install Debian's python3-torch (apt-get install -y python3-torch); .ci/run does this")

# A tiny flan-t5-shaped network: gated feed-forward, 2 encoder blocks, 1 decoder block.
VOCAB, MODEL, HEADS, KV, FF, BUCKETS = 40, 8, 2, 4, 12, 32


def t5_shapes(encoder_layers=2, decoder_layers=1, gated=True, prefix="model."):
    """Shapes of every weight GenIEFlanT5PL's state_dict holds, keyed the way SynthIE's checkpoints key them."""
    inner = HEADS * KV
    shapes = {
        "shared.weight": (VOCAB, MODEL),
        "encoder.embed_tokens.weight": (VOCAB, MODEL),
        "decoder.embed_tokens.weight": (VOCAB, MODEL),
        "lm_head.weight": (VOCAB, MODEL),
        "encoder.final_layer_norm.weight": (MODEL,),
        "decoder.final_layer_norm.weight": (MODEL,),
    }
    ff_names = ("wi_0", "wi_1") if gated else ("wi",)

    def attention(at, bias):
        for name in "qkv":
            shapes[f"{at}.{name}.weight"] = (inner, MODEL)
        shapes[f"{at}.o.weight"] = (MODEL, inner)
        if bias:
            shapes[f"{at}.relative_attention_bias.weight"] = (BUCKETS, HEADS)

    def ff(at):
        for name in ff_names:
            shapes[f"{at}.DenseReluDense.{name}.weight"] = (FF, MODEL)
        shapes[f"{at}.DenseReluDense.wo.weight"] = (MODEL, FF)
        shapes[f"{at}.layer_norm.weight"] = (MODEL,)

    for i in range(encoder_layers):
        attention(f"encoder.block.{i}.layer.0.SelfAttention", i == 0)
        shapes[f"encoder.block.{i}.layer.0.layer_norm.weight"] = (MODEL,)
        ff(f"encoder.block.{i}.layer.1")
    for i in range(decoder_layers):
        attention(f"decoder.block.{i}.layer.0.SelfAttention", i == 0)
        shapes[f"decoder.block.{i}.layer.0.layer_norm.weight"] = (MODEL,)
        attention(f"decoder.block.{i}.layer.1.EncDecAttention", False)
        shapes[f"decoder.block.{i}.layer.1.layer_norm.weight"] = (MODEL,)
        ff(f"decoder.block.{i}.layer.2")
    return {prefix + key: value for key, value in shapes.items()}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_synthie_data_dir(root: Path, world: str = "genie_t5_tokenizeable") -> Path:
    """A SynthIE data folder in SynthIE's layout with a three-entity world."""
    write(root / "constrained_worlds" / world / "entities.json", '["Q191069", "Q47716", "Q15643"]')
    write(root / "constrained_worlds" / world / "relations.json", '["P571", "P186"]')
    write(root / "constrained_worlds" / "genie" / "entities.json", '["Q1"]')
    write(root / "constrained_worlds" / "genie" / "relations.json", '["P1"]')
    write(root / "id2name_mappings" / "entity_mapping.jsonl",
          '{"id": "Q191069", "en_label": "Paleoclimatology"}\n{"id": "Q47716", "en_label": "Charleston,_South_Carolina"}\n')
    write(root / "id2name_mappings" / "relation_mapping.jsonl",
          '{"id": "P571", "en_label": "inception"}\n{"id": "P186", "en_label": "material used"}\n')
    return root


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)


class PresetAndSettingsTests(unittest.TestCase):
    def test_presets_match_synthie_inference_configs(self):
        table = {name: (p.base_model, p.linearization, p.length_penalty, p.num_beams, p.max_new_tokens, p.max_input_tokens)
                 for name, p in ex.PRESETS.items()}
        self.assertEqual(table, {
            "synthie_base_sc": ("google/flan-t5-base", "subject_collapsed", 0.6, 10, 256, 256),
            "synthie_base_fe": ("google/flan-t5-base", "fully_expanded", 0.8, 10, 256, 256),
            "synthie_large_fe": ("google/flan-t5-large", "fully_expanded", 0.8, 10, 256, 256),
            "genie_base_sc": ("google/flan-t5-base", "subject_collapsed", 0.6, 10, 256, 256),
            "genie_base_fe": ("google/flan-t5-base", "fully_expanded", 0.8, 10, 256, 256),
        })

    def test_preset_is_found_from_the_checkpoint_file_name(self):
        self.assertEqual(ex.preset_for_checkpoint("data/models/synthie_large_fe.ckpt").name, "synthie_large_fe")
        self.assertEqual(ex.preset_for_checkpoint("/x/GENIE_BASE_SC.ckpt").name, "genie_base_sc")
        self.assertIsNone(ex.preset_for_checkpoint("data/models/last.ckpt"))

    def test_unknown_preset_lists_the_known_ones(self):
        with self.assertRaises(ex.ExportError) as caught:
            ex.get_preset("synthie_small")
        self.assertIn("synthie_base_sc", str(caught.exception))

    def test_settings_come_from_the_preset_then_the_checkpoint(self):
        hyper = {"pretrained_model_name_or_path": "google/flan-t5-base", "linearization_class_id": "subject_collapsed",
                 "default_collator_parameters": {"max_input_length": 200}}
        settings = ex.resolve_settings(ex.PRESETS["synthie_base_sc"], hyper, {})
        self.assertEqual((settings.name, settings.linearization, settings.length_penalty, settings.num_beams,
                          settings.max_new_tokens, settings.max_input_tokens, settings.base_model),
                         ("synthie_base_sc", "subject_collapsed", 0.6, 10, 256, 200, "google/flan-t5-base"))
        self.assertEqual(settings.sources["max_input_tokens"], "checkpoint")
        self.assertEqual(settings.sources["length_penalty"], "preset")

    def test_flags_win(self):
        settings = ex.resolve_settings(ex.PRESETS["synthie_base_fe"], {"linearization_class_id": "fully_expanded"},
                                       {"length_penalty": 1.0, "num_beams": 4, "name": "mine", "base_model": "/m"})
        self.assertEqual((settings.length_penalty, settings.num_beams, settings.name, settings.base_model),
                         (1.0, 4, "mine", "/m"))
        self.assertEqual(settings.sources["num_beams"], "flag")

    def test_a_preset_that_contradicts_the_trained_linearization_is_refused(self):
        with self.assertRaises(ex.ExportError) as caught:
            ex.resolve_settings(ex.PRESETS["synthie_base_sc"], {"linearization_class_id": "fully_expanded"}, {})
        self.assertIn("'fully_expanded'", str(caught.exception))
        settings = ex.resolve_settings(ex.PRESETS["synthie_base_sc"], {"linearization_class_id": "fully_expanded"},
                                       {"linearization": "fully_expanded", "length_penalty": 0.8})
        self.assertEqual(settings.linearization, "fully_expanded")

    def test_without_a_preset_the_length_penalty_must_be_given(self):
        with self.assertRaises(ex.ExportError) as caught:
            ex.resolve_settings(None, {"linearization_class_id": "subject_collapsed"}, {})
        self.assertIn("--length-penalty", str(caught.exception))
        settings = ex.resolve_settings(None, {"linearization_class_id": "subject_collapsed"}, {"length_penalty": 0.7},
                                       fallback_name="run42")
        self.assertEqual((settings.linearization, settings.name, settings.base_model), ("subject_collapsed", "run42", None))


class ManifestTests(unittest.TestCase):
    def test_manifest_file_has_the_schema_fields_in_order(self):
        settings = ex.resolve_settings(ex.PRESETS["synthie_base_sc"], {}, {})
        with tempfile.TemporaryDirectory() as tmp:
            path = ex.write_manifest(tmp, ex.build_manifest(settings, "world"))
            self.assertEqual(path.name, "synthie.json")
            text = path.read_text(encoding="utf-8")
        self.assertTrue(text.endswith("}\n"))
        self.assertEqual(list(json.loads(text).items()), [
            ("schema_version", 1), ("name", "synthie_base_sc"), ("linearization", "subject_collapsed"),
            ("length_penalty", 0.6), ("num_beams", 10), ("max_new_tokens", 256), ("max_input_tokens", 256),
            ("world", "world")])

    def test_manifest_without_world_has_no_world_field(self):
        manifest = ex.build_manifest(ex.resolve_settings(ex.PRESETS["synthie_large_fe"], {}, {}), None)
        self.assertNotIn("world", manifest)
        self.assertEqual((manifest["linearization"], manifest["length_penalty"]), ("fully_expanded", 0.8))

    def test_invalid_manifests_are_refused_naming_the_field(self):
        good = ex.build_manifest(ex.resolve_settings(ex.PRESETS["genie_base_fe"], {}, {}), "world")
        for field, value in [("linearization", "collapsed"), ("num_beams", 0), ("max_new_tokens", 2**31),
                             ("length_penalty", math.nan), ("length_penalty", True), ("world", 3), ("beams", 2)]:
            with self.subTest(field=field, value=value):
                with self.assertRaises(ex.ExportError) as caught:
                    ex.validate_manifest({**good, field: value})
                self.assertIn(field, str(caught.exception))


class KeyMappingTests(unittest.TestCase):
    """The mapping run on shapes only (no tensors), as the standard library allows."""

    def test_synthie_keys_map_onto_t5_keys(self):
        state = t5_shapes()
        state["ts_precision.total_correct"] = ()
        mapped = ex.map_lightning_state_dict(state)
        self.assertEqual(set(mapped.weights), {key[len("model."):] for key in t5_shapes()})
        self.assertEqual(len(mapped.weights), 6 + (10 + 9) + 15)  # embeddings and final norms, 2 encoder blocks, 1 decoder block
        self.assertEqual(mapped.weights["decoder.block.0.layer.1.EncDecAttention.o.weight"], (MODEL, HEADS * KV))
        self.assertEqual(mapped.other_keys, ["ts_precision.total_correct"])
        self.assertEqual(mapped.dimensions, ex.T5Dimensions(VOCAB, MODEL, KV, HEADS, FF, 2, 1, BUCKETS, True))
        self.assertEqual(mapped.notes, [])

    def test_embedding_copies_are_filled_from_shared(self):
        state = t5_shapes()
        del state["model.encoder.embed_tokens.weight"], state["model.decoder.embed_tokens.weight"]
        mapped = ex.map_lightning_state_dict(state)
        self.assertIs(mapped.weights["encoder.embed_tokens.weight"], mapped.weights["shared.weight"])
        self.assertIs(mapped.weights["decoder.embed_tokens.weight"], mapped.weights["shared.weight"])

    def test_untied_lm_head_is_required(self):
        state = t5_shapes()
        del state["model.lm_head.weight"]
        with self.assertRaises(ex.ExportError) as caught:
            ex.map_lightning_state_dict(state, tie_word_embeddings=False)
        self.assertIn("lm_head.weight is missing", str(caught.exception))
        mapped = ex.map_lightning_state_dict(state, tie_word_embeddings=True)
        self.assertIs(mapped.weights["lm_head.weight"], mapped.weights["shared.weight"])

    def test_non_gated_t5_is_recognised(self):
        mapped = ex.map_lightning_state_dict(t5_shapes(encoder_layers=1, decoder_layers=3, gated=False))
        self.assertFalse(mapped.dimensions.gated)
        self.assertEqual((mapped.dimensions.num_layers, mapped.dimensions.num_decoder_layers), (1, 3))
        self.assertIn("decoder.block.2.layer.2.DenseReluDense.wi.weight", mapped.weights)

    def test_missing_unexpected_and_misshaped_weights_are_listed(self):
        state = t5_shapes()
        del state["model.encoder.block.1.layer.1.DenseReluDense.wo.weight"]
        state["model.decoder.block.0.layer.1.EncDecAttention.k.weight"] = (HEADS * KV, MODEL + 1)
        state["model.encoder.block.0.layer.0.SelfAttention.rotary.weight"] = (2,)
        with self.assertRaises(ex.ExportError) as caught:
            ex.map_lightning_state_dict(state)
        message = str(caught.exception)
        self.assertIn("1 missing: encoder.block.1.layer.1.DenseReluDense.wo.weight", message)
        self.assertIn("1 unexpected: encoder.block.0.layer.0.SelfAttention.rotary.weight", message)
        self.assertIn("decoder.block.0.layer.1.EncDecAttention.k.weight (8, 9) (expected (8, 8))", message)

    def test_a_gap_in_the_blocks_is_reported(self):
        state = {key.replace("encoder.block.1.", "encoder.block.2."): value for key, value in t5_shapes().items()}
        with self.assertRaises(ex.ExportError) as caught:
            ex.map_lightning_state_dict(state)
        self.assertIn("encoder blocks [1] are missing", str(caught.exception))

    def test_legacy_cross_attention_bias_is_dropped_with_a_note(self):
        state = t5_shapes()
        state["model.decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight"] = (BUCKETS, HEADS)
        mapped = ex.map_lightning_state_dict(state)
        self.assertNotIn("decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight", mapped.weights)
        self.assertEqual(len(mapped.notes), 1)

    def test_a_state_dict_without_the_model_prefix_is_refused(self):
        with self.assertRaises(ex.ExportError) as caught:
            ex.map_lightning_state_dict(t5_shapes(prefix=""))
        self.assertIn("no weights start with 'model.'", str(caught.exception))

    def test_config_mismatches_name_each_field(self):
        dims = ex.map_lightning_state_dict(t5_shapes()).dimensions
        config = {"vocab_size": VOCAB, "d_model": MODEL, "d_kv": KV, "num_heads": HEADS, "d_ff": FF, "num_layers": 2,
                  "num_decoder_layers": 1, "feed_forward_proj": "gated-gelu"}
        self.assertEqual(ex.config_mismatches(config, dims), [])
        wrong = {**config, "d_model": 768, "num_decoder_layers": None, "feed_forward_proj": "relu"}
        self.assertEqual(ex.config_mismatches(wrong, dims), [
            "d_model: config says 768, weights say 8",
            "num_decoder_layers: config says 2, weights say 1",
            "feed_forward_proj: config says 'relu', weights are gated (wi_0/wi_1)"])

    def test_only_architecture_fields_are_taken_from_a_stored_config(self):
        stored = {"d_model": 768, "tie_word_embeddings": False, "num_beams": 1, "max_length": 20,
                  "_name_or_path": "google/flan-t5-base", "transformers_version": "4.23.1", "eos_token_id": 1}
        self.assertEqual(ex.architecture_fields(stored), {"d_model": 768, "tie_word_embeddings": False, "eos_token_id": 1})


class ModelDirAndWorldTests(unittest.TestCase):
    def test_onnx_files_are_found_like_the_library_finds_them(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            files, problems = ex.find_onnx_files(root)
            self.assertIsNone(files)
            self.assertIn("no encoder_model.onnx", problems[0])
            write(root / "onnx" / "encoder_model.onnx", "")
            files, problems = ex.find_onnx_files(root)
            self.assertIsNone(files)
            self.assertIn("no decoder", problems[0])
            write(root / "onnx" / "decoder_model.onnx", "")
            self.assertIsNone(ex.find_onnx_files(root)[0])
            write(root / "onnx" / "decoder_with_past_model.onnx", "")
            self.assertEqual(set(ex.find_onnx_files(root)[0]), {"encoder", "decoder", "decoder_with_past"})
            write(root / "onnx" / "decoder_model_merged.onnx", "")
            self.assertEqual(ex.find_onnx_files(root)[0]["decoder_merged"].name, "decoder_model_merged.onnx")
            self.assertIsNone(ex.find_onnx_files(root, quantized=True)[0])

    def test_model_dir_check_lists_config_and_tokenizer(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write(root / "encoder_model_quantized.onnx", "")
            write(root / "decoder_model_merged_quantized.onnx", "")
            self.assertEqual(ex.check_model_dir(root), [
                f"config.json missing in {root}", f"no tokenizer in {root}: expected spiece.model or tokenizer.json"])
            write(root / "config.json", "{}")
            write(root / "tokenizer.json", "{}")
            self.assertEqual(ex.check_model_dir(root), [])

    def test_world_is_copied_in_synthie_layout(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = make_synthie_data_dir(Path(tmp) / "data")
            model = Path(tmp) / "model"
            pairs = ex.world_files(data, "genie_t5_tokenizeable")
            root = ex.install_world(pairs, model)
            listed = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
            self.assertEqual(listed, ["constrained_worlds/genie_t5_tokenizeable/entities.json",
                                      "constrained_worlds/genie_t5_tokenizeable/relations.json",
                                      "id2name_mappings/entity_mapping.jsonl", "id2name_mappings/relation_mapping.jsonl"])
            self.assertEqual(json.loads((root / "constrained_worlds/genie_t5_tokenizeable/relations.json").read_text()),
                             ["P571", "P186"])
            self.assertFalse((root / "constrained_worlds" / "genie").exists())

    def test_world_can_be_linked(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = make_synthie_data_dir(Path(tmp) / "data")
            root = ex.install_world(ex.world_files(data, "genie_t5_tokenizeable"), Path(tmp) / "model", link=True)
            link = root / "id2name_mappings" / "entity_mapping.jsonl"
            self.assertTrue(link.is_symlink())
            self.assertEqual(link.resolve(), (data / "id2name_mappings" / "entity_mapping.jsonl").resolve())

    def test_world_problems_name_the_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            data = make_synthie_data_dir(Path(tmp) / "data")
            with self.assertRaises(ex.ExportError) as caught:
                ex.world_files(data, "rebel")
            self.assertIn("worlds there: genie, genie_t5_tokenizeable", str(caught.exception))
            write(data / "id2name_mappings" / "relation_mapping.jsonl", '{"id": "P571", "label": "inception"}\n')
            with self.assertRaises(ex.ExportError) as caught:
                ex.world_files(data, "genie")
            self.assertIn("relation_mapping.jsonl line 1", str(caught.exception))
            write(data / "constrained_worlds" / "genie" / "entities.json", '{"Q1": 1}')
            with self.assertRaises(ex.ExportError) as caught:
                ex.world_files(data, "genie")
            self.assertIn("entities.json should be a JSON list", str(caught.exception))


class CommandLineTests(unittest.TestCase):
    def test_help_names_every_command(self):
        result = run_script("--help")
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in ("export", "inspect", "manifest", "presets"):
            self.assertIn(command, result.stdout)
        export_help = run_script("export", "--help")
        self.assertEqual(export_help.returncode, 0, export_help.stderr)
        for flag in ("--preset", "--length-penalty", "--world-dir", "--world-name", "--base-model", "--opset"):
            self.assertIn(flag, export_help.stdout)

    def test_presets_command_prints_the_table(self):
        result = run_script("presets")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["synthie_base_sc"]["length_penalty"], 0.6)

    def test_manifest_command_writes_manifest_and_world(self):
        with tempfile.TemporaryDirectory() as tmp:
            model = Path(tmp) / "model"
            for name in ("encoder_model.onnx", "decoder_model_merged.onnx", "config.json", "spiece.model"):
                write(model / name, "")
            data = make_synthie_data_dir(Path(tmp) / "data")
            result = run_script("manifest", str(model), "--preset", "synthie_base_fe", "--world-dir", str(data))
            self.assertEqual(result.returncode, 0, result.stderr)
            manifest = json.loads((model / "synthie.json").read_text())
            self.assertEqual((manifest["linearization"], manifest["length_penalty"], manifest["world"]),
                             ("fully_expanded", 0.8, "world"))
            self.assertTrue((model / "world/constrained_worlds/genie_t5_tokenizeable/entities.json").is_file())

    def test_manifest_command_refuses_an_incomplete_export(self):
        with tempfile.TemporaryDirectory() as tmp:
            result = run_script("manifest", tmp, "--preset", "synthie_base_sc")
            self.assertEqual(result.returncode, 1)
            self.assertIn("no encoder_model.onnx", result.stderr)
            self.assertFalse((Path(tmp) / "synthie.json").exists())
            forced = run_script("manifest", tmp, "--preset", "synthie_base_sc", "--no-file-check")
            self.assertEqual(forced.returncode, 0, forced.stderr)
            self.assertTrue((Path(tmp) / "synthie.json").is_file())

    def test_export_without_the_libraries_says_what_to_install(self):
        with tempfile.TemporaryDirectory() as tmp:
            checkpoint = write(Path(tmp) / "synthie_base_sc.ckpt", "not used")
            result = run_script("export", str(checkpoint), str(Path(tmp) / "out"))
        try:
            import transformers  # noqa: F401
            import optimum.exporters.onnx  # noqa: F401
            self.skipTest("transformers and optimum are installed; this checks the message shown without them")
        except ImportError:
            pass
        self.assertEqual(result.returncode, 1)
        self.assertIn("pip install", result.stderr)
        self.assertNotIn("Traceback", result.stderr)


# ----------------------------------------------------------------------------------------------------------
# With torch: fake checkpoints written with torch.save and read back by the script.
# ----------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def foreign_classes():
    """Registers stand-ins for the classes a real SynthIE checkpoint pickles (transformers' T5Config, omegaconf's
    DictConfig and AnyNode, pytorch-lightning's AttributeDict) so torch.save can write them, then removes them, as
    on a machine without those libraries."""
    created = {}

    def module(name):
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            full = ".".join(parts[:i])
            if full not in sys.modules:
                sys.modules[full] = created[full] = types.ModuleType(full)
        return sys.modules[name]

    def define(module_name, class_name, bases=(object,), body=None):
        cls = type(class_name, bases, dict(body or {}))
        cls.__module__ = module_name
        cls.__qualname__ = class_name
        setattr(module(module_name), class_name, cls)
        return cls

    class Namespace:
        pass

    ns = Namespace()
    ns.T5Config = define("transformers.models.t5.configuration_t5", "T5Config")
    ns.AnyNode = define("omegaconf.nodes", "AnyNode",
                        body={"__getstate__": lambda self: {"_val": self.val, "_metadata": None, "_parent": None},
                              "__init__": lambda self, val=None: setattr(self, "val", val)})
    ns.DictConfig = define("omegaconf.dictconfig", "DictConfig",
                           body={"__getstate__": lambda self: {"_content": self.content, "_metadata": None,
                                                               "_parent": self.parent, "_flags_cache": None},
                                 "__init__": lambda self, content=None, parent=None: (
                                     setattr(self, "content", content), setattr(self, "parent", parent))[0]})
    ns.AttributeDict = define("pytorch_lightning.utilities.parsing", "AttributeDict", bases=(dict,))
    try:
        yield ns
    finally:
        for name in created:
            sys.modules.pop(name, None)


def fake_checkpoint(path: Path, linearization="subject_collapsed", tie_embeddings_in_file=True, seed=0):
    """Writes a Lightning-style checkpoint of a tiny flan-t5-shaped network under SynthIE's key names."""
    generator = torch.Generator().manual_seed(seed)
    state = {}
    shared = None
    for key, shape in t5_shapes().items():
        if key in ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"):
            continue
        state[key] = torch.randn(*shape, generator=generator)
        if key == "model.shared.weight":
            shared = state[key]
    if tie_embeddings_in_file:  # one tensor under three names, as T5's state_dict holds it
        state["model.encoder.embed_tokens.weight"] = shared
        state["model.decoder.embed_tokens.weight"] = shared
    else:
        state["model.encoder.embed_tokens.weight"] = shared.clone()
        state["model.decoder.embed_tokens.weight"] = shared + 1.0
    with foreign_classes() as ns:
        config = ns.T5Config()
        config.__dict__.update({"vocab_size": VOCAB, "d_model": MODEL, "d_kv": KV, "d_ff": FF, "num_layers": 2,
                                "num_decoder_layers": 1, "num_heads": HEADS, "feed_forward_proj": "gated-gelu",
                                "tie_word_embeddings": False, "num_beams": 1, "torch_dtype": torch.float32,
                                "_name_or_path": "google/flan-t5-base"})
        root = ns.DictConfig({}, None)
        generation = ns.DictConfig({"num_beams": ns.AnyNode(10), "length_penalty": ns.AnyNode(1.0),
                                    "max_new_tokens": ns.AnyNode(256)}, root)
        inference = ns.DictConfig({"hf_generation_params": generation}, root)
        collator = ns.DictConfig({"max_input_length": ns.AnyNode(256), "padding": ns.AnyNode("longest")}, root)
        hyper = ns.AttributeDict()
        hyper.update({"from_pretrained": True, "pretrained_model_name_or_path": "google/flan-t5-base",
                      "linearization_class_id": linearization, "default_collator_parameters": collator,
                      "inference": inference, "eps": 0.1, "hf_config": config})
        torch.save({"epoch": 3, "global_step": 1200, "pytorch-lightning_version": "1.7.7",
                    "state_dict": state, "hparams_name": "kwargs", "hyper_parameters": hyper}, str(path))
    return state


@unittest.skipIf(torch is None, TORCH_MISSING)
class CheckpointTests(unittest.TestCase):
    def test_a_fake_checkpoint_loads_without_its_libraries(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthie_base_sc.ckpt"
            original = fake_checkpoint(path)
            for name in ("transformers", "omegaconf", "pytorch_lightning"):
                self.assertNotIn(name, sys.modules)
            checkpoint = ex.load_lightning_checkpoint(path)
        for name in ("transformers", "omegaconf", "pytorch_lightning"):
            self.assertNotIn(name, sys.modules, "the loader must not import " + name)
        self.assertEqual((checkpoint["epoch"], checkpoint["global_step"]), (3, 1200))

        hyper = ex.checkpoint_hyper_parameters(checkpoint)
        self.assertEqual(hyper["pretrained_model_name_or_path"], "google/flan-t5-base")
        self.assertEqual(hyper["linearization_class_id"], "subject_collapsed")
        self.assertEqual(hyper["default_collator_parameters"], {"max_input_length": 256, "padding": "longest"})
        self.assertEqual(hyper["inference"], {"hf_generation_params": {"num_beams": 10, "length_penalty": 1.0,
                                                                       "max_new_tokens": 256}})
        stored = ex.stored_hf_config(hyper)
        self.assertEqual(ex.architecture_fields(stored), {
            "vocab_size": VOCAB, "d_model": MODEL, "d_kv": KV, "d_ff": FF, "num_layers": 2, "num_decoder_layers": 1,
            "num_heads": HEADS, "feed_forward_proj": "gated-gelu", "tie_word_embeddings": False})

        mapped = ex.map_lightning_state_dict(checkpoint["state_dict"], tie_word_embeddings=False)
        self.assertEqual(ex.config_mismatches(stored, mapped.dimensions), [])
        self.assertEqual(len(mapped.weights), 40)
        for key, value in mapped.weights.items():
            self.assertEqual(tuple(value.shape), t5_shapes()["model." + key], key)
            self.assertTrue(torch.equal(value, original["model." + key]), key)
        self.assertIs(mapped.weights["encoder.embed_tokens.weight"], mapped.weights["shared.weight"])
        self.assertFalse(mapped.lm_head_equals_shared)
        self.assertEqual(mapped.weights["shared.weight"].dtype, torch.float32)

    def test_embedding_copies_that_differ_from_shared_are_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthie_base_sc.ckpt"
            fake_checkpoint(path, tie_embeddings_in_file=False)
            checkpoint = ex.load_lightning_checkpoint(path)
        with self.assertRaises(ex.ExportError) as caught:
            ex.map_lightning_state_dict(checkpoint["state_dict"])
        self.assertIn("decoder.embed_tokens.weight differs from shared.weight", str(caught.exception))

    def test_a_file_that_is_not_a_lightning_checkpoint_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "weights.pt"
            torch.save({"shared.weight": torch.zeros(2, 2)}, str(path))
            with self.assertRaises(ex.ExportError) as caught:
                ex.load_lightning_checkpoint(path)
            self.assertIn("has no 'state_dict' (found: shared.weight)", str(caught.exception))
            garbage = write(Path(tmp) / "broken.ckpt", "this is not a checkpoint")
            with self.assertRaises(ex.ExportError) as caught:
                ex.load_lightning_checkpoint(garbage)
            self.assertIn("could not be read as a torch checkpoint", str(caught.exception))

    def test_inspect_prints_dimensions_and_the_manifest(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthie_base_sc.ckpt"
            fake_checkpoint(path)
            result = run_script("inspect", str(path))
        self.assertEqual(result.returncode, 0, result.stderr)
        summary = json.loads(result.stdout)
        self.assertEqual(summary["preset"], "synthie_base_sc")
        self.assertEqual(summary["dimensions"], {
            "vocab_size": VOCAB, "d_model": MODEL, "d_kv": KV, "num_heads": HEADS, "d_ff": FF, "num_layers": 2,
            "num_decoder_layers": 1, "relative_attention_num_buckets": BUCKETS, "gated_feed_forward": True})
        self.assertEqual(summary["stored_config_mismatches"], [])
        self.assertEqual(summary["weights"]["t5_keys"], 40)
        self.assertEqual(summary["weights"]["dtypes"], {"torch.float32": 40})
        self.assertEqual(summary["weights"]["lm_head_equals_shared"], False)
        expected_parameters = sum(math.prod(shape) for key, shape in t5_shapes().items()
                                  if key not in ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"))
        self.assertEqual(summary["weights"]["parameters"], expected_parameters)
        self.assertEqual(summary["base_model"], "google/flan-t5-base")
        self.assertEqual(summary["manifest"], {
            "schema_version": 1, "name": "synthie_base_sc", "linearization": "subject_collapsed", "length_penalty": 0.6,
            "num_beams": 10, "max_new_tokens": 256, "max_input_tokens": 256, "world": "world"})

    def test_inspect_refuses_a_preset_that_contradicts_the_checkpoint(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "synthie_base_sc.ckpt"
            fake_checkpoint(path, linearization="fully_expanded")
            result = run_script("inspect", str(path))
        self.assertEqual(result.returncode, 1)
        self.assertIn("trained with linearization 'fully_expanded'", result.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
