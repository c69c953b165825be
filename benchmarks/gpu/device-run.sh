#!/usr/bin/env bash
# The GPU benchmark of issue 14, run ON the GPU machine (no .NET, no network): see benchmarks/README.md,
# "GPU benchmark (issue 14)". It unpacks the bundle benchmarks/gpu/prepare.sh made (parts carried into .gpu-bundle/),
# points LD_LIBRARY_PATH at the Python environment's NVIDIA libraries, generates the flan-t5-base- and -large-shaped
# models there, and measures, per shape: ours on CUDA, the PyTorch baseline (transformers generate) on the same GPU,
# ours on the CPU; then prints one table (also table.md, results.json, run.log, gpu-memory.log in $OUT).
#
#   device-run.sh --receive          only list the bundle parts present and check them (the command of a transfer call)
#   device-run.sh [options]          the benchmark
#   device-run.sh --dry-run          every step on a machine without a GPU: the tiny model, CPU only (the CUDA step is
#                                    tried and must fail cleanly), PyTorch on the CPU (with benchmarks/gpu/stub when
#                                    transformers is missing), check_cpu.py; no nvidia-smi
# Options:
#   --models base,large    shapes, in this order (dry run: tiny)
#   --batches 1,8,32,64    batch sizes (dry run: 1,4)
#   --beams 10             beams of the main rows; greedy rows are added unless --no-greedy
#   --budget SECONDS       the whole run, unpacking and model generation included (default 450); rows that would not
#                          fit are skipped and the table says so
#   --no-cpu --no-cuda --no-hf --no-greedy   leave a side out
#   --cuda-merged          also ours on CUDA with the merged decoder instead of decoder_model + decoder_with_past (the
#                          CUDA default; both with device binding) (table column "CUDA merged"; takes 15 of the shape's 40 %)
#   --cuda-host            also ours on CUDA without device binding (the host-memory path; column "CUDA host")
#   --app DIR              a published benchmark app to use instead of the bundle's
#   --out DIR              results folder (default: $OUT when set, else .gpu-bundle/results)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/benchmarks/gpu"
bundle="$root/.gpu-bundle"
cd "$root"

receive=0 dry=0 models="" batches="" beams=10 budget=450 app="" out="${OUT:-}"
run_cpu=1 run_cuda=1 run_hf=1 greedy=1 cuda_merged=0 cuda_host=0
while [ $# -gt 0 ]; do
  case "$1" in
    --receive) receive=1 ;;
    --dry-run) dry=1 ;;
    --models) models=$2; shift ;;
    --batches) batches=$2; shift ;;
    --beams) beams=$2; shift ;;
    --budget) budget=$2; shift ;;
    --app) app=$2; shift ;;
    --out) out=$2; shift ;;
    --no-cpu) run_cpu=0 ;;
    --no-cuda) run_cuda=0 ;;
    --no-hf) run_hf=0 ;;
    --no-greedy) greedy=0 ;;
    --cuda-merged) cuda_merged=1 ;;
    --cuda-host) cuda_host=1 ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "device-run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ $dry -eq 1 ]; then
  models=${models:-tiny}; batches=${batches:-1,4}
else
  models=${models:-base,large}; batches=${batches:-1,8,32,64}
fi
py=${PYTHON:-python3}
if [ $dry -eq 1 ] && [ -z "${PYTHON:-}" ] && [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; fi  # Debian's: torch, onnx
start_s=$(date +%s)
elapsed() { echo $(( $(date +%s) - start_s )); }
left() { echo $(( budget - $(elapsed) )); }
say() { echo "== [$(elapsed) s] $*"; }

# ---- the bundle: parts listed in parts.sha256, reassembled into unpacked/<id>/{app,shared}
check_parts() {  # 0: all parts present and intact; 1: some missing; 3: one does not match parts.sha256
  local missing=0 corrupt=0 sum name
  if [ ! -f "$bundle/parts.sha256" ]; then
    echo "no $bundle/parts.sha256: carry it with the first part (see benchmarks/README.md)"; return 1
  fi
  while read -r sum name; do
    if [ ! -f "$bundle/$name" ]; then
      echo "missing  $name"; missing=1
    elif [ "$(sha256sum "$bundle/$name" | cut -d' ' -f1)" = "$sum" ]; then
      echo "present  $name ($(stat -c %s "$bundle/$name") bytes, intact)"
    else
      echo "CORRUPT  $name (does not match parts.sha256)"; corrupt=1
    fi
  done < "$bundle/parts.sha256"
  [ $corrupt -eq 0 ] || return 3
  [ $missing -eq 0 ] || return 1
  echo "all parts present and intact"
}

decompress() {  # stdin -> stdout
  if command -v zstd >/dev/null 2>&1; then zstd -dc
  elif [ -x "$bundle/zstd" ]; then "$bundle/zstd" -dc
  elif "$py" -c 'import zstandard' 2>/dev/null; then
    "$py" -c 'import sys, zstandard; zstandard.ZstdDecompressor().copy_stream(sys.stdin.buffer, sys.stdout.buffer)'
  elif "$py" -c 'import pyarrow' 2>/dev/null; then
    "$py" -c 'import shutil, sys, pyarrow as pa; shutil.copyfileobj(pa.CompressedInputStream(pa.PythonFile(sys.stdin.buffer, mode="r"), "zstd"), sys.stdout.buffer, 1 << 22)'
  else
    echo "no zstd decompressor (zstd, .gpu-bundle/zstd, python zstandard or pyarrow)" >&2; return 1
  fi
}

unpack() {
  check_parts >/dev/null || { check_parts; return 1; }
  local id; id=$(sha256sum "$bundle/parts.sha256" | cut -c1-12)
  unpacked="$bundle/unpacked/$id"
  if [ ! -f "$unpacked/.complete" ]; then
    rm -rf "$bundle/unpacked"; mkdir -p "$unpacked"
    local name
    while read -r _ name; do cat "$bundle/$name"; done < "$bundle/parts.sha256" | decompress | tar -x -C "$unpacked" || return 1
    touch "$unpacked/.complete"
  fi
  app="$unpacked/app"
  export SYNTHIE_SHARED_DIR="$unpacked/shared"
}

if [ $receive -eq 1 ]; then  # a transfer call: fine while the parts so far are intact
  check_parts; rc=$?
  [ $rc -eq 1 ] && echo "(more parts to come)" && rc=0
  exit $rc
fi

# ---- results folder and log
work="$bundle/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$work"
out=${out:-$bundle/results}
mkdir -p "$out"
exec > >(tee "$work/run.log") 2>&1
say "GPU benchmark (issue 14): models $models, batches $batches, beams $beams, budget $budget s$([ $dry -eq 1 ] && echo ', DRY RUN on the CPU')"

if [ -z "$app" ]; then
  say "unpacking the bundle"
  unpack || { echo "device-run.sh: the bundle is not complete (see above)"; exit 1; }
elif [ -z "${SYNTHIE_SHARED_DIR:-}" ] && [ -d "$root/../shared" ]; then
  export SYNTHIE_SHARED_DIR="$root/../shared"
fi
bin="$app/SynthIE.Inference.Benchmarks"
[ -x "$bin" ] || { echo "device-run.sh: no benchmark app at $bin"; exit 1; }
say "app $app; shared data ${SYNTHIE_SHARED_DIR:-?}"

# ---- NVIDIA libraries of the Python environment (cuBLAS, cuDNN, ...) for ONNX Runtime's CUDA provider
nvidia_dirs=$("$py" - <<'EOF' 2>/dev/null
import glob, os
try:
    import nvidia
    roots = list(nvidia.__path__)
except Exception:
    roots = []
found = set()
for r in roots:
    for p in glob.glob(os.path.join(r, "**", "lib*.so*"), recursive=True):
        if os.path.basename(os.path.dirname(p)) != "stubs":  # link-time stubs must not shadow the driver
            found.add(os.path.dirname(p))
print(":".join(sorted(found)))
EOF
)
# then the toolkit's and the driver's folders, for anything the wheels lack (libcuda.so.1 comes with the driver)
for d in /usr/local/cuda/lib64 /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && nvidia_dirs="${nvidia_dirs:+$nvidia_dirs:}$d"
done
export LD_LIBRARY_PATH="${nvidia_dirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
say "LD_LIBRARY_PATH: ${LD_LIBRARY_PATH:-(empty)}"
if [ -f "$app/libonnxruntime_providers_cuda.so" ]; then
  not_found=$(ldd "$app/libonnxruntime_providers_cuda.so" 2>/dev/null | grep 'not found' | awk '{print $1}' | tr '\n' ' ')
  say "CUDA provider's libraries not found: ${not_found:-none}"
fi

# ---- environment
gpu="none"; driver="none"; mem_before=0
if [ $dry -eq 0 ] && command -v nvidia-smi >/dev/null 2>&1; then
  IFS=, read -r gpu driver mem_before _ < <(nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv,noheader,nounits | head -1)
  gpu=$(echo "$gpu" | xargs); driver=$(echo "$driver" | xargs); mem_before=$(echo "$mem_before" | xargs)
fi
torch_version=$("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo none)
tf_version=$("$py" -c 'import transformers; print(transformers.__version__)' 2>/dev/null || echo none)
ort_version=$(basename "$(ls "$app"/libonnxruntime.so.* 2>/dev/null | head -1)" | sed 's/libonnxruntime.so.//')
cat > "$work/environment.json" <<EOF
{"gpu": "$gpu", "driver": "$driver", "gpu_memory_used_before_mib": ${mem_before:-0}, "cpu_cores": $(nproc),
 "torch": "$torch_version", "transformers": "$tf_version", "ort_version": "${ort_version:-1.32.0}",
 "started": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "budget_seconds": $budget, "models": "$models", "batches": "$batches",
 "dry_run": $([ $dry -eq 1 ] && echo true || echo false)}
EOF
say "GPU $gpu (driver $driver, $mem_before MiB in use), $(nproc) cores, torch $torch_version, transformers $tf_version"

# ---- GPU memory sampler (nvidia-smi every ~200 ms) and bandwidth
sampler=""
if [ $dry -eq 0 ] && command -v nvidia-smi >/dev/null 2>&1; then
  ( while :; do
      m=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -i 0 2>/dev/null | head -1)
      echo "$(date +%s%3N) $m"; sleep 0.2
    done ) > "$work/gpu-memory.log" &
  sampler=$!
  trap '[ -n "$sampler" ] && kill $sampler 2>/dev/null' EXIT
  timeout 60 "$py" "$here/memory_bandwidth.py" > "$work/bandwidth.json" 2>"$work/bandwidth.err" \
    && say "copy bandwidth: $(cat "$work/bandwidth.json")" || { say "bandwidth measurement failed: $(tail -2 "$work/bandwidth.err")"; rm -f "$work/bandwidth.json"; }
fi

# ---- one step under its own budget: a hard timeout a little above it, so one runaway step cannot eat the rest
step() {  # step SECONDS LABEL command...
  local seconds=$1 label=$2; shift 2
  if [ "$seconds" -lt 15 ]; then say "$label: skipped (budget left: $(left) s)"; echo "$label: skipped, budget" >> "$work/skipped.txt"; return 1; fi
  say "$label (budget $seconds s)"
  timeout --kill-after=10 $(( seconds + 30 )) "$@"
  local rc=$?
  [ $rc -eq 0 ] || say "$label: exit status $rc$([ $rc -eq 124 ] && echo ' (timed out; rows written so far are kept)')"
  return $rc
}

greedy_flag=(); [ $greedy -eq 1 ] && greedy_flag=(--greedy)
hf_device=cuda; [ $dry -eq 1 ] && hf_device=cpu
hf_env=()
if [ $dry -eq 1 ] && ! "$py" -c 'import transformers' 2>/dev/null; then
  hf_env=(env "PYTHONPATH=$here/stub${PYTHONPATH:+:$PYTHONPATH}")
  say "transformers is missing: the dry run uses benchmarks/gpu/stub (greedy t5_reference; not transformers)"
fi
threads=(); [ $dry -eq 1 ] && threads=(--threads 2)

IFS=, read -r -a shapes <<< "$models"
for i in "${!shapes[@]}"; do
  shape=${shapes[$i]}
  shapes_left=$(( ${#shapes[@]} - i ))
  # generate the model first (once per machine: cached in .models/bench), outside the shares of the measurements
  step $(( $(left) - 30 )) "$shape: generating the model" "$bin" --device-table --model "$shape" --prepare-only || continue
  # this shape's share of what is left: base gets a bit more than an even split (large rows are slower; the base rows matter first)
  share=$(( $(left) * (shapes_left > 1 ? 55 : 100) / 100 ))
  shape_end=$(( $(elapsed) + share ))
  say "shape $shape: $share s"
  inputs="$work/inputs-$shape.json"

  if [ $run_cuda -eq 1 ]; then
    cuda_pct=$([ $cuda_merged -eq 1 ] || [ $cuda_host -eq 1 ] && echo 25 || echo 40)
    step $(( (shape_end - $(elapsed)) * cuda_pct / 100 )) "$shape: ours on CUDA" \
      "$bin" --device-table --device cuda --model "$shape" --batches "$batches" --beams "$beams" "${greedy_flag[@]}" \
      --json "$work/table-$shape-cuda.json" --export-hf "$inputs" --budget-seconds $(( (shape_end - $(elapsed)) * cuda_pct / 100 ))
    cuda_rc=$?
    for variant in merged host; do
      flag=cuda_$variant
      [ "${!flag}" -eq 1 ] && [ $dry -eq 0 ] || continue
      args=(--decoder merged); [ $variant = host ] && args=(--binding off)
      step $(( (shape_end - $(elapsed)) * 20 / 100 )) "$shape: ours on CUDA, $variant" \
        "$bin" --device-table --device cuda "${args[@]}" --model "$shape" --batches "$batches" --beams "$beams" "${greedy_flag[@]}" \
        --json "$work/table-$shape-cuda-$variant.json" --budget-seconds $(( (shape_end - $(elapsed)) * 20 / 100 ))
    done
    if [ $dry -eq 1 ]; then
      if [ $cuda_rc -eq 3 ]; then  # --device-table's status when the device cannot be used (its message is above)
        say "dry run: the CUDA step failed as it must without a GPU (message above)"
        rm -f "$work/table-$shape-cuda.json"
      else
        say "dry run: the CUDA step did not fail: unexpected"; echo "cuda step did not fail" >> "$work/dry-run-failures.txt"
      fi
    fi
  fi
  if [ ! -f "$inputs" ]; then  # the CUDA step did not write them (left out or failed): the CPU app writes them
    "$bin" --device-table --device cpu --model "$shape" --batches "$batches" --beams "$beams" "${threads[@]}" --export-only \
      --export-hf "$inputs" > "$work/export-$shape.log" 2>&1 \
      || { say "could not write the baseline's inputs:"; tail -5 "$work/export-$shape.log"; }
  fi
  if [ $run_hf -eq 1 ] && [ -f "$inputs" ]; then
    step $(( (shape_end - $(elapsed)) * 50 / 100 )) "$shape: PyTorch generate on $hf_device" \
      "${hf_env[@]}" "$py" -u "$here/hf_baseline.py" --inputs "$inputs" --device "$hf_device" --batches "$batches" --beams "$beams" \
      "${greedy_flag[@]}" --json "$work/hf-$shape.json" --budget-seconds $(( (shape_end - $(elapsed)) * 50 / 100 ))
  fi
  if [ $run_cpu -eq 1 ]; then
    step $(( shape_end - $(elapsed) )) "$shape: ours on the CPU" \
      "$bin" --device-table --device cpu --model "$shape" --batches "$batches" --beams "$beams" "${greedy_flag[@]}" "${threads[@]}" \
      --json "$work/table-$shape-cpu.json" --budget-seconds $(( shape_end - $(elapsed) ))
  fi
done

[ -n "$sampler" ] && kill "$sampler" 2>/dev/null
sampler=""
if [ $dry -eq 1 ]; then
  say "dry run: CPU checks of the baseline's parts (check_cpu.py)"
  for shape in "${shapes[@]}"; do
    if [ -f "$work/table-$shape-cpu.json" ] && [ -f "$work/inputs-$shape.json" ]; then
      unconstrained=()
      if "$bin" --device-table --device cpu --model "$shape" --batches "$batches" --beams 1 --unconstrained "${threads[@]}" \
           --json "$work/unconstrained-$shape.json" > "$work/unconstrained-$shape.log" 2>&1; then
        unconstrained=(--unconstrained-table "$work/unconstrained-$shape.json")
      fi
      "$py" "$here/check_cpu.py" --table "$work/table-$shape-cpu.json" --hf-inputs "$work/inputs-$shape.json" "${unconstrained[@]}" \
        --shared "${SYNTHIE_SHARED_DIR:-}" || echo "check_cpu.py failed" >> "$work/dry-run-failures.txt"
    fi
  done
fi

say "table"
"$py" "$here/report.py" "$work"
for f in table.md results.json run.log gpu-memory.log; do
  [ -f "$work/$f" ] && [ "$(cd "$work" && pwd)" != "$(mkdir -p "$out" && cd "$out" && pwd)" ] && cp "$work/$f" "$out/$f"
done
say "done in $(elapsed) s; results in $work${out:+ (copied to $out)}"
if [ $dry -eq 1 ] && [ -f "$work/dry-run-failures.txt" ]; then
  echo "DRY RUN FAILED: $(tr '\n' ';' < "$work/dry-run-failures.txt")"; exit 1
fi
exit 0
