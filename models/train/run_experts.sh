#!/bin/sh
# usage: experts.sh N   -- 7 experts, two at a time, each followed by its delta export and eval
cd "$(dirname "$0")"
PY=/usr/bin/python3
W=${CHORUS_TRAIN_WORK:-/work/train-work}
N=$1
. ./ft_flags.sh
one() {
  nice -n -5 $PY train.py train --run ${RUN_PREFIX:-}expert-$1 --pool $1 $FT --steps $N --threads 1 --seed 2 > $W/expert-$1.out 2>&1
  $PY package.py delta --run ${RUN_PREFIX:-}expert-$1 --name $1 >> $W/expert-$1.out 2>&1
  nice -n -5 $PY package.py evalship --name $1 --split test --subset $1 > $W/eval-$1.out 2>&1
}
fit_ctc_head
for pair in "en de" "es fr" "numbers commands" "medical"; do
  for e in $pair; do one $e & done
  wait
done
echo EXPERTS DONE
