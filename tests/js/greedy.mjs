// Greedy decoding with transformers.js over a local T5 model in optimum's ONNX layout: an independent reference for
// SynthIE.Inference's own greedy decoder (same ONNX files, different runtime code: transformers.js's generate(),
// its merged-decoder KV-cache plumbing and argmax).
//
//   node greedy.mjs <model-dir> <input.json> [--threads N] [--warmup K] [--timings-json]   > output.json
//
// Options (for the benchmarks; the defaults keep the plain call above unchanged):
//   --threads N       ONNX Runtime intra-op threads (session option intraOpNumThreads; default: ONNX Runtime's own).
//   --no-spin         intra-op threads block instead of spinning while they wait (session.intra_op.allow_spinning = 0).
//   --warmup K        generate the first K inputs once, untimed, before the timed pass (default 0).
//   --timings-json    add "timings": { "load_ms", "generate_ms", "run_ms", "per_input_ms": [...], "threads", "spinning",
//                     "warmup" } to stdout; run_ms is the part of generate_ms spent awaiting onnxruntime-node's session.run
//                     (inference plus the binding's tensor conversions), the rest is transformers.js's own work.
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
// stderr: timings (always), in words.
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

const usage = "usage: node greedy.mjs <model-dir> <input.json> [--threads N] [--no-spin] [--warmup K] [--timings-json]";
const positional = [];
const flags = { threads: undefined, warmup: 0, timingsJson: false, noSpin: false };
for (let i = 2; i < process.argv.length; ++i) {
  const argument = process.argv[i];
  if (argument === "--timings-json") {
    flags.timingsJson = true;
  } else if (argument === "--no-spin") {
    flags.noSpin = true;
  } else if (argument === "--threads" || argument === "--warmup") {
    const value = Number(process.argv[++i]);
    if (!Number.isInteger(value) || value < (argument === "--threads" ? 1 : 0)) {
      fail(`${argument} needs a ${argument === "--threads" ? "positive" : "non-negative"} integer, not ${JSON.stringify(process.argv[i])}`);
    }
    flags[argument.slice(2)] = value;
  } else if (argument.startsWith("--")) {
    fail(`unknown option ${argument}; ${usage}`);
  } else {
    positional.push(argument);
  }
}
const [modelArgument, inputArgument] = positional;
if (!modelArgument || !inputArgument || positional.length > 2) {
  fail(usage);
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
if (flags.warmup > request.inputs.length) {
  fail(`--warmup ${flags.warmup} exceeds the ${request.inputs.length} inputs`);
}

// Local files only: the model id is the folder name, resolved under its parent folder.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.dirname(modelDir) + path.sep;

const loadStart = performance.now();
let model;
try {
  const session_options = flags.threads === undefined ? {} : { intraOpNumThreads: flags.threads, interOpNumThreads: 1 };
  if (flags.noSpin) {
    session_options.extra = { session: { intra_op: { allow_spinning: "0" } } };
  }
  model = await AutoModelForSeq2SeqLM.from_pretrained(path.basename(modelDir), { dtype: "fp32", device: "cpu", session_options });
} catch (error) {
  fail(`cannot load ${modelDir}: ${error.message}`);
}
const loadMs = performance.now() - loadStart;
process.stderr.write(`loaded ${modelDir} in ${loadMs.toFixed(0)} ms\n`);

/** One batch-1 generate() call for request.inputs[index]; returns the sequence with the start token. */
async function generateOne(index) {
  const input = request.inputs[index];
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
  return sequences.tolist()[0].map(Number);
}

// Time spent awaiting session.run, for the share of generate() spent outside ONNX Runtime.
let runMs = 0;
for (const session of Object.values(model.sessions)) {
  const run = session.run.bind(session);
  session.run = async (...args) => {
    const start = performance.now();
    try {
      return await run(...args);
    } finally {
      runMs += performance.now() - start;
    }
  };
}

for (let index = 0; index < flags.warmup; ++index) {
  await generateOne(index);
}
runMs = 0;

const outputs = [];
const perInputMs = [];
const generateStart = performance.now();
for (let index = 0; index < request.inputs.length; ++index) {
  const start = performance.now();
  outputs.push({ sequence: await generateOne(index) });
  perInputMs.push(performance.now() - start);
}
const generateMs = performance.now() - generateStart;
process.stderr.write(`generated ${outputs.length} sequences in ${generateMs.toFixed(0)} ms\n`);

const result = { transformers_js: env.version, outputs };
if (flags.timingsJson) {
  result.timings = { load_ms: loadMs, generate_ms: generateMs, run_ms: runMs, per_input_ms: perInputMs, threads: flags.threads ?? null, spinning: !flags.noSpin, warmup: flags.warmup };
}
process.stdout.write(JSON.stringify(result) + "\n");
await model.dispose();
