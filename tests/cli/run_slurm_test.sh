#!/usr/bin/env bash
# A real Slurm, really run (issue #11): brings up munged, slurmctld and slurmd on
# this machine from Debian's packages (slurm-wlm, munge) with a configuration
# written into a temporary folder, submits examples/slurm/submit.sh (a job array of
# 4 render shards and a join job that depends on it), waits (at most 5 minutes),
# and checks that the joined MP4 is byte-identical to a single render.
# Exit 77 (CTest: skipped) with the reason when Slurm is not installed or cannot
# start here. Needs MMR (the binary) and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR to the checkout}"
skip() { echo "SKIPPED: slurm test: $*"; exit 77; }
for tool in munged slurmctld slurmd sbatch squeue sinfo scontrol; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install slurm-wlm munge; scripts/install-deps.sh does)"
done
[ "$(id -u)" -eq 0 ] || skip "needs root to start slurmd (it runs jobs as their user)"

work=$(mktemp -d)
work=$(cd "$work" && pwd -P)
chmod 755 "$work"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
logs() { local f; for f in "$work"/*.log; do echo "--- $f"; tail -n 15 "$f"; done; }

# munge: its own key, socket and state in the temporary folder.
mkdir -m 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/sock" \
  --pid-file="$work/munge/pid" --log-file="$work/munged.log" --seed-file="$work/munge/seed" ||
  skip "munged does not start: $(tail -n 3 "$work/munged.log" 2>/dev/null)"
pids+=("$(cat "$work/munge/pid")")

# Ports chosen from this process id, so that two runs (or a system Slurm) do not meet.
ctl_port=$((20000 + ($$ % 20000)))
node_port=$((ctl_port + 1))
cpus=$(nproc)
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<CONF
ClusterName=mmrtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$node_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MaxArraySize=100
NodeName=mmrnode NodeAddr=127.0.0.1 NodeHostname=$(hostname) CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=mmrnode Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -D -i -f "$SLURM_CONF" >>"$work/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -N mmrnode -f "$SLURM_CONF" >>"$work/slurmd.log" 2>&1 &
pids+=($!)
up=
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
  sleep 0.5
done
[ -n "$up" ] || { logs; skip "slurmctld/slurmd did not bring the node up within 30 s (logs above)"; }
echo "slurm up: $(sinfo -h -o '%P %D %T %c')"

cd "$work" || exit 1
cat > anim.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [6, 4]}
  B: {shape: [4, 6]}
anim: {alg: vmprod, speed: 10}
YAML
opts=(--size 160x96 --fps 10 --duration 6 --segment 12)  # 60 frames, 5 segments over 4 shards
"$MMR" render anim.yaml -o single.mp4 "${opts[@]}" -q || { echo "FAIL: single render"; exit 1; }
join_id=$(MMR=$MMR bash "$MMR_SOURCE_DIR/examples/slurm/submit.sh" anim.yaml joined.mp4 4 "${opts[@]}") ||
  { echo "FAIL: submit.sh: $join_id"; logs; exit 1; }
echo "submitted; join job $join_id"
state=
for _ in $(seq 300); do
  state=$(scontrol -o show job "$join_id" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
  sleep 1
done
fail=0
[ "$state" = COMPLETED ] || { echo "FAIL: join job $join_id ended as '${state:-unknown}'"; fail=1; }
nparts=$(ls joined.parts 2>/dev/null | wc -l)
[ "$nparts" -eq 4 ] || { echo "FAIL: the array wrote $nparts parts, not 4: $(ls joined.parts 2>&1)"; fail=1; }
nlogs=$(ls mmr-render-*.log 2>/dev/null | wc -l)
[ "$nlogs" -eq 4 ] || { echo "FAIL: $nlogs render task logs, not 4"; fail=1; }
grep -h "mmr render: wrote" mmr-render-*.log
cat mmr-join-*.log 2>/dev/null
if cmp -s single.mp4 joined.mp4; then
  echo "joined.mp4 ($(stat -c %s joined.mp4) bytes) is byte-identical to the single render"
else
  echo "FAIL: joined.mp4 differs from the single render"; fail=1
fi
[ "$fail" -eq 0 ] || { logs; for f in mmr-*.log; do echo "--- $f"; cat "$f"; done; }
echo "slurm test: $([ $fail -eq 0 ] && echo passed || echo FAILED)"
exit $fail
