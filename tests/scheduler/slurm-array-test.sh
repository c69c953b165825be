#!/usr/bin/env bash
# End-to-end test of bulk extraction under a real Slurm: starts a single-node Slurm (munged, slurmctld, slurmd on
# 127.0.0.1, private ports, everything under a temporary folder), submits docs/bulk-extraction/synthie-array.sbatch as
# an array job of 4 shards over REBEL sample texts, waits, merges the shards and checks that the merged file equals a
# single-process run byte for byte. Then it stops the daemons it started, by their process ids.
#
#   tests/scheduler/slurm-array-test.sh [TEXTS=40]
#
# Needs: root (Slurm runs jobs as the submitting user, and slurmd needs root), the solution built in Release
# (./build.sh test does that), ../shared (or SYNTHIE_SHARED_DIR). Installs Debian's slurm-wlm and munge when missing.
# Prints one closing line: "slurm-array-test: PASS" (exit 0) or "slurm-array-test: FAIL" (exit 1).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
texts=${1:-40}
shared=${SYNTHIE_SHARED_DIR:-$root/../shared}
cli_dll="$root/src/SynthIE.Inference.Cli/bin/Release/net10.0/SynthIE.Inference.Cli.dll"
synthie=(dotnet "$cli_dll")
fail() { echo "slurm-array-test: $*" >&2; echo "slurm-array-test: FAIL"; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (slurmd starts jobs as their user)"
[ -f "$cli_dll" ] || fail "the synthie tool is not built ($cli_dll): run ./build.sh test or dotnet build -c Release first"
[ -f "$shared/data/rebel-sample/sample.jsonl" ] || fail "REBEL sample not found under $shared (set SYNTHIE_SHARED_DIR)"
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  echo "slurm-array-test: installing Debian's slurm-wlm and munge ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
    || fail "apt-get install slurm-wlm munge failed"
fi

work=$(mktemp -d /tmp/synthie-slurm.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "${KEEP_SLURM_WORK:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{munge,state,spool,log,run,out,model}
started=$(date +%s)

# Two free TCP ports on the loopback for slurmctld and slurmd.
read -r ctld_port slurmd_port < <(python3 - <<'PY'
import socket
ports = []
socks = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s); ports.append(s.getsockname()[1])
print(*ports)
PY
)

mungekey --create --keyfile "$work/munge/munge.key" --force >/dev/null 2>&1 || dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" || fail "munged did not start"
pids+=("$(cat "$work/munge/munged.pid")")

cpus=$(nproc)
cat > "$work/slurm.conf" <<CONF
ClusterName=synthietest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=cpu Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start: $(tail -n 5 "$work/log/slurmctld.log" 2>/dev/null)"
for _ in $(seq 100); do [ -s "$work/run/slurmctld.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/run/slurmctld.pid")")
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -n 5 "$work/log/slurmd.log" 2>/dev/null)"
for _ in $(seq 100); do [ -s "$work/run/slurmd.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$work/run/slurmd.pid")")
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 0.2; done
sinfo -h -o %T | grep -q idle || fail "the Slurm node did not become idle: $(sinfo 2>&1)"

# The model: the demo model trained in this repository (else, if it cannot be written, a generated one).
model="$work/model"
"${synthie[@]}" models demo --output "$model" --overwrite --tokenizer "$shared/data/t5-tokenizer/spiece.model" >/dev/null 2>&1 \
  || "${synthie[@]}" models make-test --output "$model" --demo-world --overwrite --tokenizer "$shared/data/t5-tokenizer/spiece.model" >/dev/null \
  || fail "could not write a model into $model"

input="$work/texts.jsonl"
python3 - "$shared/data/rebel-sample/sample.jsonl" "$input" "$texts" <<'PY'
import json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
    for i, line in enumerate(f):
        if i == n:
            break
        doc = json.loads(line)
        out.write(json.dumps({"id": str(doc.get("docid", doc.get("id", i))), "text": doc["text"]}, ensure_ascii=False) + "\n")
PY

# One text per batch in both runs: which texts share a batch changes the padding ONNX Runtime sees, and with it the
# last digits of the scores (the facts stay the same), so only unbatched runs can be compared byte for byte.
job=$(MODEL="$model" INPUT="$input" OUT_DIR="$work/out" SYNTHIE="${synthie[*]}" THREADS=1 EXTRA_ARGS="--batch-size 1" \
  sbatch --parsable --wait --array=0-3 --mem=1G --cpus-per-task=1 --chdir="$work/out" --output="$work/out/task-%a.log" --export=ALL \
  "$root/docs/bulk-extraction/synthie-array.sbatch") || fail "the array job failed: $(tail -n 3 "$work"/out/task-*.log 2>/dev/null)"
echo "slurm-array-test: array job $job done"

"${synthie[@]}" merge --input "$input" --shards "$work/out/facts-{shard:05}.jsonl" --shard-count 4 --output "$work/merged.jsonl" \
  || fail "synthie merge failed"
"${synthie[@]}" extract --model "$model" --input "$input" --output "$work/single.jsonl" --threads 1 --batch-size 1 --no-progress \
  || fail "the single-process run failed"
cmp "$work/merged.jsonl" "$work/single.jsonl" || fail "the merged file differs from a single-process run"
lines=$(wc -l < "$work/merged.jsonl")
[ "$lines" -eq "$texts" ] || fail "the merged file has $lines lines, not $texts"
echo "slurm-array-test: 4 shards under Slurm, merged = single-process run ($lines lines, byte for byte) in $(( $(date +%s) - started )) s"
echo "slurm-array-test: PASS"
