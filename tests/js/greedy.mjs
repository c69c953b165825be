// Greedy decoding with transformers.js over a local T5 model in optimum's ONNX layout: an independent reference for
// SynthIE.Inference's own greedy decoder (same ONNX files, different runtime code: transformers.js's generate(),
// its merged-decoder KV-cache plumbing and argmax).
//
//   node greedy.mjs <model-dir> <input.json>   > output.json
//
// <model-dir> holds config.json, generation_config.json and onnx/encoder_model.onnx + onnx/decoder_model_merged.onnx
// (fp32; T5TestModel.Write with WriteTransformersJsLayout = true writes them). tokenizer files may be there but are
// not used: inputs are token ids, so transformers.js's tokenizer approximation plays no part.
//
// input.json:
//   {
//     "inputs": [ { "ids": [37, 1263, 1] }, ... ],      encoder input ids, one batch-1 generate() per entry
//     "max_new_tokens": 64,
//     "allowed": optional constraint map(s): an object for all inputs, or an array with one object (or null) per input.
//                Key: the decoder prefix so far, ids joined by "," and starting with the decoder start token 0
//                ("0", "0,784", ...). Value: the ids allowed next; every other id gets -Infinity before the argmax.
//                A prefix that is not in the map is an error (nothing is silently left unconstrained).
//   }
//
// stdout: { "transformers_js": "<version>", "outputs": [ { "sequence": [0, ..., 1] }, ... ] }
//   Each sequence starts with the decoder start token 0 and ends with EOS (1) or at max_new_tokens new tokens.
// stderr: timings.
import fs from "node:fs";
import path from "node:path";
import { AutoModelForSeq2SeqLM, LogitsProcessor, Tensor, env } from "@huggingface/transformers";

/** Sets every logit whose id is not allowed after the current decoder prefix to -Infinity. */
class PrefixAllowedLogitsProcessor extends LogitsProcessor {
  /** @param {Record<string, number[]>} allowed prefix key -> allowed ids */
  constructor(allowed, inputIndex) {
    super();
    this.allowed = allowed;
    this.inputIndex = inputIndex;
  }

  _call(inputIds, logits) {
    for (let row = 0; row < inputIds.length; ++row) {
      const key = inputIds[row].map(String).join(",");
      const ids = this.allowed[key];
      if (ids === undefined) {
        throw new Error(`input ${this.inputIndex}: no allowed ids for decoder prefix [${key}] in the constraint map`);
      }
      const data = logits[row].data;
      const keep = new Float32Array(ids.length);
      ids.forEach((id, i) => {
        if (!Number.isInteger(id) || id < 0 || id >= data.length) {
          throw new Error(`input ${this.inputIndex}: allowed id ${id} for prefix [${key}] is outside 0..${data.length - 1}`);
        }
        keep[i] = data[id];
      });
      data.fill(-Infinity);
      ids.forEach((id, i) => {
        data[id] = keep[i];
      });
    }
    return logits;
  }
}

function fail(message) {
  process.stderr.write(`greedy.mjs: ${message}\n`);
  process.exit(2);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    fail(`cannot read ${file}: ${error.message}`);
  }
}

const [modelArgument, inputArgument] = process.argv.slice(2);
if (!modelArgument || !inputArgument) {
  fail("usage: node greedy.mjs <model-dir> <input.json>");
}

const modelDir = path.resolve(modelArgument);
for (const required of ["config.json", "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx"]) {
  if (!fs.existsSync(path.join(modelDir, required))) {
    fail(`${path.join(modelDir, required)} is missing`);
  }
}

const request = readJson(inputArgument);
if (!Array.isArray(request.inputs) || request.inputs.length === 0) {
  fail(`${inputArgument}: "inputs" must be a non-empty array of { "ids": [...] }`);
}
if (!Number.isInteger(request.max_new_tokens) || request.max_new_tokens < 1) {
  fail(`${inputArgument}: "max_new_tokens" must be a positive integer, not ${JSON.stringify(request.max_new_tokens)}`);
}
if (Array.isArray(request.allowed) && request.allowed.length !== request.inputs.length) {
  fail(`${inputArgument}: "allowed" has ${request.allowed.length} maps for ${request.inputs.length} inputs`);
}

// Local files only: the model id is the folder name, resolved under its parent folder.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(modelDir) + path.sep;

const loadStart = performance.now();
let model;
try {
  model = await AutoModelForSeq2SeqLM.from_pretrained(path.basename(modelDir), { dtype: "fp32", device: "cpu" });
} catch (error) {
  fail(`cannot load ${modelDir}: ${error.message}`);
}
process.stderr.write(`loaded ${modelDir} in ${(performance.now() - loadStart).toFixed(0)} ms\n`);

const outputs = [];
const generateStart = performance.now();
for (const [index, input] of request.inputs.entries()) {
  const ids = input.ids;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every(Number.isInteger)) {
    fail(`${inputArgument}: inputs[${index}].ids must be a non-empty array of integers`);
  }
  const inputIds = new Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
  const attentionMask = new Tensor("int64", new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
  const allowed = Array.isArray(request.allowed) ? request.allowed[index] : request.allowed;
  let sequences;
  try {
    sequences = await model.generate({
      input_ids: inputIds,
      attention_mask: attentionMask,
      max_new_tokens: request.max_new_tokens,
      do_sample: false,
      num_beams: 1,
      logits_processor: allowed ? [new PrefixAllowedLogitsProcessor(allowed, index)] : null,
    });
  } catch (error) {
    fail(`inputs[${index}]: ${error.message}`);
  }
  outputs.push({ sequence: sequences.tolist()[0].map(Number) });
}
process.stderr.write(`generated ${outputs.length} sequences in ${(performance.now() - generateStart).toFixed(0)} ms\n`);

process.stdout.write(JSON.stringify({ transformers_js: env.version, outputs }) + "\n");
await model.dispose();
