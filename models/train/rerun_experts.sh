#!/bin/sh
# usage: rerun_experts.sh N NAME...  -- reproducibility check of the expert stage: re-trains the named
# experts from the shipped base exactly as run_experts.sh N does (same flags, seed 2, one thread
# each, all in parallel), exports their deltas to $W/rerun/<name>/ (the shipped files are not
# touched) and compares them with models/experts/<name>/delta.safetensors (compare_deltas.py).
cd "$(dirname "$0")"
PY=/usr/bin/python3
W=${CHORUS_TRAIN_WORK:-/work/train-work}
N=$1
shift
. ./ft_flags.sh
fit_ctc_head
for e in "$@"; do
  (nice -n -5 $PY train.py train --run rerun-$e --pool $e $FT --steps $N --threads 1 --seed 2 > $W/rerun-$e.out 2>&1 &&
    $PY package.py delta --run rerun-$e --name $e --dest $W/rerun/$e >> $W/rerun-$e.out 2>&1) &
done
wait
for e in "$@"; do
  $PY compare_deltas.py ../experts/$e/delta.safetensors $W/rerun/$e/delta.safetensors
done
echo RERUN DONE
