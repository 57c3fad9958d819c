#!/bin/sh
# usage: multitask.sh N  -- 7*N steps on all 12 cells (2 processes), delta export, eval
cd "$(dirname "$0")"
PY=/usr/bin/python3
W=${CHORUS_TRAIN_WORK:-/work/train-work}
N=$1
. ./ft_flags.sh
fit_ctc_head
MASTER_PORT=29537 ./run_ddp.sh --run ${RUN_PREFIX:-}multitask --pool all $FT --steps $((7 * N)) --seed 3 > $W/multitask.out 2>&1
$PY package.py delta --run ${RUN_PREFIX:-}multitask --name multitask --dest ../multitask >> $W/multitask.out 2>&1
nice -n -5 $PY package.py evalship --name multitask --split test > $W/eval-multitask.out 2>&1
echo MULTITASK DONE
