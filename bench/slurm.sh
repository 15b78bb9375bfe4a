#!/bin/sh
# A Slurm job array over the parts of a corpus, on a one-node Slurm started
# here for the purpose: munged, slurmctld and slurmd with a minimal
# slurm.conf in a temporary folder (their own ports, sockets, spool and
# logs; nothing of /etc is used or changed), then `sbatch --array=1-N` of
# `parley run --shard I/N COMMAND … --partial`, `parley merge` of the parts,
# and the merged table compared with one run over the whole corpus.  Not run
# by make test or CI: it needs Debian's slurm-wlm (and munge), and root or
# a user who may start daemons.
#
#   sh bench/slurm.sh [CORPUS [N [COMMAND ARGS…]]]
#   sh bench/slurm.sh corpus 3 speakers --by doc
#   sh bench/slurm.sh /tmp/pb200 4 ngrams 2 --min 5
#
# CORPUS defaults to the bundled corpus, N to 2, the command to `ngrams`.
# Prints the job's timings and "merged == single: yes" (exit 0) or the diff (exit 1).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
parley=${PARLEY:-$here/build/parley}
corpus=$(cd "${1:-$here/corpus}" && pwd)
n=${2:-2}
[ $# -ge 2 ] && shift 2 || shift $#
[ $# -eq 0 ] && set -- ngrams

for tool in munged slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "bench/slurm.sh: $tool is missing: apt-get install slurm-wlm (it brings munge)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/parley-slurm.XXXXXX)
host=$(hostname -s)
user=$(id -un)
mkdir -p "$work/spool" "$work/state" "$work/munge" "$work/out"
chmod 700 "$work/munge"

# munge: a key of our own, its socket and files in the folder
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" 2>/dev/null
chmod 400 "$work/munge/munge.key"
munged --key-file="$work/munge/munge.key" --socket="$work/munge/socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed" --force

cat > "$work/slurm.conf" <<EOF
ClusterName=parley
SlurmctldHost=$host
SlurmUser=$user
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=parley Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"

stop() {
  scontrol shutdown >/dev/null 2>&1 || true
  for f in slurmd.pid slurmctld.pid munge/munged.pid; do
    [ -s "$work/$f" ] && kill "$(cat "$work/$f")" 2>/dev/null || true
  done
}
trap stop EXIT

slurmctld -i
slurmd
i=0
until sinfo -h -o %T 2>/dev/null | grep -q idle; do
  i=$((i + 1))
  if [ $i -gt 60 ]; then
    echo "bench/slurm.sh: the node did not come up; see $work/slurmctld.log and $work/slurmd.log" >&2
    exit 2
  fi
  sleep 1
done

# the whole corpus's index first (one run), so that the comparison below times
# only the parts' builds and runs in the array
"$parley" "$@" --corpus "$corpus" --format tsv > "$work/single.tsv"

quoted=""
for a in "$@"; do quoted="$quoted '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"; done
start=$(date +%s.%N)
sbatch --wait --quiet --array=1-"$n" --output="$work/out/task-%a.log" --chdir="$work" --wrap \
  "\"$parley\" run --shard \$SLURM_ARRAY_TASK_ID/$n $quoted --corpus \"$corpus\" --partial > \"$work/out/part-\$SLURM_ARRAY_TASK_ID.json\""
end=$(date +%s.%N)
"$parley" merge --format tsv "$work"/out/part-*.json > "$work/merged.tsv"
echo "array of $n tasks: $(echo "$end - $start" | bc) s (each builds its part's index the first time)"
if cmp -s "$work/single.tsv" "$work/merged.tsv"; then
  echo "merged == single: yes ($(wc -l < "$work/single.tsv") lines; $work)"
else
  echo "merged == single: NO"
  diff "$work/single.tsv" "$work/merged.tsv" | head -20
  exit 1
fi
